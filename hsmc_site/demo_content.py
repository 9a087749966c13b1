"""The centre's Leadership and management page as catalogue data: the demo content.

Source: shared/seed/leadership-and-management.txt. Only facts the page states are recorded; anything
it does not say (e-mails, dates, fees, job titles) stays empty, and the public pages leave it out.
`load_demo_content()` matches records by slug and brings them back to these facts; running it
again changes nothing. Records that are not part of the demo are never touched.
"""

from dataclasses import dataclass, field

from django.db import models, transaction

from faculty.models import Person
from organisations.models import Organisation
from programmes.models import Audience, Programme, ProgrammePartner
from publishing.models import Status
from topics.models import Topic
from workstreams.models import Goal, KeyContact, WorkStream, WorkStreamMember

CHANGE_REASON = "Demo content"
WORK_STREAM_SLUG = "leadership-and-management"

ORGANISATIONS = (
    {
        "slug": "nhs-leadership-academy",
        "name": "NHS Leadership Academy",
        "kind": Organisation.Kind.LEADERSHIP_ACADEMY,
    },
    {
        "slug": "heewm",
        "name": "Health Education England in the West Midlands",
        "short_name": "HEEWM",
        "kind": Organisation.Kind.COMMISSIONER,
    },
    {
        "slug": "health-education-north-west",
        "name": "Health Education North-West",
        "kind": Organisation.Kind.COMMISSIONER,
    },
    # The page names this partner only by its abbreviation.
    {"slug": "ambs", "name": "AMBS", "short_name": "AMBS", "kind": Organisation.Kind.OTHER},
    {"slug": "university-of-birmingham", "name": "University of Birmingham", "kind": Organisation.Kind.UNIVERSITY},
    {"slug": "harvard-university", "name": "Harvard University", "kind": Organisation.Kind.UNIVERSITY},
)

# The work stream's focus areas, in the order the page lists them.
TOPICS = (
    {"slug": "patient-leadership", "name": "Patient leadership"},
    {"slug": "medical-leaders", "name": "Medical leaders"},
    {"slug": "emerging-leaders", "name": "Emerging leaders"},
    {"slug": "system-leadership", "name": "System leadership"},
    {"slug": "health-service-management", "name": "Health service management"},
    {"slug": "improvement", "name": "Improvement"},
    {"slug": "organisational-development", "name": "Organisational development"},
)

AUDIENCES = (
    {"slug": "senior-and-executive-leaders", "name": "Senior and executive leaders", "order": 1},
    {"slug": "senior-organisational-leaders", "name": "Senior organisational leaders", "order": 2},
    {"slug": "local-leaders", "name": "Local leaders", "order": 3},
    {"slug": "doctors", "name": "Doctors", "order": 4},
    {"slug": "medical-students", "name": "Medical students", "order": 5},
)

# Faculty in the order the page names them; the visiting professor comes from Harvard University.
PEOPLE = (
    {"slug": "belinda-weir", "given_name": "Belinda", "family_name": "Weir"},
    {"slug": "mark-exworthy", "given_name": "Mark", "family_name": "Exworthy"},
    {"slug": "hilary-brown", "given_name": "Hilary", "family_name": "Brown"},
    {"slug": "deborah-davidson", "given_name": "Deborah", "family_name": "Davidson"},
    {"slug": "annette-neath", "given_name": "Annette", "family_name": "Neath"},
    {"slug": "iain-snelling", "given_name": "Iain", "family_name": "Snelling"},
    {"slug": "yvonne-sawbridge", "given_name": "Yvonne", "family_name": "Sawbridge"},
    {"slug": "mervyn-conroy", "given_name": "Mervyn", "family_name": "Conroy"},
    {"slug": "robin-miller", "given_name": "Robin", "family_name": "Miller"},
    {
        "slug": "john-mcdonough",
        "given_name": "John",
        "family_name": "Mcdonough",
        "job_title": "Visiting Professor",
        "role_kind": Person.RoleKind.VISITING,
        "affiliation": "harvard-university",
    },
)

KEY_CONTACTS = ("belinda-weir", "annette-neath")

WORK_STREAM = {
    "slug": WORK_STREAM_SLUG,
    "title": "Leadership and management",
    "summary": (
        "Developing the confident, courageous leaders and the leadership and management capability "
        "the health system needs to survive and thrive."
    ),
    "body": "\n\n".join(
        (
            "Everyone working within the healthcare system is facing enormously challenging and uncertain "
            "times. Change has been a constant feature for the last decade and the need for confident and "
            "courageous leadership has never been greater.",
            "Investment in leadership development is recognised as essential to ensuring the system has able, "
            "skilled and assured leaders at every level: from the executive team to the front line, in clinical, "
            "managerial and governance settings and across leader relationships within whole health and social "
            "care systems.",
            "We work with healthcare partners at all levels to explore and shape a shared understanding of the "
            "leadership the health service needs for the future, and to develop the leadership and management "
            "capability the system requires to survive and thrive in the 21st century.",
            "Our recent work includes exploration of the specific requirements for patient leadership, medical "
            "leaders, emerging leaders and system leadership, as well as maintaining a deep understanding of and "
            "focus on health service management, improvement and organisational development. We aim to ensure "
            "that our leadership development work is informed by our research and evaluation activity, and these "
            "in turn are supported and informed by the experiences and needs of healthcare leaders.",
            "Our taught Masters programmes combine theoretical frameworks with policy analysis and application to "
            "ensure that academic learning is grounded in professional leadership practice. They enable senior "
            "healthcare leaders – whether in provider roles, commissioning roles or with wider policy and "
            "strategic responsibilities – to focus in more depth on specific fields of study and to apply the "
            "learning to their own practice and to their organisations.",
            "We also design, deliver and evaluate bespoke development programmes for healthcare professionals "
            "working in and across health care organisations. In our commissioned work we collaborate with "
            "University of Birmingham and external partners to co-produce interventions, ensuring that our work "
            "combines the university’s world class expertise in every aspect of healthcare, is aligned with "
            "commissioners’ strategic ambitions, is sustainable and has measurable impact.",
        )
    ),
    "focus_areas": [topic["slug"] for topic in TOPICS],
}

GOALS = (
    {
        "title": "Informed policy",
        "description": "We undertake original research and provide objective analysis of current and future "
        "leadership trends in healthcare.",
    },
    {
        "title": "Effective high quality services",
        "description": "We work with partners to support improvement, integration and patient-centred care.",
    },
    {
        "title": "Exceptional health care leaders",
        "description": "Through building knowledge, capability and effective leadership practices.",
    },
    {
        "title": "Evidence",
        "description": "Evidence for high quality leadership in healthcare and the most effective strategies "
        "for improvement.",
    },
)

CONSORTIUM = (
    "HSMC is proud to be a founding member of the consortium responsible for design and delivery of the "
    "highly successful NHS Leadership Academy Elizabeth Garrett Anderson and Nye Bevan programmes."
)
NATIONAL_IMPACT = (
    "Since their inception in 2014 the programmes have supported hundreds of senior and executive leaders in "
    "every part of the healthcare system to develop their professional practice and apply their learning to "
    "deliver real impact and improvements for the service and for patients."
)

DELIVERY_PARTNER = ProgrammePartner.Role.DELIVERY_PARTNER
COMMISSIONER = ProgrammePartner.Role.COMMISSIONER

PROGRAMMES = (
    {
        "slug": "elizabeth-garrett-anderson-programme",
        "title": "NHS Leadership Academy Elizabeth Garrett Anderson programme",
        "kind": Programme.Kind.NATIONAL_PARTNERSHIP,
        "summary": "A national programme for senior and executive leaders, designed and delivered with the NHS "
        "Leadership Academy by a consortium HSMC helped to found.",
        "overview": CONSORTIUM,
        "who_for": "Senior and executive leaders in every part of the healthcare system.",
        "outcomes": NATIONAL_IMPACT,
        "level": Programme.Level.EXECUTIVE,
        "running_since": 2014,
        "audiences": ["senior-and-executive-leaders"],
        "partners": [("nhs-leadership-academy", DELIVERY_PARTNER)],
        "related_programmes": ["nye-bevan-programme"],
    },
    {
        "slug": "nye-bevan-programme",
        "title": "NHS Leadership Academy Nye Bevan programme",
        "kind": Programme.Kind.NATIONAL_PARTNERSHIP,
        "summary": "A national programme for senior and executive leaders, designed and delivered with the NHS "
        "Leadership Academy by a consortium HSMC helped to found.",
        "overview": CONSORTIUM,
        "who_for": "Senior and executive leaders in every part of the healthcare system.",
        "outcomes": NATIONAL_IMPACT,
        "level": Programme.Level.EXECUTIVE,
        "running_since": 2014,
        "audiences": ["senior-and-executive-leaders"],
        "partners": [("nhs-leadership-academy", DELIVERY_PARTNER)],
        "related_programmes": ["elizabeth-garrett-anderson-programme"],
    },
    {
        "slug": "systems-leadership",
        "title": "Systems Leadership",
        "kind": Programme.Kind.COMMISSIONED,
        "summary": "A programme for senior organisational leaders, developed in partnership with Health Education "
        "England in the West Midlands (HEEWM).",
        "overview": "A programme for senior organisational leaders, developed in partnership with Health "
        "Education England in the West Midlands (HEEWM).",
        "who_for": "Senior organisational leaders.",
        "level": Programme.Level.EXECUTIVE,
        "audiences": ["senior-organisational-leaders"],
        "topics": ["system-leadership"],
        "partners": [("heewm", DELIVERY_PARTNER)],
    },
    {
        "slug": "medical-leadership-in-practice",
        "title": "Medical Leadership in Practice",
        "kind": Programme.Kind.COMMISSIONED,
        "summary": "A programme for doctors centred on an improvement project, delivered with AMBS and "
        "commissioned by Health Education North-West.",
        "overview": "A programme for doctors centred on an improvement project, delivered with AMBS and "
        "commissioned by Health Education North-West.",
        "who_for": "Doctors.",
        "structure": "The programme is centred on an improvement project.",
        "audiences": ["doctors"],
        "topics": ["medical-leaders", "improvement"],
        "partners": [("ambs", DELIVERY_PARTNER), ("health-education-north-west", COMMISSIONER)],
    },
    {
        "slug": "intercalated-course-in-health-management-and-leadership",
        "title": "Intercalated course in Health management and Leadership",
        "kind": Programme.Kind.INTERCALATED,
        "summary": "An intercalated course in health management and leadership for medical students.",
        "who_for": "Medical students.",
        "audiences": ["medical-students"],
        "topics": ["health-service-management"],
    },
    {
        "slug": "evaluation-of-leadership-development-programmes",
        "title": "Evaluation of leadership development programmes",
        "kind": Programme.Kind.EVALUATION,
        "summary": "A commission from HEEWM to measure the impact of leadership development interventions at "
        "individual, organisational and system level.",
        "overview": "A commission from Health Education England in the West Midlands (HEEWM) to measure the "
        "impact at individual, organisational and system level of leadership development interventions.",
        "partners": [("heewm", COMMISSIONER)],
    },
    {
        "slug": "aspiring-healthcare-leaders",
        "title": "Aspiring Healthcare Leaders",
        "kind": Programme.Kind.COMMISSIONED,
        "summary": "A 12 month leadership programme for cohorts of 50 local leaders in commissioner, provider and "
        "strategic organisations, running for over 10 years.",
        "overview": "We have been running this 12 month leadership programme for over 10 years for cohorts of 50 "
        "local leaders in commissioner, provider and strategic organisations.",
        "who_for": "Local leaders in commissioner, provider and strategic organisations.",
        "outcomes": "Our alumni number hundreds of leaders from across the West Midlands from this programme alone.",
        "duration_value": 12,
        "duration_unit": Programme.DurationUnit.MONTHS,
        "cohort_size": 50,
        "location": "West Midlands",
        "audiences": ["local-leaders"],
    },
)

# Every programme field the demo may set; any not given for a programme is reset to empty.
PROGRAMME_FIELDS = (
    "title",
    "kind",
    "summary",
    "overview",
    "who_for",
    "outcomes",
    "structure",
    "qualification",
    "level",
    "study_mode",
    "attendance_mode",
    "duration_value",
    "duration_unit",
    "location",
    "cohort_size",
    "fees_and_funding",
    "running_since",
    "apply_url",
)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    new_objects: set = field(default_factory=set)

    def is_new(self, obj: models.Model) -> bool:
        return (obj._meta.label, obj.pk) in self.new_objects


def empty_value(model: type[models.Model], name: str):
    model_field = model._meta.get_field(name)
    return None if model_field.null else ""


def sync(report: LoadReport, model: type[models.Model], lookup: dict, values: dict) -> models.Model:
    """Create the record, or bring it to `values`; save only when something differs (no empty history)."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj._change_reason = CHANGE_REASON
        obj.save()
        report.created += 1
        report.new_objects.add((obj._meta.label, obj.pk))
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj._change_reason = CHANGE_REASON
        obj.save()
        report.updated += 1
    return obj


def sync_m2m(report: LoadReport, manager, objects) -> None:
    if {obj.pk for obj in manager.all()} != {obj.pk for obj in objects}:
        manager.set(objects)
        if not report.is_new(manager.instance):
            report.updated += 1


def sync_links(report: LoadReport, model, owner: dict, rows: list[tuple[dict, dict]]) -> None:
    """Make the link rows of one owner (e.g. one programme's partners) exactly `rows`.

    Each row is (identity, values): identity finds the link, values are brought up to date.
    """
    keep = [sync(report, model, {**owner, **identity}, values).pk for identity, values in rows]
    for obj in model._default_manager.filter(**owner).exclude(pk__in=keep):
        obj.delete()
        report.updated += 1


@transaction.atomic
def load_demo_content() -> LoadReport:
    report = LoadReport()
    organisations = {
        data["slug"]: sync(
            report,
            Organisation,
            {"slug": data["slug"]},
            {"name": data["name"], "short_name": data.get("short_name", ""), "kind": data["kind"]},
        )
        for data in ORGANISATIONS
    }
    topics = {data["slug"]: sync(report, Topic, {"slug": data["slug"]}, {"name": data["name"]}) for data in TOPICS}
    audiences = {
        data["slug"]: sync(report, Audience, {"slug": data["slug"]}, {"name": data["name"], "order": data["order"]})
        for data in AUDIENCES
    }

    people = {}
    for data in PEOPLE:
        affiliation = organisations[data["affiliation"]] if "affiliation" in data else None
        people[data["slug"]] = sync(
            report,
            Person,
            {"slug": data["slug"]},
            {
                "given_name": data["given_name"],
                "family_name": data["family_name"],
                "job_title": data.get("job_title", ""),
                "role_kind": data.get("role_kind", Person.RoleKind.FACULTY),
                "affiliation": affiliation,
                "status": Status.PUBLISHED,
            },
        )

    work_stream = sync(
        report,
        WorkStream,
        {"slug": WORK_STREAM["slug"]},
        {
            "title": WORK_STREAM["title"],
            "summary": WORK_STREAM["summary"],
            "body": WORK_STREAM["body"],
            "status": Status.PUBLISHED,
        },
    )
    sync_m2m(report, work_stream.focus_areas, [topics[slug] for slug in WORK_STREAM["focus_areas"]])
    owner = {"work_stream": work_stream}
    sync_links(
        report,
        Goal,
        owner,
        [
            ({"title": goal["title"]}, {"description": goal["description"], "order": order})
            for order, goal in enumerate(GOALS)
        ],
    )
    sync_links(
        report,
        WorkStreamMember,
        owner,
        [({"person": people[data["slug"]]}, {"order": order}) for order, data in enumerate(PEOPLE)],
    )
    sync_links(
        report,
        KeyContact,
        owner,
        [({"person": people[slug]}, {"role_label": "", "order": order}) for order, slug in enumerate(KEY_CONTACTS)],
    )

    programmes = {}
    for data in PROGRAMMES:
        values = {name: data.get(name, empty_value(Programme, name)) for name in PROGRAMME_FIELDS}
        programme = sync(report, Programme, {"slug": data["slug"]}, {**values, "status": Status.PUBLISHED})
        programmes[data["slug"]] = programme
        sync_m2m(report, programme.work_streams, [work_stream])
        sync_m2m(report, programme.audiences, [audiences[slug] for slug in data.get("audiences", [])])
        sync_m2m(report, programme.topics, [topics[slug] for slug in data.get("topics", [])])
        sync_links(
            report,
            ProgrammePartner,
            {"programme": programme},
            [
                ({"organisation": organisations[slug], "role": role}, {"order": order})
                for order, (slug, role) in enumerate(data.get("partners", []))
            ],
        )
    for data in PROGRAMMES:
        related = [programmes[slug] for slug in data.get("related_programmes", [])]
        sync_m2m(report, programmes[data["slug"]].related_programmes, related)

    report.counts = {
        "work streams": WorkStream.objects.count(),
        "goals": Goal.objects.count(),
        "topics": Topic.objects.count(),
        "organisations": Organisation.objects.count(),
        "audiences": Audience.objects.count(),
        "people": Person.objects.count(),
        "work stream members": WorkStreamMember.objects.count(),
        "key contacts": KeyContact.objects.count(),
        "programmes": Programme.objects.count(),
        "programme partners and commissioners": ProgrammePartner.objects.count(),
    }
    return report

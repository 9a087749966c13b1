"""The centre's Leadership and management page (shared/seed), built with factories, named as in the seed."""

from types import SimpleNamespace

import pytest

from organisations.models import Organisation
from programmes.models import Programme, ProgrammePartner
from tests.factories import (
    KeyContactFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    ProgrammeLeadFactory,
    ProgrammePartnerFactory,
    ResearchProjectFactory,
    TopicFactory,
    WorkStreamFactory,
    WorkStreamMemberFactory,
)

CONSORTIUM = (
    "HSMC is proud to be a founding member of the consortium responsible for design and delivery of the highly "
    "successful NHS Leadership Academy Elizabeth Garrett Anderson and Nye Bevan programmes. Since their inception "
    "in 2014 the programmes have supported hundreds of senior and executive leaders in every part of the "
    "healthcare system to develop their professional practice."
)

FACULTY = [
    ("Belinda", "Weir"),
    ("Mark", "Exworthy"),
    ("Hilary", "Brown"),
    ("Deborah", "Davidson"),
    ("Annette", "Neath"),
    ("Iain", "Snelling"),
    ("Yvonne", "Sawbridge"),
    ("Mervyn", "Conroy"),
    ("Robin", "Miller"),
]


@pytest.fixture
def seed(db, committed):
    """Every record the seed page names, published, with its links. Returns them by a short name.

    Indexed for search as in production, where that happens when the saves commit.
    """
    with committed():
        return seed_records()


def seed_records() -> SimpleNamespace:
    org = {
        "academy": OrganisationFactory(
            name="NHS Leadership Academy", slug="nhs-leadership-academy", kind=Organisation.Kind.LEADERSHIP_ACADEMY
        ),
        "heewm": OrganisationFactory(
            name="Health Education England in the West Midlands",
            short_name="HEEWM",
            slug="heewm",
            kind=Organisation.Kind.COMMISSIONER,
        ),
        "henw": OrganisationFactory(
            name="Health Education North-West", slug="health-education-north-west", kind=Organisation.Kind.COMMISSIONER
        ),
        "ambs": OrganisationFactory(
            name="AMBS", short_name="AMBS", slug="ambs", kind=Organisation.Kind.BUSINESS_SCHOOL
        ),
        "birmingham": OrganisationFactory(
            name="University of Birmingham", slug="university-of-birmingham", kind=Organisation.Kind.UNIVERSITY
        ),
        "harvard": OrganisationFactory(
            name="Harvard University", slug="harvard-university", kind=Organisation.Kind.UNIVERSITY
        ),
    }
    topics = {
        name: TopicFactory(name=name.capitalize(), slug=name.replace(" ", "-"))
        for name in ("patient leadership", "medical leaders", "emerging leaders", "system leadership")
    }
    people = {
        family.lower(): PersonFactory(given_name=given, family_name=family, slug=f"{given}-{family}".lower())
        for given, family in FACULTY
    }
    people["mcdonough"] = PersonFactory(
        given_name="John",
        family_name="Mcdonough",
        slug="john-mcdonough",
        job_title="Visiting Professor",
        role_kind="visiting",
        affiliation=org["harvard"],
    )

    work_stream = WorkStreamFactory(
        title="Leadership and management",
        slug="leadership-and-management",
        summary="Developing the confident, courageous leaders the health system needs.",
        body="Everyone working within the healthcare system is facing enormously challenging and uncertain times. "
        "Our recent work includes exploration of the specific requirements for patient leadership, medical "
        "leaders, emerging leaders and system leadership. " + CONSORTIUM,
    )
    work_stream.focus_areas.set(topics.values())
    for person in people.values():
        WorkStreamMemberFactory(work_stream=work_stream, person=person)
    for person in (people["weir"], people["neath"]):
        KeyContactFactory(work_stream=work_stream, person=person)

    def programme(title, slug, kind, summary, overview="", partners=(), topics_=()):
        made = ProgrammeFactory(title=title, slug=slug, kind=kind, summary=summary, overview=overview)
        made.work_streams.add(work_stream)
        made.topics.set(topics_)
        for organisation, role in partners:
            ProgrammePartnerFactory(programme=made, organisation=organisation, role=role)
        return made

    partner, commissioner = ProgrammePartner.Role.DELIVERY_PARTNER, ProgrammePartner.Role.COMMISSIONER
    programmes = {
        "ega": programme(
            "Elizabeth Garrett Anderson programme",
            "elizabeth-garrett-anderson",
            Programme.Kind.NATIONAL_PARTNERSHIP,
            "A national programme for senior leaders, with the NHS Leadership Academy.",
            CONSORTIUM,
            [(org["academy"], partner)],
        ),
        "nye-bevan": programme(
            "Nye Bevan programme",
            "nye-bevan",
            Programme.Kind.NATIONAL_PARTNERSHIP,
            "A national programme for executive leaders, with the NHS Leadership Academy.",
            CONSORTIUM,
            [(org["academy"], partner)],
        ),
        "systems": programme(
            "Systems Leadership",
            "systems-leadership",
            Programme.Kind.COMMISSIONED,
            "A programme for senior organisational leaders, developed in partnership with HEEWM.",
            partners=[(org["heewm"], partner)],
            topics_=[topics["system leadership"]],
        ),
        "medical": programme(
            "Medical Leadership in Practice",
            "medical-leadership-in-practice",
            Programme.Kind.COMMISSIONED,
            "A programme for doctors centred on an improvement project.",
            "Delivered with AMBS and commissioned by Health Education North-West.",
            [(org["ambs"], partner), (org["henw"], commissioner)],
            [topics["medical leaders"]],
        ),
        "intercalated": programme(
            "Inter-calated course in Health management and Leadership",
            "intercalated-course",
            Programme.Kind.INTERCALATED,
            "A course in health management and leadership, for medical students.",
        ),
        "evaluation": programme(
            "Evaluation of leadership development programmes",
            "evaluation-of-leadership-development",
            Programme.Kind.EVALUATION,
            "A commission from HEEWM to measure the impact of leadership development interventions.",
            partners=[(org["heewm"], commissioner)],
        ),
        "aspiring": programme(
            "Aspiring Healthcare Leaders",
            "aspiring-healthcare-leaders",
            Programme.Kind.COMMISSIONED,
            "A 12 month leadership programme for cohorts of 50 local leaders.",
            "We have been running this leadership programme for over 10 years for cohorts of 50 local leaders "
            "in commissioner, provider and strategic organisations.",
        ),
    }
    ProgrammeLeadFactory(programme=programmes["aspiring"], person=people["weir"])
    ProgrammeLeadFactory(programme=programmes["medical"], person=people["exworthy"])
    project = ResearchProjectFactory(
        title="Leadership trends in healthcare",
        slug="leadership-trends",
        summary="Original research and objective analysis of current and future leadership trends in healthcare.",
    )
    return SimpleNamespace(
        organisations=org, topics=topics, people=people, work_stream=work_stream, programmes=programmes, project=project
    )

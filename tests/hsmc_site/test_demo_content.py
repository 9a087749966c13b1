"""The seed page (shared/seed/leadership-and-management.txt) loaded as data by `load_demo_content`."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from faculty.models import Person
from organisations.models import Organisation
from programmes.models import Programme, ProgrammePartner
from publishing.models import Status
from tests.factories import ProgrammeFactory
from workstreams.models import Goal, WorkStream

pytestmark = pytest.mark.django_db

FACULTY = [
    "Belinda Weir",
    "Mark Exworthy",
    "Hilary Brown",
    "Deborah Davidson",
    "Annette Neath",
    "Iain Snelling",
    "Yvonne Sawbridge",
    "Mervyn Conroy",
    "Robin Miller",
    "John Mcdonough",
]
CATALOGUE_APPS = ("organisations", "topics", "faculty", "workstreams", "programmes", "research")


@pytest.fixture
def demo():
    call_command("load_demo_content", stdout=io.StringIO())
    return WorkStream.objects.get(slug="leadership-and-management")


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for app_label in CATALOGUE_APPS
        for model in apps.get_app_config(app_label).get_models()
    }


def test_loading_twice_leaves_the_same_rows_and_writes_no_new_history(demo):
    before = row_counts()
    output = io.StringIO()

    call_command("load_demo_content", stdout=output)

    assert row_counts() == before
    assert "0 records created, 0 updated" in output.getvalue()


def test_loading_again_restores_a_fact_an_editor_changed(demo):
    Programme.objects.filter(slug="aspiring-healthcare-leaders").update(cohort_size=12)

    call_command("load_demo_content", stdout=io.StringIO())

    assert Programme.objects.get(slug="aspiring-healthcare-leaders").cohort_size == 50


def test_loading_again_empties_a_fact_the_page_does_not_state(demo):
    Programme.objects.filter(slug="aspiring-healthcare-leaders").update(fees_and_funding="£1,000")

    call_command("load_demo_content", stdout=io.StringIO())

    assert Programme.objects.get(slug="aspiring-healthcare-leaders").fees_and_funding == ""


def test_loading_again_leaves_records_outside_the_demo_alone(demo):
    other = ProgrammeFactory(fees_and_funding="£1,000")
    other.work_streams.add(demo)
    history = other.history.count()

    call_command("load_demo_content", stdout=io.StringIO())

    assert Programme.objects.get(pk=other.pk).fees_and_funding == "£1,000"
    assert other.history.count() == history
    assert other in demo.programmes.all()


def test_each_saved_change_is_recorded_in_history_as_demo_content(demo):
    aspiring = Programme.objects.get(slug="aspiring-healthcare-leaders")
    history = aspiring.history.count()
    Programme.objects.filter(pk=aspiring.pk).update(cohort_size=12)

    call_command("load_demo_content", stdout=io.StringIO())

    for model in (WorkStream, Goal, Person, Organisation, Programme, ProgrammePartner):
        assert set(model.history.values_list("history_change_reason", flat=True)) == {"Demo content"}
    assert aspiring.history.count() == history + 1


def test_work_stream_holds_the_introduction_goals_and_focus_areas(demo):
    assert demo.title == "Leadership and management"
    assert demo.is_public
    assert "confident and courageous leadership has never been greater" in demo.body
    assert "from the executive team to the front line" in demo.body
    assert "survive and thrive in the 21st century" in demo.body
    assert "Our taught Masters programmes combine theoretical frameworks with policy analysis" in demo.body
    assert "we collaborate with University of Birmingham and external partners" in demo.body
    assert [(goal.title, goal.description) for goal in demo.goals.all()] == [
        (
            "Informed policy",
            "We undertake original research and provide objective analysis of current and future leadership "
            "trends in healthcare.",
        ),
        (
            "Effective high quality services",
            "We work with partners to support improvement, integration and patient-centred care.",
        ),
        (
            "Exceptional health care leaders",
            "Through building knowledge, capability and effective leadership practices.",
        ),
        (
            "Evidence",
            "Evidence for high quality leadership in healthcare and the most effective strategies for improvement.",
        ),
    ]
    assert sorted(topic.name for topic in demo.focus_areas.all()) == [
        "Emerging leaders",
        "Health service management",
        "Improvement",
        "Medical leaders",
        "Organisational development",
        "Patient leadership",
        "System leadership",
    ]


def test_all_ten_faculty_are_published_members_and_the_visiting_professor_is_from_harvard(demo):
    assert [membership.person.name for membership in demo.memberships.all()] == FACULTY
    assert Person.objects.published().count() == 10
    visiting = Person.objects.get(slug="john-mcdonough")
    assert visiting.role_kind == Person.RoleKind.VISITING
    assert visiting.job_title == "Visiting Professor"
    assert visiting.affiliation.name == "Harvard University"
    assert {person.role_kind for person in Person.objects.exclude(pk=visiting.pk)} == {Person.RoleKind.FACULTY}


def test_the_two_key_contacts_are_belinda_weir_then_annette_neath(demo):
    assert [contact.person.name for contact in demo.key_contact_roles.all()] == ["Belinda Weir", "Annette Neath"]


def test_unknown_facts_are_left_empty_not_invented(demo):
    assert not Person.objects.exclude(email="").exists()
    assert not Person.objects.exclude(phone="").exists()
    assert not Programme.objects.exclude(fees_and_funding="").exists()
    assert not Programme.objects.exclude(apply_url="").exists()
    assert not apps.get_model("programmes", "Intake").objects.exists()


def partners(programme: Programme, role: str) -> list[str]:
    return [p.organisation.display_name for p in programme.partnerships.all() if p.role == role]


def test_every_programme_and_commission_named_on_the_page_is_published_with_its_partners(demo):
    programmes = {programme.title: programme for programme in Programme.objects.published()}
    assert set(programmes) == {
        "NHS Leadership Academy Elizabeth Garrett Anderson programme",
        "NHS Leadership Academy Nye Bevan programme",
        "Systems Leadership",
        "Medical Leadership in Practice",
        "Intercalated course in Health management and Leadership",
        "Evaluation of leadership development programmes",
        "Aspiring Healthcare Leaders",
    }
    for programme in programmes.values():
        assert list(programme.work_streams.all()) == [demo]

    partner, commissioner = ProgrammePartner.Role.DELIVERY_PARTNER, ProgrammePartner.Role.COMMISSIONER
    for title in (
        "NHS Leadership Academy Elizabeth Garrett Anderson programme",
        "NHS Leadership Academy Nye Bevan programme",
    ):
        national = programmes[title]
        assert national.kind == Programme.Kind.NATIONAL_PARTNERSHIP
        assert national.running_since == 2014
        assert partners(national, partner) == ["NHS Leadership Academy"]
        assert [a.name for a in national.audiences.all()] == ["Senior and executive leaders"]
        assert "founding member of the consortium" in national.overview
        assert "hundreds of senior and executive leaders" in national.outcomes

    systems = programmes["Systems Leadership"]
    assert partners(systems, partner) == ["Health Education England in the West Midlands (HEEWM)"]
    assert [a.name for a in systems.audiences.all()] == ["Senior organisational leaders"]

    medical = programmes["Medical Leadership in Practice"]
    assert partners(medical, partner) == ["AMBS"]
    assert partners(medical, commissioner) == ["Health Education North-West"]
    assert [a.name for a in medical.audiences.all()] == ["Doctors"]
    assert "improvement project" in medical.structure

    intercalated = programmes["Intercalated course in Health management and Leadership"]
    assert intercalated.kind == Programme.Kind.INTERCALATED
    assert [a.name for a in intercalated.audiences.all()] == ["Medical students"]

    evaluation = programmes["Evaluation of leadership development programmes"]
    assert evaluation.kind == Programme.Kind.EVALUATION
    assert partners(evaluation, commissioner) == ["Health Education England in the West Midlands (HEEWM)"]
    assert "individual, organisational and system level" in evaluation.overview

    aspiring = programmes["Aspiring Healthcare Leaders"]
    assert aspiring.duration_display == "12 months"
    assert aspiring.cohort_size == 50
    assert aspiring.location == "West Midlands"
    assert "over 10 years" in aspiring.overview
    assert "commissioner, provider and strategic organisations" in aspiring.who_for
    assert "hundreds of leaders from across the West Midlands" in aspiring.outcomes


def test_catalogue_can_be_filtered_to_programmes_for_doctors(demo):
    assert [p.title for p in Programme.objects.published().filter(audiences__slug="doctors")] == [
        "Medical Leadership in Practice"
    ]


def test_partners_and_commissioners_are_organisations_with_their_short_names(demo):
    assert {(org.name, org.short_name) for org in Organisation.objects.all()} == {
        ("NHS Leadership Academy", ""),
        ("Health Education England in the West Midlands", "HEEWM"),
        ("Health Education North-West", ""),
        ("AMBS", "AMBS"),
        ("University of Birmingham", ""),
        ("Harvard University", ""),
    }


def test_everything_loaded_is_published(demo):
    for model in (WorkStream, Person, Programme):
        assert not model.objects.exclude(status=Status.PUBLISHED).exists()

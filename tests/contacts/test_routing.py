import pytest

from contacts.models import Enquiry
from contacts.routing import route_enquiry
from publishing.models import Status
from tests.factories import (
    KeyContactFactory,
    PersonFactory,
    ProgrammeFactory,
    ProgrammeLeadFactory,
    WorkStreamFactory,
)

pytestmark = pytest.mark.django_db


def test_programme_leads_are_chosen_first(leadership):
    programme = ProgrammeFactory()
    programme.work_streams.add(leadership)
    ProgrammeLeadFactory(programme=programme, person=PersonFactory(email="lead.one@example.ac.uk"), order=1)
    ProgrammeLeadFactory(programme=programme, person=PersonFactory(email="lead.two@example.ac.uk"), order=2)

    routing = route_enquiry(programme=programme, work_stream=leadership)

    assert routing.route == Enquiry.Route.PROGRAMME_LEADS
    assert routing.addresses == ("lead.one@example.ac.uk", "lead.two@example.ac.uk")


def test_work_stream_key_contacts_when_programme_has_no_leads(leadership):
    programme = ProgrammeFactory()

    routing = route_enquiry(programme=programme, work_stream=leadership)

    assert routing.route == Enquiry.Route.WORK_STREAM_CONTACTS
    assert routing.addresses == ("b.weir@example.ac.uk", "a.neath@example.ac.uk")


def test_work_stream_key_contacts_without_a_programme(leadership):
    routing = route_enquiry(programme=None, work_stream=leadership)

    assert routing.route == Enquiry.Route.WORK_STREAM_CONTACTS
    assert set(routing.addresses) == {"b.weir@example.ac.uk", "a.neath@example.ac.uk"}


def test_programme_without_leads_falls_back_to_its_own_work_streams_contacts(leadership):
    programme = ProgrammeFactory()
    programme.work_streams.add(leadership)

    routing = route_enquiry(programme=programme, work_stream=None)

    assert routing.route == Enquiry.Route.WORK_STREAM_CONTACTS
    assert set(routing.addresses) == {"b.weir@example.ac.uk", "a.neath@example.ac.uk"}


def test_fallback_address_when_nobody_is_named(settings):
    settings.ENQUIRY_FALLBACK_EMAIL = "enquiries@example.ac.uk"

    routing = route_enquiry(programme=ProgrammeFactory(), work_stream=WorkStreamFactory())

    assert routing.route == Enquiry.Route.FALLBACK
    assert routing.addresses == ("enquiries@example.ac.uk",)


def test_fallback_address_for_a_general_enquiry(settings):
    settings.ENQUIRY_FALLBACK_EMAIL = "enquiries@example.ac.uk"

    assert route_enquiry(programme=None, work_stream=None).addresses == ("enquiries@example.ac.uk",)


def test_unpublished_people_and_people_without_email_are_never_routed_to(settings):
    settings.ENQUIRY_FALLBACK_EMAIL = "enquiries@example.ac.uk"
    programme = ProgrammeFactory()
    ProgrammeLeadFactory(programme=programme, person=PersonFactory(status=Status.DRAFT, email="left@example.ac.uk"))
    ProgrammeLeadFactory(programme=programme, person=PersonFactory(email=""))
    work_stream = WorkStreamFactory()
    KeyContactFactory(work_stream=work_stream, person=PersonFactory(status=Status.DRAFT))

    routing = route_enquiry(programme=programme, work_stream=work_stream)

    assert routing.route == Enquiry.Route.FALLBACK
    assert routing.addresses == ("enquiries@example.ac.uk",)


def test_a_person_with_two_roles_is_e_mailed_once():
    person = PersonFactory(email="Both.Roles@example.ac.uk")
    programme = ProgrammeFactory()
    ProgrammeLeadFactory(programme=programme, person=person)
    ProgrammeLeadFactory(programme=programme, person=PersonFactory(email="both.roles@EXAMPLE.ac.uk"))

    routing = route_enquiry(programme=programme, work_stream=None)

    assert routing.addresses == ("Both.Roles@example.ac.uk",)

"""The people directory's work stream filter: members and key contacts, read through the reverse relations."""

import pytest

from faculty.models import Person
from tests.factories import KeyContactFactory, PersonFactory, WorkStreamFactory, WorkStreamMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stream_with_a_member_who_is_also_key_contact():
    stream = WorkStreamFactory(slug="leadership")
    both = PersonFactory(family_name="Both")
    WorkStreamMemberFactory(work_stream=stream, person=both)
    KeyContactFactory(work_stream=stream, person=both)
    KeyContactFactory(work_stream=stream, person=PersonFactory(family_name="Contact", role_kind="visiting"))
    WorkStreamMemberFactory(work_stream=WorkStreamFactory(slug="other"), person=PersonFactory(family_name="Other"))
    return stream


def test_people_in_work_streams_are_their_members_and_key_contacts_each_once(
    stream_with_a_member_who_is_also_key_contact,
):
    people = Person.objects.in_work_streams(["leadership"])

    assert sorted(person.family_name for person in people) == ["Both", "Contact"]

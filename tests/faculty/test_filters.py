"""The people directory's work stream filter: members and key contacts, read through the reverse relations."""

import pytest
from django.http import QueryDict

from faculty.filters import PersonFilter
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


@pytest.mark.parametrize(
    ("query", "work_stream_counts", "total"),
    [
        ("", {"leadership": 2, "other": 1}, 3),
        ("role=faculty", {"leadership": 1, "other": 1}, 2),
        ("work_stream=leadership", {"leadership": 2, "other": 1}, 2),
    ],
)
def test_someone_both_member_and_key_contact_counts_once(
    stream_with_a_member_who_is_also_key_contact, query, work_stream_counts, total
):
    filterset = PersonFilter(QueryDict(query), queryset=Person.objects.published())

    assert filterset.facet_counts()["work_stream"] == work_stream_counts
    assert filterset.total() == total == filterset.qs.count()

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from faculty.validators import validate_orcid
from publishing.models import Status
from tests.factories import (
    InvestigatorFactory,
    KeyContactFactory,
    PersonFactory,
    ProgrammeLeadFactory,
    WorkStreamMemberFactory,
)

pytestmark = pytest.mark.django_db

VALID_ORCID = "0000-0002-1825-0097"  # ORCID's own example iD
VALID_ORCID_WITH_X = "0000-0002-1694-233X"


@pytest.mark.parametrize("orcid", [VALID_ORCID, VALID_ORCID_WITH_X, ""])
def test_valid_or_empty_orcid_is_stored(orcid):
    assert PersonFactory(orcid=orcid).pk


@pytest.mark.parametrize(
    "orcid",
    [
        "0000-0002-1825-0098",  # wrong check digit
        "0000-0002-1694-2330",  # should be X
        "0000000218250097",  # no hyphens
        "0000-0002-1825-009",  # too short
    ],
)
def test_orcid_with_a_bad_checksum_or_shape_is_refused_by_the_database(orcid):
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(orcid=orcid)


def test_orcid_validator_explains_a_bad_check_digit():
    with pytest.raises(ValidationError, match="check digit"):
        validate_orcid("0000-0002-1825-0098")


def test_duplicate_person_slug_is_refused():
    PersonFactory(slug="belinda-weir")

    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(slug="belinda-weir")


def test_photo_without_a_description_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(photo="people/photo.jpg", photo_alt="")


def test_names_read_for_display_and_for_sorting():
    person = PersonFactory(honorific="Professor", given_name="John", family_name="Mcdonough")

    assert str(person) == "Professor John Mcdonough"
    assert person.sort_name == "Mcdonough, John"


@pytest.mark.parametrize(
    "link_factory", [ProgrammeLeadFactory, InvestigatorFactory, KeyContactFactory, WorkStreamMemberFactory]
)
def test_links_to_draft_or_scheduled_people_are_left_out_of_published_person_links(link_factory):
    shown = link_factory()
    link_factory(person=PersonFactory(status=Status.DRAFT))
    link_factory(person=PersonFactory(publish_from=timezone.now() + datetime.timedelta(days=1)))

    assert list(link_factory._meta.model.objects.with_published_person()) == [shown]

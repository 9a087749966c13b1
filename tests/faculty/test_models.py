import copy
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from faculty.models import Person
from faculty.validators import validate_orcid
from publishing.models import Status
from tests.factories import (
    InvestigatorFactory,
    KeyContactFactory,
    OrganisationFactory,
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


def _another(field, value):
    """A different value of the same kind for `field`, or None for a field the test leaves alone."""
    if isinstance(field, models.BooleanField):
        return not value
    if isinstance(field, models.FileField):
        return "people/another.jpg"
    if field.choices:
        return next(choice for choice, _ in field.flatchoices if choice != value)
    if isinstance(field, models.EmailField):
        return "another@example.ac.uk"
    if isinstance(field, models.URLField):
        return "https://another.example.org/"
    if isinstance(field, models.SlugField):
        return "another-slug"
    if isinstance(field, models.CharField | models.TextField) and not field.primary_key:
        return f"Another {value}"[: field.max_length]
    return None


def test_a_person_s_kept_key_changes_whenever_their_contact_card_would():
    """include_kept keeps a contact card under `kept_key`: a field the card shows but the key leaves out would
    leave every page showing the old card. Each field is changed in turn, and the affiliation's name."""
    from django.template.loader import get_template

    card = get_template("contacts/contact.html#contact-card")
    person = PersonFactory(
        honorific="Dr",
        job_title="Senior Fellow",
        affiliation=OrganisationFactory(name="University of Birmingham"),
        email="a.person@example.ac.uk",
        phone="+44 121 414 0000",
        photo="people/person.jpg",
        photo_alt="Smiling at the camera",
    )

    def shown(someone) -> str:
        return card.render({"person": someone, "role_label": "Commissioned programmes"})

    before, key = shown(person), person.kept_key
    card_changed_by = set()
    for field in Person._meta.concrete_fields:
        if (value := _another(field, getattr(person, field.attname))) is None:
            continue
        changed = copy.copy(person)
        setattr(changed, field.attname, value)
        if shown(changed) != before:
            card_changed_by.add(field.name)
            assert changed.kept_key != key, f"the card shows {field.name}, but its kept_key leaves it out"
    renamed = copy.copy(person)
    renamed.affiliation = copy.copy(person.affiliation)
    renamed.affiliation.name = "Birmingham Business School"
    assert shown(renamed) != before and renamed.kept_key != key

    assert {"honorific", "given_name", "family_name", "slug", "job_title", "email", "phone", "photo"} <= card_changed_by

"""Every machine-readable output says when it last changed, and answers If-Modified-Since (issue 18).

/developers/ promises ETag and Last-Modified on every output; these are the outputs that had only the ETag.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from faculty.models import Person
from programmes.models import Programme
from publishing.models import Status
from tests.factories import PersonFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

OUTPUTS = ["sitemap", "robots", "api:schema", "api:schema-yaml", "vcard"]


@pytest.fixture
def person():
    return PersonFactory()


def address(name, person):
    return reverse("faculty:vcard", args=[person.slug]) if name == "vcard" else reverse(name)


@pytest.mark.parametrize("name", OUTPUTS)
def test_output_sends_last_modified_and_answers_if_modified_since(client, person, name):
    ProgrammeFactory()
    url = address(name, person)
    first = client.get(url)
    assert first.status_code == 200
    changed = parse_http_date(first["Last-Modified"])
    assert changed <= datetime.datetime.now(datetime.UTC).timestamp()

    unchanged = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    earlier = client.get(url, headers={"if-modified-since": http_date(changed - 1)})

    assert unchanged.status_code == 304
    assert earlier.status_code == 200


def test_vcard_changes_when_the_person_does(client, person):
    Person.objects.filter(pk=person.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    url = reverse("faculty:vcard", args=[person.slug])
    before = client.get(url)

    person.job_title = "Professor of Health Leadership"
    person.save()
    after = client.get(url, headers={"if-modified-since": before["Last-Modified"]})

    assert after.status_code == 200
    assert parse_http_date(after["Last-Modified"]) > parse_http_date(before["Last-Modified"])


def test_sitemap_changes_when_a_record_leaves_it(client):
    """Unpublishing takes an address out of the sitemap without touching any record still in it."""
    staying, leaving = ProgrammeFactory(), ProgrammeFactory()
    Programme.objects.update(updated_at=timezone.now() - datetime.timedelta(days=3))
    Person.objects.update(updated_at=timezone.now() - datetime.timedelta(days=3))
    before = client.get(reverse("sitemap"))
    assert leaving.get_absolute_url().encode() in before.content

    leaving.status = Status.DRAFT
    leaving.save()
    after = client.get(reverse("sitemap"), headers={"if-modified-since": before["Last-Modified"]})

    assert after.status_code == 200
    assert leaving.get_absolute_url().encode() not in after.content
    assert staying.get_absolute_url().encode() in after.content

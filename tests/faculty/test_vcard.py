import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from faculty.vcards import build_vcard, escape_text, fold
from publishing.models import Status
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def unfold(body: str) -> list[str]:
    """Content lines as a vCard reader sees them: CRLF + space continues the previous line."""
    return body.replace("\r\n ", "").split("\r\n")


def test_vcard_downloads_with_content_type_and_file_name(client, settings):
    settings.SITE_URL = "https://hsmc.example.ac.uk"
    PersonFactory(
        honorific="Dr",
        given_name="Belinda",
        family_name="Weir",
        slug="belinda-weir",
        job_title="Senior Fellow",
        email="b.weir@example.ac.uk",
        phone="+44 121 414 0001",
    )

    response = client.get(reverse("faculty:vcard", kwargs={"slug": "belinda-weir"}))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="belinda-weir.vcf"'
    body = response.content.decode("utf-8")
    assert body.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert body.endswith("END:VCARD\r\n")
    lines = unfold(body)
    assert "FN:Dr Belinda Weir" in lines
    assert "N:Weir;Belinda;;Dr;" in lines
    assert "TITLE:Senior Fellow" in lines
    assert "ORG:Health Services Management Centre" in lines
    assert "EMAIL;TYPE=INTERNET,WORK:b.weir@example.ac.uk" in lines
    assert "TEL;TYPE=WORK,VOICE:+44 121 414 0001" in lines
    assert "URL:https://hsmc.example.ac.uk/people/belinda-weir/" in lines


def test_vcard_of_a_visiting_professor_names_their_own_organisation(client):
    harvard = OrganisationFactory(name="Harvard University", slug="harvard")
    PersonFactory(slug="john-mcdonough", affiliation=harvard, job_title="Visiting Professor", phone="")

    lines = unfold(client.get(reverse("faculty:vcard", kwargs={"slug": "john-mcdonough"})).content.decode())

    assert "ORG:Harvard University" in lines
    assert not any(line.startswith("TEL") for line in lines)


def test_vcard_escapes_commas_semicolons_backslashes_and_newlines(client):
    person = PersonFactory(
        given_name="Anne;Marie",
        family_name="O'Neil, Jr",
        slug="anne-marie",
        job_title="Lead\\Chair; Board, Trust\nSecond line",
    )

    lines = unfold(build_vcard(person, profile_url="https://x.example/people/anne-marie/"))

    assert "N:O'Neil\\, Jr;Anne\\;Marie;;;" in lines
    assert "TITLE:Lead\\\\Chair\\; Board\\, Trust\\nSecond line" in lines
    assert "FN:Anne\\;Marie O'Neil\\, Jr" in lines


def test_long_lines_are_folded_at_75_octets_without_splitting_characters():
    person = PersonFactory.build(slug="long", job_title="Professor of Health Policy and Management – Équipe " * 4)

    body = build_vcard(person, profile_url="https://x.example/people/long/")

    for physical in body.split("\r\n"):
        assert len(physical.encode("utf-8")) <= 75
    assert f"TITLE:{escape_text(person.job_title)}" in unfold(body)


@pytest.mark.parametrize("text", ["a" * 74, "a" * 75, "a" * 76, "é" * 40, "😀" * 30, "x" + "é" * 37])
def test_fold_keeps_every_line_within_75_octets_and_unfolds_to_the_original(text):
    folded = fold(text)

    assert all(len(line.encode("utf-8")) <= 75 for line in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == text


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Status.DRAFT},
        {"status": Status.PUBLISHED, "publish_from": timezone.now() + datetime.timedelta(days=1)},
    ],
)
def test_vcard_of_an_unpublished_or_scheduled_person_is_404(client, fields):
    PersonFactory(slug="hidden", **fields)

    assert client.get(reverse("faculty:vcard", kwargs={"slug": "hidden"})).status_code == 404


def test_vcard_of_an_unknown_person_is_404(client):
    assert client.get(reverse("faculty:vcard", kwargs={"slug": "nobody"})).status_code == 404


def test_vcard_costs_one_query(client, django_assert_max_num_queries):
    PersonFactory(slug="one", affiliation=OrganisationFactory())

    with django_assert_max_num_queries(1):
        assert client.get(reverse("faculty:vcard", kwargs={"slug": "one"})).status_code == 200

import datetime

import pytest
from django.urls import reverse
from django.utils.http import http_date

from programmes.models import Intake
from tests.factories import (
    AudienceFactory,
    IntakeFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    ProgrammeLeadFactory,
    ProgrammePartnerFactory,
    ResearchProjectFactory,
    TopicFactory,
    WorkStreamFactory,
)

PROGRAMME_FIELDS = {
    "url",
    "html_url",
    "calendar_url",
    "slug",
    "title",
    "summary",
    "overview",
    "who_for",
    "outcomes",
    "structure",
    "kind",
    "kind_label",
    "qualification",
    "level",
    "level_label",
    "study_mode",
    "study_mode_label",
    "attendance_mode",
    "attendance_mode_label",
    "duration_value",
    "duration_unit",
    "duration_display",
    "location",
    "cohort_size",
    "fees_and_funding",
    "running_since",
    "apply_url",
    "availability",
    "availability_label",
    "next_start_date",
    "next_deadline",
    "intakes",
    "audiences",
    "topics",
    "work_streams",
    "delivery_partners",
    "commissioners",
    "leads",
    "related_programmes",
    "progression_to",
    "related_research",
    "updated_at",
}


def programme_list(client, **params):
    return client.get(reverse("api:programme-list"), params)


def slugs(response):
    return [item["slug"] for item in response.json()["results"]]


def detail(client, slug):
    return client.get(reverse("api:programme-detail", kwargs={"slug": slug}))


def test_list_shows_published_programmes_only(client, catalogue):
    response = programme_list(client)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["count"] == 2
    assert slugs(response) == ["leading-change", "msc-health-services-management"]
    assert body["next"] is None and body["previous"] is None


def test_draft_and_scheduled_programmes_are_404_with_a_json_body(client, catalogue):
    for slug in ("secret-draft", "scheduled", "no-such-programme"):
        response = detail(client, slug)
        assert response.status_code == 404
        assert response.json() == {"detail": "No Programme matches the given query."}


def test_staff_signed_in_to_the_site_still_see_no_drafts(client, catalogue, content_editor):
    client.force_login(content_editor)

    assert detail(client, "secret-draft").status_code == 404
    assert "secret-draft" not in slugs(programme_list(client))


def test_detail_has_every_documented_field_with_absolute_urls_and_iso_dates(client, catalogue):
    masters = catalogue["masters"]
    intake = masters.intakes.get()
    body = detail(client, masters.slug).json()

    assert set(body) == PROGRAMME_FIELDS
    assert body["url"] == f"http://testserver{reverse('api:programme-detail', kwargs={'slug': masters.slug})}"
    assert body["html_url"] == f"http://testserver{masters.get_absolute_url()}"
    assert body["calendar_url"] == f"http://testserver/feeds/programmes/{masters.slug}.ics"
    assert body["kind"] == "taught_masters"
    assert body["kind_label"] == "Taught Masters programme"
    assert body["duration_display"] == "12 months"
    assert body["availability"] == "open"
    assert body["availability_label"] == "Open for applications"
    assert body["next_start_date"] == intake.start_date.isoformat()
    assert body["next_deadline"] == intake.application_deadline.isoformat()
    assert datetime.datetime.fromisoformat(body["updated_at"]) == masters.updated_at
    assert body["intakes"] == [
        {
            "id": intake.pk,
            "label": "September cohort",
            "start_date": intake.start_date.isoformat(),
            "end_date": intake.end_date.isoformat(),
            "applications_open": None,
            "application_deadline": intake.application_deadline.isoformat(),
            "dates_to_be_confirmed": False,
            "places": 50,
            "status": "scheduled",
            "status_label": "Scheduled",
            "availability": "open",
            "availability_label": "Open for applications",
            "location": "",
            "cost": "",
        }
    ]
    assert body["audiences"] == [{"slug": "doctors", "name": "Doctors"}]
    assert body["topics"] == [{"slug": "medical-leadership", "name": "Medical leadership"}]
    assert [partner["short_name"] for partner in body["delivery_partners"]] == ["AMBS"]
    assert [partner["short_name"] for partner in body["commissioners"]] == ["HEEWM"]
    assert body["delivery_partners"][0]["url"] == "http://testserver/api/organisations/ambs/"


def test_related_records_that_are_not_published_never_appear(client, catalogue):
    body = detail(client, catalogue["masters"].slug).json()

    assert [stream["slug"] for stream in body["work_streams"]] == ["leadership-and-management"]
    assert [person["slug"] for person in body["leads"]] == ["mark-exworthy"]
    assert [programme["slug"] for programme in body["related_programmes"]] == ["leading-change"]
    assert body["progression_to"] == []
    assert [project["slug"] for project in body["related_research"]] == ["evaluating-medical-leadership"]
    assert "secret" not in str(body).lower()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "taught_masters"}, ["msc-health-services-management"]),
        ({"kind": ["taught_masters", "short_course"]}, ["leading-change", "msc-health-services-management"]),
        ({"audience": "doctors"}, ["msc-health-services-management"]),
        ({"level": "postgraduate"}, ["msc-health-services-management"]),
        ({"study_mode": "full_time"}, []),
        ({"partner": "ambs"}, ["msc-health-services-management"]),
        ({"partner": "heewm"}, []),
        ({"commissioner": "heewm"}, ["msc-health-services-management"]),
        ({"work_stream": "leadership-and-management"}, ["msc-health-services-management"]),
        ({"availability": "open"}, ["msc-health-services-management"]),
        ({"availability": "dates_tbc"}, ["leading-change"]),
        ({"topic": "medical-leadership"}, ["msc-health-services-management"]),
        ({"kind": "taught_masters", "availability": "dates_tbc"}, []),
    ],
)
def test_filters_match_the_catalogue(client, catalogue, params, expected):
    response = programme_list(client, **params)

    assert response.status_code == 200
    assert slugs(response) == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "spaceship"}, "kind"),
        ({"audience": "martians!"}, "audience"),
        ({"availability": "sometimes"}, "availability"),
        ({"work_stream": "secret stream"}, "work_stream"),
        ({"partner": ""}, "partner"),
        ({"topic": "<script>"}, "topic"),
        ({"page_size": "1000"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
    ],
)
def test_invalid_parameters_are_a_400_that_names_the_parameter(client, catalogue, params, field):
    response = programme_list(client, **params)

    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field]
    assert isinstance(body[field][0], str) and body[field][0]


@pytest.mark.parametrize("name", ["audience", "partner", "commissioner", "work_stream", "topic"])
def test_a_slug_that_names_nothing_finds_nothing(client, catalogue, name):
    """Any slug is what the schema declares, so it is accepted; one that names no record matches no row."""
    response = programme_list(client, **{name: "no-such-thing"})

    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("page", ["abc", "-1", "0", "999999", "1.5", "last", "", " "])
def test_a_page_that_does_not_exist_is_a_404_with_a_json_body(client, catalogue, page):
    response = programme_list(client, page=page)

    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_pagination_links_are_absolute_and_keep_the_filters(client, db):
    ProgrammeFactory.create_batch(5, kind="open")
    body = programme_list(client, kind="open", page_size=2).json()

    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert body["next"].startswith("http://testserver/api/programmes/?")
    assert "kind=open" in body["next"] and "page=2" in body["next"]


def make_programmes(count):
    stream = WorkStreamFactory()
    for _ in range(count):
        programme = ProgrammeFactory()
        programme.audiences.add(AudienceFactory())
        programme.topics.add(TopicFactory())
        programme.work_streams.add(stream)
        programme.related_programmes.add(ProgrammeFactory())
        programme.progression_to.add(ProgrammeFactory())
        ResearchProjectFactory().informs_programmes.add(programme)
        IntakeFactory.create_batch(2, programme=programme)
        ProgrammePartnerFactory(programme=programme, organisation=OrganisationFactory())
        ProgrammeLeadFactory(programme=programme, person=PersonFactory())


def test_list_costs_the_same_queries_for_few_and_many_programmes(
    client, db, django_assert_max_num_queries, django_assert_num_queries
):
    make_programmes(2)
    params = {"page_size": 100, "topic": TopicFactory(slug="leadership").slug}
    with django_assert_max_num_queries(13) as few:
        first = client.get(reverse("api:programme-list"), params)
    make_programmes(20)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("api:programme-list"), params)
    assert first.status_code == response.status_code == 200


def test_answers_carry_etag_last_modified_and_cache_control(client, catalogue):
    response = detail(client, catalogue["masters"].slug)

    assert response["ETag"].startswith('"')
    assert response["Last-Modified"]
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]


def test_unchanged_answer_is_304_for_if_none_match_and_if_modified_since(client, catalogue):
    url = reverse("api:programme-list")
    first = client.get(url)

    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    assert client.get(url, headers={"if-modified-since": first["Last-Modified"]}).status_code == 304


def test_an_edit_to_an_intake_changes_the_etag(client, catalogue):
    url = reverse("api:programme-list")
    first = client.get(url)
    Intake.objects.filter(programme=catalogue["masters"]).update(places=10)

    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]


def test_unpublishing_a_programme_changes_the_list_for_if_modified_since(client, catalogue):
    url = reverse("api:programme-list")
    first = client.get(url)
    short = catalogue["short"]
    short.status = "draft"
    short.save()
    later = http_date(short.updated_at.timestamp() - 1)

    response = client.get(url, headers={"if-modified-since": later})
    assert response.status_code == 200
    assert "leading-change" not in slugs(response)
    assert first["ETag"] != response["ETag"]

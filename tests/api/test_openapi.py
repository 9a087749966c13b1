import re

from django.urls import reverse
from lxml import html as lxml_html

from tests.factories import ProgrammeFactory


def test_openapi_description_is_served_at_a_fixed_address(client, db):
    response = client.get("/api/schema/")

    assert reverse("api:schema") == "/api/schema/"
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/programmes/",
        "/api/programmes/{slug}/",
        "/api/research-projects/",
        "/api/research-projects/{slug}/",
        "/api/people/",
        "/api/people/{slug}/",
        "/api/work-streams/",
        "/api/work-streams/{slug}/",
        "/api/organisations/",
        "/api/organisations/{slug}/",
    }
    parameters = {p["name"] for p in schema["paths"]["/api/programmes/"]["get"]["parameters"]}
    assert {"kind", "audience", "level", "study_mode", "partner", "work_stream", "availability", "topic"} <= parameters


def test_openapi_description_is_also_available_as_yaml(client, db):
    response = client.get(reverse("api:schema-yaml"))

    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.")


def test_reference_page_documents_every_operation_without_inline_script(client, db):
    response = client.get(reverse("api:reference"))
    page = lxml_html.fromstring(response.content)

    assert response.status_code == 200
    assert len(page.findall(".//h1")) == 1
    text = page.text_content()
    for operation in ("GET /api/programmes/", "GET /api/programmes/{slug}/", "GET /api/organisations/{slug}/"):
        assert operation in text
    assert "availability_label" in text
    assert "next_start_date" in text
    for script in page.iter("script"):
        assert script.get("src") or script.get("type") == "application/ld+json"
    assert not page.xpath("//*[@style]")


def test_developers_page_links_to_every_machine_output(client, db):
    ProgrammeFactory()
    response = client.get(reverse("developers"))
    page = lxml_html.fromstring(response.content)
    links = {link.get("href") for link in page.iter("a")}

    assert response.status_code == 200
    outputs = [
        "sitemap",
        "robots",
        "feeds:programmes-atom",
        "feeds:research-atom",
        "feeds:calendar",
        "feeds:xcri-cap",
        "api:programme-list",
        "api:researchproject-list",
        "api:person-list",
        "api:workstream-list",
        "api:organisation-list",
        "api:schema",
        "api:schema-yaml",
        "api:reference",
    ]
    for route in outputs:
        assert reverse(route) in links, route
        assert client.get(reverse(route)).status_code == 200, route


def test_cross_origin_reads_are_allowed_on_the_api_only(client, db):
    origin = {"origin": "https://commissioner.example.nhs.uk"}
    api = client.get(reverse("api:programme-list"), headers=origin)
    page = client.get(reverse("developers"), headers=origin)

    assert api["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in api["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Origin" not in page


def test_preflight_allows_only_reading_methods(client, db):
    response = client.options(
        reverse("api:programme-list"),
        headers={"origin": "https://example.org", "access-control-request-method": "GET"},
    )

    assert response.status_code == 200
    assert set(re.split(r",\s*", response["Access-Control-Allow-Methods"])) == {"GET", "HEAD", "OPTIONS"}


def test_writing_is_refused_with_a_json_405(client, db):
    response = client.post(reverse("api:programme-list"), {"title": "New"})

    assert response.status_code == 405
    assert response.json()["detail"]


def test_unknown_api_address_is_a_json_404_and_a_missing_slash_redirects(client, db):
    missing = client.get("/api/spaceships/")
    no_slash = client.get("/api/programmes?kind=open")

    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not found."}
    assert no_slash.status_code == 301
    assert no_slash["Location"] == "/api/programmes/?kind=open"

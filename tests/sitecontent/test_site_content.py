"""The centre's details and the home page are records editors own: drafts, preview, publish, every page."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_http_date
from icalendar import Calendar
from lxml import html

from pagecache.middleware import page_cache
from publishing import centre, snapshots, workflow
from sitecontent.models import CentreDetails, CentreLink, HomeCard, HomePage
from tests.factories import PersonFactory, ProgrammeFactory, WorkStreamFactory
from tests.publishing.admin_forms import fill_inline_row, form_data

pytestmark = pytest.mark.django_db

CACHE = "X-Page-Cache"


def footer(response) -> str:
    return " ".join(html.fromstring(response.content).find(".//footer").text_content().split())


def draft(record, user, **fields):
    change = snapshots.read(record)
    change["fields"].update(fields)
    return workflow.save_draft(record, change, user=user)


def test_a_published_telephone_number_shows_on_every_cached_page_at_once(client, content_editor, publisher, settings):
    settings.PAGE_CACHE_ENABLED = True
    page_cache().clear()
    details = CentreDetails.objects.get_or_create_default()
    programme = ProgrammeFactory()
    pages = [reverse("home"), programme.get_absolute_url(), reverse("programmes:list")]
    for url in pages:
        client.get(url)
        assert client.get(url)[CACHE] == "hit"

    draft(details, content_editor, phone="0121 414 9999")
    assert all("0121 414 9999" not in footer(client.get(url)) for url in pages)  # a draft is not public

    workflow.submit(details, user=content_editor)
    workflow.approve(details, user=publisher)

    for url in pages:
        response = client.get(url)
        assert response[CACHE] == "miss", url  # the publish made every stored page stale
        assert "Telephone: 0121 414 9999" in footer(response), url
    home = html.fromstring(client.get(reverse("home")).content)
    data = json.loads(home.xpath("//script[@type='application/ld+json']")[0].text)
    organisation = next(node for node in data["@graph"] if node["@type"] == "EducationalOrganization")
    assert organisation["telephone"] == "0121 414 9999"
    xcri = client.get(reverse("feeds:xcri-cap")).content.decode()
    assert "<mlo:phone>0121 414 9999</mlo:phone>" in xcri


def test_footer_and_social_links_are_edited_inline(client):
    details = CentreDetails.objects.get_or_create_default()
    details.links.all().delete()
    CentreLink.objects.create(centre=details, label="Accessibility", url="/accessibility/", order=1)
    CentreLink.objects.create(
        centre=details, kind=CentreLink.Kind.SOCIAL, label="LinkedIn", url="https://www.linkedin.com/school/hsmc/"
    )

    page = html.fromstring(client.get(reverse("home")).content)

    assert page.xpath("//footer//nav//a/text()") == ["Accessibility"]
    assert page.xpath("//footer//ul[contains(@class, 'site-footer__social')]//a/@href") == [
        "https://www.linkedin.com/school/hsmc/"
    ]
    data = json.loads(page.xpath("//script[@type='application/ld+json']")[0].text)
    organisation = next(node for node in data["@graph"] if node["@type"] == "EducationalOrganization")
    assert organisation["sameAs"] == ["https://www.linkedin.com/school/hsmc/"]


def test_the_home_page_headline_and_cards_are_the_records(client, content_editor, publisher):
    home = HomePage.objects.get_or_create_default()
    page = html.fromstring(client.get(reverse("home")).content)
    assert page.findtext(".//h1") == "Developing the leaders health and care services need"
    assert [a.text for a in page.xpath("//ul[contains(@class,'home-pillars')]//h3/a")] == [
        "Research and evaluation",
        "Taught Masters programmes",
        "Commissioned leadership development",
    ]

    draft(home, content_editor, headline="Leaders for a health service that learns")
    assert (
        html.fromstring(client.get(reverse("home")).content).findtext(".//h1")
        != "Leaders for a health service that learns"
    )
    workflow.submit(home, user=content_editor)
    workflow.approve(home, user=publisher)

    assert (
        html.fromstring(client.get(reverse("home")).content).findtext(".//h1")
        == "Leaders for a health service that learns"
    )
    assert HomePage.history.filter(id=home.pk).first().headline == "Leaders for a health service that learns"


def test_featured_programmes_come_first_and_only_when_published(client):
    home = HomePage.objects.get_or_create_default()
    chosen = ProgrammeFactory(title="Chosen by editors")
    hidden = ProgrammeFactory(title="Chosen but a draft", status="draft")
    home.featured.create(programme=chosen, order=0)
    home.featured.create(programme=hidden, order=1)

    page = html.fromstring(client.get(reverse("home")).content)

    titles = [" ".join(h.text_content().split()) for h in page.xpath("//section[@aria-labelledby='now-heading']//h3")]
    assert titles[0] == "Chosen by editors"
    assert "Chosen but a draft" not in titles


def test_the_preview_shows_the_draft_home_page_and_nothing_public_changes(client, content_editor):
    home = HomePage.objects.get_or_create_default()
    draft(home, content_editor, headline="A headline still in draft")
    staff = Client()
    staff.force_login(content_editor)

    preview = staff.get(reverse("admin:sitecontent_homepage_preview_page", args=[home.pk]))

    assert html.fromstring(preview.content).findtext(".//h1") == "A headline still in draft"
    assert "A headline still in draft" not in client.get(reverse("home")).content.decode()


def test_the_privacy_notice_is_the_record_with_the_retention_period_from_settings(client, settings):
    settings.ENQUIRY_RETENTION_MONTHS = 9
    details = CentreDetails.objects.get_or_create_default()
    CentreDetails.objects.filter(pk=details.pk).update(privacy_notice="<h2>Who we are</h2><p>Edited by staff.</p>")

    page = html.fromstring(client.get(reverse("contacts:privacy")).content)

    prose = page.find_class("prose")[0]
    assert [h.text for h in prose.iter("h2")] == ["Who we are", "How long we keep it"]
    assert "Edited by staff." in prose.text_content()
    assert "9 months" in prose.text_content()


def test_without_a_record_the_site_shows_the_settings_defaults(client, settings):
    CentreDetails.objects.all().delete()
    HomePage.objects.all().delete()
    settings.CENTRE_PHONE = "0121 000 0000"

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "0121 000 0000" in footer(response)
    assert html.fromstring(response.content).findtext(".//h1") == "Developing the leaders health and care services need"
    assert centre.current().phone == "0121 000 0000"


def test_a_record_is_never_written_by_a_public_page(client):
    CentreDetails.objects.all().delete()
    client.get(reverse("home"))
    assert not CentreDetails.objects.exists()


def test_the_admin_leads_straight_to_the_one_record_and_offers_no_add_or_delete(content_editor):
    staff = Client()
    staff.force_login(content_editor)

    for model in ("centredetails", "homepage"):
        response = staff.get(reverse(f"admin:sitecontent_{model}_changelist"))
        assert response.status_code == 302
        form = staff.get(response["Location"])
        assert form.status_code == 200
        assert staff.get(reverse(f"admin:sitecontent_{model}_add")).status_code == 403
        assert staff.get(reverse(f"admin:sitecontent_{model}_delete", args=[1])).status_code == 403


def test_staff_without_a_content_role_cannot_edit_them(enquiry_handler):
    staff = Client()
    staff.force_login(enquiry_handler)
    assert staff.get(reverse("admin:sitecontent_centredetails_change", args=[1])).status_code == 403


def test_the_xcri_feed_is_rebuilt_when_the_centre_changes_and_says_when(client, content_editor, publisher):
    """The feed is cached in the shared cache by version: the centre's details are part of that version, and
    of its Last-Modified, so a new telephone number is neither stuck in the cache nor answered with a 304."""
    details = CentreDetails.objects.get_or_create_default()
    long_ago = timezone.now() - datetime.timedelta(days=30)
    CentreDetails.objects.update(updated_at=long_ago)
    before = client.get(reverse("feeds:xcri-cap"))
    assert b"0121 414 9999" not in before.content

    draft(details, content_editor, phone="0121 414 9999")
    workflow.submit(details, user=content_editor)
    workflow.approve(details, user=publisher)

    after = client.get(reverse("feeds:xcri-cap"), headers={"if-modified-since": before["Last-Modified"]})
    assert after.status_code == 200
    assert b"<mlo:phone>0121 414 9999</mlo:phone>" in after.content
    assert parse_http_date(after["Last-Modified"]) > parse_http_date(before["Last-Modified"])


def test_machine_readable_outputs_name_the_centre_as_published(client):
    CentreDetails.objects.get_or_create_default()
    CentreDetails.objects.update(name="Centre for Health Leadership")
    person = PersonFactory(affiliation=None)
    stream = WorkStreamFactory()

    vcard = client.get(reverse("faculty:vcard", args=[person.slug])).content.decode()
    page = html.fromstring(client.get(stream.get_absolute_url()).content)
    data = json.loads(page.xpath("//script[@type='application/ld+json']")[0].text)
    nodes = data.get("@graph", [data])
    collection = next(node for node in nodes if node["@type"] == "CollectionPage")

    assert "ORG:Centre for Health Leadership\r\n" in vcard
    assert collection["isPartOf"]["name"] == "Centre for Health Leadership"
    atom = html.fromstring(client.get(reverse("feeds:programmes-atom")).content)
    assert atom.findtext("title") == "Centre for Health Leadership: new and updated programmes"
    calendar = Calendar.from_ical(client.get(reverse("feeds:calendar")).content)
    assert str(calendar["X-WR-CALDESC"]).endswith("of the Centre for Health Leadership.")


@pytest.mark.parametrize(
    "url, valid",
    [
        ("/contact/privacy/", True),
        ("https://www.linkedin.com/company/example", True),
        ("http://example.org/", True),
        ("mailto:hsmc@example.ac.uk", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//evil.example/", False),
        ("ftp://example.org/", False),
        ("mailto:not an address", False),
        ("https://", False),
        ("contact/", False),
    ],
)
def test_footer_links_and_cards_link_to_pages_web_or_mail_addresses_only(url, valid):
    details = CentreDetails.objects.get_or_create_default()
    home = HomePage.objects.get_or_create_default()
    records = [
        CentreLink(centre=details, label="A link", url=url),
        HomeCard(home_page=home, title="A card", text="Some words.", url=url),
    ]
    for record in records:
        if valid:
            record.full_clean()
        else:
            with pytest.raises(ValidationError) as error:
                record.full_clean()
            assert "url" in error.value.message_dict


def test_an_editor_who_types_a_script_address_is_told_why_and_keeps_what_they_typed(editor_client):
    CentreDetails.objects.get_or_create_default()
    url = reverse("admin:sitecontent_centredetails_change", args=[1])
    data = fill_inline_row(form_data(editor_client.get(url)), "links", label="Our blog", url="javascript:alert(1)")

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "Enter a page of ours that starts with “/”" in response.content.decode()
    form = html.fromstring(response.content)
    assert form.xpath("//input[@value='Our blog']") and form.xpath("//input[@value='javascript:alert(1)']")
    assert not CentreLink.objects.filter(label="Our blog").exists()


@pytest.mark.parametrize(
    "postcode, valid", [("B15 2TT", True), ("b152tt", True), ("", True), ("B15", False), ("12345", False)]
)
def test_the_centres_postcode_is_a_uk_postcode(postcode, valid):
    details = CentreDetails.objects.get_or_create_default()
    details.postcode = postcode
    if valid:
        details.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            details.full_clean()
        assert error.value.message_dict["postcode"] == ["Enter a UK postcode, e.g. B15 2TT."]

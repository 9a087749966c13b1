"""The centre's details and the home page are records editors own: drafts, preview, publish, every page."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from lxml import html

from pagecache.middleware import page_cache
from publishing import centre, snapshots, workflow
from sitecontent.models import CentreDetails, CentreLink, HomePage
from tests.factories import ProgrammeFactory

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

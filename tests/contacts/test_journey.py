"""The issue's "done when", tried as a new user would, with the Django test client."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from lxml import html

from contacts.models import Enquiry
from hsmc_site.roles import CONTENT_EDITORS, ENQUIRY_HANDLERS
from tests.factories import UserFactory


def links(doc, text: str) -> list[str]:
    return [a.get("href") for a in doc.xpath("//a") if " ".join(a.text_content().split()).startswith(text)]


@pytest.mark.django_db
def test_commissioner_reaches_both_key_contacts_and_a_handler_sees_the_routed_enquiry(
    client, leadership, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ENQUIRY_MIN_SECONDS = 0  # a test client types instantly; the delay has its own tests

    # 1. The Leadership and management page leads to the contact page with the work stream chosen.
    work_stream_page = client.get(reverse("workstreams:detail", kwargs={"slug": "leadership-and-management"}))
    assert work_stream_page.status_code == 200
    doc = html.fromstring(work_stream_page.content)
    commission = links(doc, "Commission a programme like this")
    assert commission
    assert commission[0].startswith(reverse("contacts:contact") + "?work_stream=leadership-and-management")

    # 2. Both key contacts, with role, e-mail and a vCard.
    contact_page = client.get(commission[0])
    doc = html.fromstring(contact_page.content)
    selected = " ".join(doc.xpath("//section[h2[@id='selected-contacts-title']]")[0].text_content().split())
    assert "Key contacts for Leadership and management" in selected
    assert "Belinda Weir Commissioned programmes" in selected and "b.weir@example.ac.uk" in selected
    assert "Annette Neath Research and evaluation" in selected and "a.neath@example.ac.uk" in selected
    vcard_url = links(doc, "Save Belinda Weir to your contacts")[0]

    # 3. The vCard downloads.
    vcard = client.get(vcard_url)
    assert vcard["Content-Type"] == "text/vcard; charset=utf-8"
    assert "FN:Belinda Weir" in vcard.content.decode()

    # 4. A commissioning enquiry for a cohort of 50, sent from the form as the page preselected it.
    form = doc.get_element_by_id("enquiry-form")
    data = {
        field.name: field.value or ""
        for field in form.inputs
        if field.name and getattr(field, "type", "select") not in {"radio", "checkbox", "submit"}
    }
    assert data["work_stream"] == "leadership-and-management"
    data.update(
        kind=doc.xpath("//input[@name='kind'][@checked]")[0].get("value"),
        name="Sam Commissioner",
        email="sam@example.nhs.uk",
        organisation="Birmingham and Solihull ICB",
        cohort_size="50",
        timing="From September",
        message="We would like a bespoke leadership programme for our senior managers.",
        consent="on",
    )
    assert data["kind"] == Enquiry.Kind.COMMISSION
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form.get("action"), data, follow=True)

    # 5. The confirmation.
    assert response.redirect_chain == [(reverse("contacts:thanks"), 302)]
    enquiry = Enquiry.objects.get()
    confirmation = " ".join(html.fromstring(response.content).text_content().split())
    assert "Thank you, your enquiry has been sent" in confirmation
    assert enquiry.reference in confirmation
    assert sorted(mailoutbox[0].to) == ["a.neath@example.ac.uk", "b.weir@example.ac.uk"]
    assert mailoutbox[1].to == ["sam@example.nhs.uk"]

    # 6. An enquiry handler sees it in the admin with the right routing.
    handler = Client()
    handler.force_login(UserFactory(username="handler", groups=[Group.objects.get(name=ENQUIRY_HANDLERS)]))
    inbox = handler.get(reverse("admin:contacts_enquiry_changelist"), {"state": "new"})
    rows = html.fromstring(inbox.content).xpath("//table[@id='result_list']/tbody/tr")
    row = " ".join(rows[0].text_content().split())
    assert "Sam Commissioner" in row and "Birmingham and Solihull ICB" in row
    assert "Commission a programme" in row and "Leadership and management" in row
    assert "Work stream key contacts" in row
    detail_page = handler.get(reverse("admin:contacts_enquiry_change", args=[enquiry.pk]))
    detail = detail_page.content.decode()
    assert "b.weir@example.ac.uk" in detail and "a.neath@example.ac.uk" in detail
    cohort = html.fromstring(detail_page.content).xpath(
        "//div[contains(@class, 'field-cohort_size')]//div[contains(@class, 'readonly')]"
    )
    assert [" ".join(node.text_content().split()) for node in cohort] == ["50"]

    # 7. A content editor cannot.
    editor = Client()
    editor.force_login(UserFactory(username="editor", groups=[Group.objects.get(name=CONTENT_EDITORS)]))
    assert editor.get(reverse("admin:contacts_enquiry_changelist")).status_code == 403
    assert editor.get(reverse("admin:contacts_enquiry_change", args=[enquiry.pk])).status_code == 403

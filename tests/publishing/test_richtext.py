"""Formatted text: the vocabulary, sanitising on save and on output, plain text carried over, every format."""

import json

import pytest
from django.apps import apps
from django.template import Context, Template
from django.urls import reverse
from lxml import html as lxml_html

from programmes.models import Programme
from publishing import richtext, snapshots, workflow
from publishing.models import PendingChange, Status
from search.models import SearchDocument
from tests.factories import PersonFactory, ProgrammeFactory, UserFactory
from tests.security.test_hostile_input import STORABLE

WORD_PASTE = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta name=Generator content="Microsoft Word 15"><style>p.MsoNormal {margin:0cm; font-family:Calibri}</style>
<!--[if gte mso 9]><xml><o:OfficeDocumentSettings></o:OfficeDocumentSettings></xml><![endif]--></head>
<body lang=EN-GB style='tab-interval:36.0pt'>
<p class=MsoNormal style='margin-bottom:0cm'><b><span style='font-size:12pt'>Who should apply</span></b><o:p></o:p></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]>
<span style='font-family:Symbol'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;</span></span><![endif]>
<i>Clinical</i> leaders<o:p></o:p></p>
<ul><li class=MsoNormal>Senior managers</li></ul>
<h1 style="color:red">Shouting heading</h1>
<img src="file:///C:/Users/x/clip_image001.png" alt="">
</body></html>"""


def only_tags(html: str) -> set[str]:
    return {element.tag for element in lxml_html.fragment_fromstring(html, create_parent="div").iter()} - {"div"}


@pytest.mark.parametrize(
    "markup",
    [
        '<p>Para with <strong>bold</strong>, <em>italic</em> and <a href="https://example.org/x">a link</a>.</p>',
        "<h3>Heading</h3><h4>Sub-heading</h4>",
        "<ul><li><p>One</p></li><li><p>Two</p></li></ul>",
        '<ol start="3"><li><p>Three</p></li></ol>',
        "<p>Line<br>break</p>",
        '<p><a href="/programmes/leading-care/">Our own page</a> and <a href="mailto:hsmc@example.ac.uk">mail</a></p>',
    ],
)
def test_the_vocabulary_survives_cleaning_unchanged(markup):
    cleaned = richtext.clean(markup)
    assert only_tags(cleaned) == only_tags(markup)
    assert lxml_html.fragment_fromstring(cleaned, create_parent="div").text_content() == (
        lxml_html.fragment_fromstring(markup, create_parent="div").text_content()
    )


@pytest.mark.parametrize(
    ("markup", "kept_text"),
    [
        ('<p style="color:red" class="big" id="x">Styled</p>', "Styled"),
        ('<p>Picture: <img src="https://example.org/a.png" alt="A"></p>', "Picture: "),
        ("<h2>Too high</h2><h5>Too low</h5>", "Too highToo low"),
        ("<table><tr><td>Cell</td></tr></table>", "Cell"),
        ("<iframe src='https://example.org'></iframe><p>After</p>", "After"),
        ('<p><span style="font-size:40px">Big</span> <u>under</u> <s>struck</s></p>', "Big under struck"),
    ],
)
def test_what_is_outside_the_vocabulary_is_removed_and_the_words_kept(markup, kept_text):
    cleaned = richtext.clean(markup)
    assert only_tags(cleaned) <= {"p", "br"}
    assert "style=" not in cleaned and "class=" not in cleaned and "id=" not in cleaned
    assert lxml_html.fragment_fromstring(cleaned, create_parent="div").text_content() == kept_text


@pytest.mark.parametrize("key", list(STORABLE))
def test_hostile_strings_are_cleaned_as_html_and_shown_as_text_when_plain(key):
    hostile = STORABLE[key]
    for value in (hostile, f"<p>{hostile}</p>", f"<p>Intro</p>{hostile}"):
        cleaned = richtext.clean(value)
        document = lxml_html.fragment_fromstring(cleaned or "<p></p>", create_parent="div")
        assert not document.xpath("//script|//img|//iframe|//style"), (key, cleaned)
        assert not document.xpath("//@*[starts-with(name(), 'on')]"), (key, cleaned)
        assert only_tags(cleaned) <= {"p", "br", "strong", "em", "a", "ul", "ol", "li", "h3", "h4"}


def test_plain_text_with_markup_characters_is_shown_as_typed():
    cleaned = richtext.clean('Use <script>alert("x")</script> & "quotes"')
    assert cleaned == '<p>Use &lt;script&gt;alert("x")&lt;/script&gt; &amp; "quotes"</p>'


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "&#106;avascript:alert(1)",
        "java\tscript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    ],
)
def test_script_links_lose_their_address(href):
    cleaned = richtext.clean(f'<p><a href="{href}">Click</a></p>')
    link = lxml_html.fragment_fromstring(cleaned, create_parent="div").find(".//a")
    assert link is None or link.get("href") is None, cleaned
    assert "Click" in cleaned


def test_links_to_other_sites_pass_on_nothing():
    cleaned = richtext.clean('<p><a href="https://example.org/" target="_blank" rel="opener">Out</a></p>')
    link = lxml_html.fragment_fromstring(cleaned, create_parent="div").find(".//a")
    assert link.get("target") is None
    assert link.get("rel") == "noopener noreferrer"


def test_pasted_word_html_keeps_its_words_and_structure_and_loses_the_rest():
    cleaned = richtext.clean(WORD_PASTE)

    assert only_tags(cleaned) <= {"p", "strong", "em", "ul", "li", "br"}
    for office in ("Mso", "mso-", "style", "<o:p", "<![if", "Calibri", "file:///", "<h1"):
        assert office not in cleaned, office
    assert "<strong>Who should apply</strong>" in cleaned
    assert "<em>Clinical</em> leaders" in cleaned
    assert "<ul><li>Senior managers</li></ul>" in cleaned
    assert "Shouting heading" in cleaned  # a level-1 heading is not allowed here; its words are


def test_control_characters_are_dropped():
    assert richtext.clean("<p>Line\x0bbreak\x0c from \x01Word\x7f</p>") == "<p>Linebreak from Word</p>"


def test_plain_text_becomes_paragraphs_losslessly():
    plain = "First paragraph,\nsecond line.\n\nSecond paragraph & more."

    cleaned = richtext.clean(plain)

    assert cleaned == "<p>First paragraph,<br>second line.</p>\n\n<p>Second paragraph &amp; more.</p>"
    assert richtext.to_text(cleaned) == plain
    assert richtext.clean(cleaned) == cleaned  # cleaning is idempotent


def test_empty_documents_are_empty():
    assert richtext.clean("<p></p>") == ""
    assert richtext.clean("<p><br></p>") == ""
    assert richtext.clean("   ") == ""


def test_plain_text_of_formatted_text_for_formats_without_markup():
    html = "<h3>Aims</h3><p>To <strong>lead</strong> &amp; learn.</p><ul><li><p>One</p></li><li><p>Two</p></li></ul>"
    assert richtext.to_text(html) == "Aims\n\nTo lead & learn.\n\n• One\n\n• Two"
    assert richtext.to_line(html) == "Aims To lead & learn. • One • Two"


@pytest.mark.django_db
def test_every_save_cleans_whatever_the_way_in():
    programme = ProgrammeFactory(overview='<p onclick="x()">Hi<script>alert(1)</script></p>', structure="Plain\n\nText")

    programme.refresh_from_db()
    assert programme.overview == "<p>Hi</p>"
    assert programme.structure == "<p>Plain</p>\n\n<p>Text</p>"


@pytest.mark.django_db
def test_output_is_cleaned_again_when_the_database_holds_markup_saved_around_the_rules(client):
    programme = ProgrammeFactory(title="Dirty", overview="<p>Fine</p>")
    Programme.objects.filter(pk=programme.pk).update(
        overview='<p>Fine</p><img src=x onerror="alert(1)"><script>x</script>'
    )

    page = client.get(programme.get_absolute_url()).content.decode()
    api = client.get(reverse("api:programme-detail", args=[programme.slug])).json()

    assert "onerror" not in page and "<script>x" not in page
    assert api["overview"] == "<p>Fine</p>"
    rendered = Template("{% load site_tags %}{{ value|rich }}").render(Context({"value": "<p>a<img src=x></p>"}))
    assert rendered == "<p>a</p>"


@pytest.mark.django_db
def test_the_public_page_shows_lists_and_links(client):
    programme = ProgrammeFactory(
        overview='<p>Apply on the <a href="https://www.leadershipacademy.nhs.uk/">Academy site</a>.</p>'
        "<ul><li><p>Twelve months</p></li><li><p>Online</p></li></ul>"
    )

    page = lxml_html.fromstring(client.get(programme.get_absolute_url()).content)

    overview = page.get_element_by_id("overview-heading").getparent()
    assert [item.text_content() for item in overview.iterfind(".//ul/li")] == ["Twelve months", "Online"]
    assert overview.find(".//a").get("href") == "https://www.leadershipacademy.nhs.uk/"


@pytest.mark.django_db
def test_search_indexes_the_words_not_the_tags(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        programme = ProgrammeFactory(overview="<h3>Aims</h3><ul><li><p>Strategic thinking</p></li></ul>")

    document = SearchDocument.objects.get(object_id=programme.pk, kind="programme")

    assert "Strategic thinking" in document.body
    assert "<" not in document.body and "li>" not in document.body


@pytest.mark.django_db
def test_json_ld_carries_plain_text(client):
    person = PersonFactory(biography="<p>Leads <strong>research</strong> on <em>integrated care</em>.</p>")

    page = lxml_html.fromstring(client.get(person.get_absolute_url()).content)

    [block] = [json.loads(script.text) for script in page.xpath("//script[@type='application/ld+json']")]
    [profile] = [node for node in block["@graph"] if node["@type"] == "ProfilePage"]
    assert profile["mainEntity"]["description"] == "Leads research on integrated care."
    assert page.xpath("//meta[@name='description']/@content")[0].endswith("Leads research on integrated care.")


@pytest.mark.django_db
def test_the_data_migration_turns_plain_text_into_paragraphs_everywhere(content_editor):
    live = ProgrammeFactory(title="Old text")
    drafted = ProgrammeFactory(title="Drafted")
    change = snapshots.read(drafted)
    change["fields"]["overview"] = "Draft line one\n\nDraft line two"
    workflow.save_draft(drafted, change, user=content_editor)
    # As the rows were before formatting: written around RichTextField.pre_save.
    Programme.objects.filter(pk=live.pk).update(overview="One & two\n\nThree", outcomes="<p>Already HTML</p>")
    Programme.history.filter(id=live.pk).update(overview="Old\nhistory")
    pending = PendingChange.objects.of(drafted).get()
    pending.snapshot["fields"]["overview"] = "Draft line one\n\nDraft line two"
    pending.save(update_fields=["snapshot"])

    migration = richtext.plain_text_to_html(
        "programmes", {"Programme": ["overview", "who_for", "outcomes", "structure"]}
    )
    migration.code(apps, None)
    migration.code(apps, None)  # twice: values already converted are left alone

    live.refresh_from_db()
    pending.refresh_from_db()
    assert live.overview == "<p>One &amp; two</p>\n\n<p>Three</p>"
    assert live.outcomes == "<p>Already HTML</p>"
    assert set(Programme.history.filter(id=live.pk).values_list("overview", flat=True)) == {"<p>Old<br>history</p>"}
    assert pending.snapshot["fields"]["overview"] == "<p>Draft line one</p>\n\n<p>Draft line two</p>"


@pytest.mark.django_db
def test_the_admin_form_uses_the_editor_and_the_link_dialog_lists_only_published_pages(
    client, content_editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ProgrammeFactory(title="Published programme")
        ProgrammeFactory(title="Draft programme", status=Status.DRAFT)
    client.force_login(content_editor)

    form = client.get(reverse("admin:programmes_programme_add")).content.decode()
    pages = client.get(reverse("admin:own_pages"))

    document = lxml_html.fromstring(form)
    [overview] = document.xpath("//textarea[@name='overview']")
    config = json.loads(overview.get("data-django-prose-editor-configurable"))
    assert set(config["extensions"]) >= {"Bold", "Italic", "Heading", "BulletList", "OrderedList", "OwnLink"}
    assert config["extensions"]["Heading"] == {"levels": [3, 4]}
    assert not {"Image", "HTML", "Table", "TextAlign", "Color"} & set(config["extensions"])
    assert any(module.endswith("js/prose-own-links.js") for module in config["js_modules"])
    assert document.xpath("//script[@type='importmap'][@nonce]"), "the import map needs the CSP nonce"
    labels = [page["label"] for page in pages.json()["pages"]]
    assert "Programme: Published programme" in labels
    assert "Programme: Draft programme" not in labels


@pytest.mark.django_db
def test_the_page_list_is_for_staff_who_edit(client):
    client.force_login(UserFactory(username="no-role", is_staff=True))
    assert client.get(reverse("admin:own_pages")).status_code == 403


@pytest.mark.django_db
def test_compare_shows_the_words_and_link_addresses_not_the_tags(client, publisher, content_editor):
    programme = ProgrammeFactory(overview="<p>Apply on the Academy site.</p>")
    change = snapshots.read(programme)
    change["fields"]["overview"] = (
        '<p>Apply on the <a href="https://www.leadershipacademy.nhs.uk/">Academy site</a>.</p>'
    )
    workflow.save_draft(programme, change, user=content_editor)
    client.force_login(publisher)

    page = client.get(reverse("admin:programmes_programme_compare", args=[programme.pk])).content.decode()

    fields = lxml_html.fromstring(page).xpath("//table[.//th[normalize-space()='Overview']]")[0]
    row = [tr for tr in fields.iter("tr") if tr.findtext("th") == "Overview"][0].text_content()
    assert "(https://www.leadershipacademy.nhs.uk/)" in row
    assert "&lt;p&gt;" not in page and "<p>Apply" not in row

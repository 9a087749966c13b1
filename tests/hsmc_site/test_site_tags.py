import json
import re

import pytest
from django.template import Context, Template


def test_json_ld_cannot_be_broken_out_of_by_user_text():
    hostile = 'Evil </script><script>alert("x")</script> & <!-- co'
    html = Template("{% load site_tags %}{% json_ld data %}").render(Context({"data": {"name": hostile}}))
    assert html.count("</script>") == 1
    body = re.fullmatch(r'<script type="application/ld\+json">(.*)</script>', html, re.S).group(1)
    assert "<" not in body and ">" not in body
    assert json.loads(body) == {"name": hostile}


def test_facet_groups_escape_what_editors_typed_and_read_counts_out():
    facets = [
        {
            "name": "partner",
            "label": "Partners <& co>",
            "selected_count": 1,
            "options": [
                {"value": 'a"b', "label": "<b>Health & Care</b>", "count": 1, "selected": True},
                {"value": "ambs", "label": "AMBS", "count": 12, "selected": False},
            ],
        },
        {"name": "kind", "label": "Type", "selected_count": 0, "options": [], "selected": False},
    ]
    html = Template("{% load site_tags %}{% facet_groups facets 'programme,programmes' %}").render(
        Context({"facets": facets})
    )

    assert "<b>" not in html and "<&" not in html
    assert "&lt;b&gt;Health &amp; Care&lt;/b&gt;" in html
    assert html.count("Partners &lt;&amp; co&gt;") == 2  # the summary, and the fieldset's legend
    assert '<span class="facet__chosen">(1 chosen)</span>' in html
    assert 'value="a&quot;b" id="f-partner-1" checked>' in html
    assert 'value="ambs" id="f-partner-2">' in html
    assert '<label class="form-check-label" for="f-partner-2">AMBS <span class="facet__count">12' in html
    assert re.findall(r'<span class="visually-hidden"> (\w+)</span>', html) == ["programme", "programmes"]


def test_facet_groups_after_the_first_few_start_closed_unless_something_in_them_is_ticked():
    def facet(name, chosen=0):
        return {"name": name, "label": name.title(), "selected_count": chosen, "options": []}

    facets = [facet("kind"), facet("audience"), facet("level"), facet("partner", chosen=2)]
    template = Template("{% load site_tags %}{% facet_groups facets 'programme,programmes' collapse_after %}")

    collapsed = template.render(Context({"facets": facets, "collapse_after": 2}))
    every_one_open = template.render(Context({"facets": facets}))

    assert re.findall(r'<details class="facet"( open)?>', collapsed) == [" open", " open", "", " open"]
    assert re.findall(r'<details class="facet"( open)?>', every_one_open) == [" open"] * 4


def test_include_kept_renders_once_for_the_same_values_and_again_when_one_changes():
    from publishing import centre
    from publishing.templatetags import site_tags

    site_tags._forget_renderings()
    footer = Template('{% load site_tags %}{% include_kept "includes/footer.html" CENTRE=details %}')
    published = centre.Centre(name="Health Services Management Centre", short_name="HSMC", address="Park House")
    edited = centre.Centre(name="Health Services Management Centre", short_name="HSMC", address="Edgbaston Park")

    first = footer.render(Context({"details": published}))
    again = footer.render(Context({"details": published}))
    changed = footer.render(Context({"details": edited}))

    assert first == again and "Park House" in first
    assert "Edgbaston Park" in changed and "Park House" not in changed
    assert len(site_tags._renderings) == 2


@pytest.mark.django_db
def test_include_kept_keys_a_record_by_what_it_shows_and_renders_one_without_a_kept_key_each_time():
    from publishing.templatetags import site_tags
    from tests.factories import OrganisationFactory, PersonFactory

    site_tags._forget_renderings()
    card = Template('{% load site_tags %}{% include_kept "contacts/contact.html#contact-card" person=person %}')
    person = PersonFactory(given_name="Ada", family_name="Lovelace")
    first = card.render(Context({"person": person}))
    person.given_name = "Grace"  # the same record, as a request after an edit reads it
    renamed = card.render(Context({"person": person}))
    assert "Ada Lovelace" in first and "Grace Lovelace" in renamed
    assert len(site_tags._renderings) == 2

    site_tags._forget_renderings()
    footer = Template('{% load site_tags %}{% include_kept "includes/footer.html" CENTRE=organisation %}')
    organisation = OrganisationFactory(name="Aston University")  # hashed by its primary key alone
    first, again = (footer.render(Context({"organisation": organisation})) for _ in range(2))
    assert first == again
    assert site_tags._renderings == {}


def test_include_kept_keeps_at_most_max_renderings_forgetting_the_oldest(monkeypatch):
    from publishing.templatetags import site_tags

    site_tags._forget_renderings()
    monkeypatch.setattr(site_tags, "MAX_RENDERINGS", 2)
    template = Template('{% load site_tags %}{% include_kept "search/type_options.html" choices=choices %}')
    render = lambda *labels: template.render(Context({"choices": tuple((label, label) for label in labels)}))  # noqa: E731

    render("Programmes")
    render("People")
    render("Research")

    assert list(site_tags._renderings.values()) == [render("People"), render("Research")]


def test_include_kept_shows_the_template_only_the_values_it_is_given():
    template = Template('{% load site_tags %}{% include_kept "includes/footer.html" %}')

    html = template.render(Context({"CENTRE": {"name": "Not passed, so not shown"}}))

    assert "Not passed" not in html


def test_include_kept_renders_unhashable_values_without_keeping_them():
    template = Template('{% load site_tags %}{% include_kept "includes/footer.html" CENTRE=details %}')

    html = template.render(Context({"details": {"name": "A centre as a dict", "footer_links": []}}))

    assert "A centre as a dict" in html


def test_list_items_write_what_a_loop_of_list_items_writes_escaping_what_is_not_safe():
    from django.utils.safestring import mark_safe

    values = [mark_safe('<article class="hsmc-card">Nye Bevan</article>'), "<b>Health & Care</b>", 3]
    loop = Template("{% for value in values %}<li>{{ value }}</li>{% endfor %}").render(Context({"values": values}))
    joined = Template("{% load site_tags %}{{ values|list_items }}").render(Context({"values": values}))

    card, text = (
        '<li><article class="hsmc-card">Nye Bevan</article></li>',
        "<li>&lt;b&gt;Health &amp; Care&lt;/b&gt;</li>",
    )
    assert joined == loop == f"{card}{text}<li>3</li>"
    assert Template("{% load site_tags %}{{ values|list_items }}").render(Context({"values": []})) == ""
    unescaped = "{% load site_tags %}{% autoescape off %}{{ values|list_items }}{% endautoescape %}"
    assert Template(unescaped).render(Context({"values": ["<b>"]})) == "<li><b></li>"


def test_the_pager_links_every_other_page_and_marks_the_one_shown_and_the_gaps():
    from publishing.pagination import PageLink, PageLinks

    links = PageLinks(
        [PageLink(1, "?q=a&page=1"), PageLink(None), PageLink(40, current=True), PageLink(84, "?q=<b>&page=84")],
        previous="?q=a&page=39",
        next="?q=a&page=41",
    )
    html = Template('{% load site_tags %}{% pager links "Pages of <results>" %}').render(Context({"links": links}))

    assert html.startswith('<nav class="pager" aria-label="Pages of &lt;results&gt;"><ul class="pagination">')
    assert re.findall(r'href="([^"]*)"', html) == [
        "?q=a&amp;page=39",
        "?q=a&amp;page=1",
        "?q=&lt;b&gt;&amp;page=84",
        "?q=a&amp;page=41",
    ]
    assert 'rel="prev">Previous<span class="visually-hidden"> page</span></a>' in html
    assert 'rel="next">Next<span class="visually-hidden"> page</span></a>' in html
    assert '<li class="page-item disabled"><span class="page-link">&hellip;</span></li>' in html
    assert (
        '<li class="page-item active"><span class="page-link" aria-current="page">'
        '<span class="visually-hidden">Page </span>40</span></li>'
    ) in html
    first = PageLinks([PageLink(1, current=True), PageLink(2, "?page=2")], next="?page=2")
    assert "Previous" not in Template("{% load site_tags %}{% pager links 'Pages' %}").render(Context({"links": first}))
    only = PageLinks([PageLink(1, current=True)])
    assert Template("{% load site_tags %}{% pager links 'Pages' %}").render(Context({"links": only})) == ""


def test_breadcrumbs_link_home_and_each_ancestor_and_mark_the_page_itself_escaping_labels():
    from lxml import html as lxml_html

    crumbs = [("Work streams", "/work-streams/"), ("Health & <Care>", "/work-streams/health-care/")]
    rendered = Template("{% load site_tags %}{% breadcrumbs crumbs %}").render(Context({"crumbs": crumbs}))

    nav = lxml_html.fragment_fromstring(rendered)
    assert nav.tag == "nav" and nav.get("aria-label") == "Breadcrumb"
    assert [(a.text, a.get("href")) for a in nav.iter("a")] == [("Home", "/"), ("Work streams", "/work-streams/")]
    (current,) = nav.xpath("//li[@aria-current='page']")
    assert current.text == "Health & <Care>" and "Health &amp; &lt;Care&gt;" in rendered
    assert Template("{% load site_tags %}{% breadcrumbs crumbs %}").render(Context({"crumbs": []})) == ""

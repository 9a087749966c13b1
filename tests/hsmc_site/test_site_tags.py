import json
import re

from django.template import Context, Template


def test_json_ld_cannot_be_broken_out_of_by_user_text():
    hostile = 'Evil </script><script>alert("x")</script> & <!-- co'
    html = Template("{% load site_tags %}{% json_ld data %}").render(Context({"data": {"name": hostile}}))
    assert html.count("</script>") == 1
    body = re.fullmatch(r'<script type="application/ld\+json">(.*)</script>', html, re.S).group(1)
    assert "<" not in body and ">" not in body
    assert json.loads(body) == {"name": hostile}


def test_facet_options_escape_what_editors_typed_and_read_counts_out():
    facet = {
        "name": "partner",
        "options": [
            {"value": 'a"b', "label": "<b>Health & Care</b>", "count": 1, "selected": True},
            {"value": "ambs", "label": "AMBS", "count": 12, "selected": False},
        ],
    }
    html = Template("{% load site_tags %}{% facet_options facet 'programme,programmes' %}").render(
        Context({"facet": facet})
    )

    assert "<b>" not in html
    assert "&lt;b&gt;Health &amp; Care&lt;/b&gt;" in html
    assert 'value="a&quot;b" id="f-partner-1" checked>' in html
    assert 'value="ambs" id="f-partner-2">' in html
    assert '<label class="form-check-label" for="f-partner-2">AMBS <span class="facet__count">12' in html
    assert re.findall(r'<span class="visually-hidden"> (\w+)</span>', html) == ["programme", "programmes"]

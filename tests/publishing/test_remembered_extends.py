"""`{% extends %}` with the root template's blocks found once (publishing.templatetags.remembered_extends)."""

import pytest
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import NodeList
from django.template.loader_tags import BlockNode

from publishing.templatetags import remembered_extends

TEMPLATES = {
    "base.html": "<title>{% block title %}Site{% endblock %}</title>{% if show %}{% block aside %}Base aside"
    "{% endblock %}{% endif %}<main>{% block content %}{% endblock %}</main>",
    "section.html": '{% extends "base.html" %}{% block title %}Section | {{ block.super }}{% endblock %}'
    "{% block content %}<h1>Section</h1>{% block body %}{% endblock %}{% endblock %}",
    "page.html": '{% extends "section.html" %}{% block body %}<p>{{ text }}</p>{% endblock %}'
    "{% block aside %}Page aside{% endblock %}",
}


@pytest.fixture
def engine():
    return Engine(
        loaders=[("django.template.loaders.cached.Loader", [("django.template.loaders.locmem.Loader", TEMPLATES)])],
        builtins=["publishing.templatetags.remembered_extends"],
    )


def test_pages_render_as_with_django_s_extends_through_every_level(engine):
    django_s = Engine(loaders=[("django.template.loaders.locmem.Loader", TEMPLATES)])
    for show in (True, False):
        context = {"text": "Nye Bevan", "show": show}
        ours = engine.get_template("page.html").render(Context(context))
        assert ours == django_s.get_template("page.html").render(Context(context))
    assert ours == "<title>Section | Site</title><main><h1>Section</h1><p>Nye Bevan</p></main>"


def test_the_root_template_s_blocks_are_found_once_not_at_every_render(engine, monkeypatch):
    page, base = engine.get_template("page.html"), engine.get_template("base.html")
    walks = []
    get_nodes_by_type = NodeList.get_nodes_by_type

    def counted(nodelist, nodetype):
        if nodelist is base.nodelist and nodetype is BlockNode:
            walks.append(nodelist)
        return get_nodes_by_type(nodelist, nodetype)

    monkeypatch.setattr(NodeList, "get_nodes_by_type", counted)
    for _ in range(3):
        page.render(Context({"text": "Nye Bevan", "show": True}))

    assert len(walks) == 1
    assert remembered_extends.root_blocks(engine.get_template("section.html")) is None  # it extends base.html
    assert set(remembered_extends.root_blocks(engine.get_template("base.html"))) == {"title", "aside", "content"}


def test_extends_must_still_come_first_and_only_once(engine):
    not_first, twice = '{% if x %}{% endif %}{% extends "base.html" %}', '{% extends "base.html" %}' * 2
    for source in (not_first, twice):
        with pytest.raises(TemplateSyntaxError):
            engine.from_string(source)

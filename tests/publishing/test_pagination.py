"""Links that keep the rest of the query string, worked out in Python: the same as `{% querystring %}` writes."""

import pytest
from django.core.paginator import Paginator
from django.http import QueryDict
from django.template import RequestContext, Template
from django.test import RequestFactory

from publishing.pagination import PageLink, page_links, query_string


def tag(query: str, **changes) -> str:
    """What Django's own tag writes for the same changes."""
    request = RequestFactory().get(f"/list/?{query}")
    arguments = " ".join(f"{key}={key}" for key in changes)
    return Template(f"{{% querystring {arguments} %}}").render(RequestContext(request, changes))


@pytest.mark.parametrize(
    ("query", "changes"),
    [
        ("", {"page": 2}),
        ("q=leadership", {"page": 3}),
        ("page=4&q=leadership", {"page": 5}),
        ("q=leadership&type=person&page=2", {"type": None, "page": None}),
        ("q=leadership", {"type": "work-stream", "page": None}),
        ("audience=doctors&audience=nurses&sort=title", {"page": 2}),
        ("q=a%26b+%3Cc%3E", {"page": 2}),
        ("page=2", {"page": None}),
        ("audience=doctors&page=2&sort=title", {"page": 4}),
        ("q=caf%C3%A9+%C2%A3&q=&type=", {"type": "programme", "page": 2}),
    ],
)
def test_query_string_writes_what_the_querystring_tag_writes(query, changes):
    expected = tag(query, **changes).replace("&amp;", "&")
    assert query_string(QueryDict(query), **changes) == expected


def pages(count: int, number: int):
    return Paginator(range(count * 20), 20).page(number)


def test_the_first_page_links_on_and_to_the_last_across_a_gap():
    links = page_links(QueryDict("q=leadership"), pages(84, 1))
    assert links.previous == ""
    assert links.next == "?q=leadership&page=2"
    assert links.numbers == [
        PageLink(1, current=True),
        PageLink(2, "?q=leadership&page=2"),
        PageLink(3, "?q=leadership&page=3"),
        PageLink(None),
        PageLink(84, "?q=leadership&page=84"),
    ]


def test_a_middle_page_has_gaps_on_both_sides_and_keeps_the_other_parameters_in_place():
    links = page_links(QueryDict("page=40&sort=title"), pages(84, 40), on_each_side=1)
    assert links.previous == "?page=39&sort=title"
    assert links.next == "?page=41&sort=title"
    assert [link.number for link in links.numbers] == [1, None, 39, 40, 41, None, 84]
    assert [link.number for link in links.numbers if link.current] == [40]


def test_the_last_page_has_no_next_link():
    links = page_links(QueryDict("page=3"), pages(3, 3))
    assert (links.previous, links.next) == ("?page=2", "")
    assert [link.url for link in links.numbers] == ["?page=1", "?page=2", ""]

"""The programme catalogue narrowed by words (`/programmes/?q=`), through the search index."""

import pytest
from django.urls import reverse

from publishing.models import Status
from tests.factories import ProgrammeFactory

from .pages import parse, with_class


def catalogue_titles(client, **params) -> list[str]:
    response = client.get(reverse("programmes:list"), params)
    assert response.status_code == 200
    tree = parse(response)
    return [link.text_content().strip() for link in tree.xpath(with_class("programme-results") + "//h3//a")]


def test_words_narrow_the_catalogue(client, seed):
    assert catalogue_titles(client, q="nye bevan") == ["Elizabeth Garrett Anderson programme", "Nye Bevan programme"]
    assert catalogue_titles(client, q="aspiring leaders") == ["Aspiring Healthcare Leaders"]


def test_words_and_facets_narrow_together(client, seed):
    assert catalogue_titles(client, q="leadership", kind="commissioned") == [
        "Aspiring Healthcare Leaders",
        "Medical Leadership in Practice",
        "Systems Leadership",
    ]


def test_facet_counts_count_only_programmes_matching_the_words(client, seed):
    response = client.get(reverse("programmes:list"), {"q": "nye bevan"})
    tree = parse(response)
    kind_counts = [
        label.text_content().split() for label in tree.xpath('//input[@name="kind"]/following-sibling::label')
    ]
    assert kind_counts == [["National", "partnership", "programme", "2", "programmes"]]


def test_words_never_show_drafts(client, seed):
    ProgrammeFactory(title="Nye Bevan programme 2030 redesign", status=Status.DRAFT)
    assert "Nye Bevan programme 2030 redesign" not in catalogue_titles(client, q="nye bevan")


def test_the_words_are_kept_when_filters_are_applied(client, seed):
    tree = parse(client.get(reverse("programmes:list"), {"q": "leadership"}))
    assert tree.xpath('//form[@id="programme-filters"]//input[@name="q"]/@value') == ["leadership"]


def test_the_filter_panel_has_a_labelled_words_box_that_keeps_what_was_typed(client, seed):
    tree = parse(client.get(reverse("programmes:list"), {"q": "nye   <bevan>", "kind": "national_partnership"}))
    (box,) = tree.xpath('//form[@id="programme-filters"]//input[@name="q"]')
    assert box.get("type") == "search"
    assert box.get("value") == "nye   <bevan>"  # as typed, escaped by the template, not cleaned away
    assert tree.xpath(f'//label[@for="{box.get("id")}"]/text()') == ["Words"]
    assert not tree.xpath('//form[@id="programme-filters"]//input[@type="hidden"][@name="q"]')

    empty = parse(client.get(reverse("programmes:list")))
    assert empty.xpath('//form[@id="programme-filters"]//input[@name="q"]/@value') == [""]


def test_the_words_show_as_a_chosen_filter_that_can_be_removed(client, seed):
    tree = parse(
        client.get(reverse("programmes:list"), {"q": "nye bevan", "kind": "national_partnership", "page": "1"})
    )
    chips = {chip.text_content().split(":")[0].split()[-1]: chip.get("href") for chip in tree.xpath(with_class("chip"))}
    assert chips["Words"] == "?kind=national_partnership"
    assert "q=nye" in chips["Type"]


@pytest.mark.parametrize("query", ["", "a", "!!!", "x" * 1000, "'; DROP TABLE x; --"])
def test_odd_words_give_a_catalogue_page(client, seed, query):
    response = client.get(reverse("programmes:list"), {"q": query})
    assert response.status_code == 200


def test_search_results_link_to_the_catalogue_narrowed_by_the_same_words(client, seed):
    tree = parse(client.get(reverse("search:results"), {"q": "nye bevan"}))
    link = tree.xpath(with_class("search-results__narrow") + "//a")[0]
    assert link.get("href") == reverse("programmes:list") + "?q=nye%20bevan"
    assert "2 matching programmes" in link.text_content()

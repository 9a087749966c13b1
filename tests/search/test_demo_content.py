"""The demo content is searchable as soon as it is loaded: the loader saves through the ORM, so it is indexed."""

import pytest
from django.core.management import call_command

from search.selectors import search


@pytest.fixture
def demo(db, committed):
    with committed():
        call_command("load_demo_content", verbosity=0)


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("nye bevan", "NHS Leadership Academy Nye Bevan programme"),
        ("elizabeth garrett", "NHS Leadership Academy Elizabeth Garrett Anderson programme"),
        ("aspiring leaders", "Aspiring Healthcare Leaders"),
        ("medical leadership", "Medical Leadership in Practice"),
        ("intercalated", "Intercalated course in Health management and Leadership"),
        ("harvard", "John Mcdonough"),
        ("belinda", "Belinda Weir"),
    ],
)
def test_demo_content_is_found_as_soon_as_it_is_loaded(demo, query, expected_first):
    assert search(query)[0].title == expected_first


def test_a_misspelling_finds_demo_leadership_programmes(demo):
    assert "Leadership" in search("leadrship")[0].title


def test_loading_the_demo_again_leaves_the_index_as_it_was(demo, committed):
    before = [(hit.title, hit.rank) for hit in search("leadership")[0:50]]
    assert before
    with committed():
        call_command("load_demo_content", verbosity=0)
    assert [(hit.title, hit.rank) for hit in search("leadership")[0:50]] == before

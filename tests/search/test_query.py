"""Reading what visitors type, and marking what matched."""

import pytest

from search.highlight import snippet
from search.query import MAX_QUERY_LENGTH, MAX_TERMS, light_stem, parse, typed_words


def test_queries_are_tidied_into_lower_case_words_without_accents():
    query = parse("  Zoë   ÅNGSTRÖM\tmedical-leadership ")
    assert query.text == "Zoë ÅNGSTRÖM medical-leadership"
    assert query.terms == ("zoe", "angstrom", "medical", "leadership")


def test_control_characters_and_null_bytes_are_removed():
    assert parse("nye\x00bevan\u200b").text == "nye bevan"


def test_long_queries_are_cut_to_the_limit_and_flagged():
    query = parse("word " * 500)
    assert len(query.text) <= MAX_QUERY_LENGTH
    assert query.truncated
    assert query.terms == ("word",)


def test_unsearchable_queries_carry_a_message_instead_of_terms():
    assert not parse("").is_searchable and parse("").problem == ""
    assert parse("a").problem == "Enter at least 2 characters to search."
    assert parse("!!!").problem == "Enter a word or name to search for."


def test_stop_words_are_not_searched_for():
    assert parse("leadership for the doctors").content_terms == ("leadership", "doctors")
    assert parse("the and of").content_terms == ()


def test_light_stem_only_shortens_words():
    assert light_stem("leaders") == "leader"
    assert light_stem("programmes") == "programme"
    assert light_stem("aspiring") == "aspir"
    assert light_stem("business") == "business"
    assert light_stem("bus") == "bus"


def test_snippet_escapes_before_marking():
    marked = snippet(["<b>Board</b> governance & leadership"], ["governance"])
    assert marked == "&lt;b&gt;Board&lt;/b&gt; <mark>governance</mark> &amp; leadership"


def test_snippet_centres_on_the_matches_in_long_text():
    text = " ".join(["filler"] * 100 + ["governance"] + ["filler"] * 100)
    marked = snippet([text], ["governance"], size=10)
    assert marked.startswith("… ") and marked.endswith(" …")
    assert "<mark>governance</mark>" in marked
    assert len(marked.split()) <= 12


@pytest.mark.parametrize(
    ("text", "term", "marked"),
    [
        ("Co-leadership, leadership_plus", "leadership", "<mark>Co-leadership,</mark> <mark>leadership_plus</mark>"),
        ("Coleadership, not (leadership)", "leadership", "Coleadership, not <mark>(leadership)</mark>"),
        ("Zoë’s café", "zoe", "<mark>Zoë’s</mark> café"),
        ("Große Straße leaders", "strasse", "Große <mark>Straße</mark> leaders"),
        ("£5 a café for leaders", "leaders", "£5 a café for <mark>leaders</mark>"),
        ("Η ηγεσία, ηγεσίας", "ηγεσια", "Η <mark>ηγεσία,</mark> <mark>ηγεσίας</mark>"),
    ],
)
def test_snippet_marks_words_that_start_with_a_searched_word_accents_and_case_aside(text, term, marked):
    assert snippet(["Nothing to see here.", text], [term]) == marked


def test_snippet_falls_back_to_the_start_of_the_first_text():
    assert snippet(["", "A programme for doctors."], ["leadrship"]) == "A programme for doctors."


def test_typed_words_are_capped_like_the_parsed_terms():
    assert typed_words(" ".join(f"w{n}" for n in range(200))) == [f"w{n}" for n in range(MAX_TERMS)]


def test_a_hyphenated_word_may_also_be_written_whole():
    query = parse("inter-calated course")
    assert query.terms == ("inter", "calated", "course")
    assert query.groups == ((("inter",), ("intercalated",)), (("calated",), ("intercalated",)), (("course",),))

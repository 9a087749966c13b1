"""Abbreviations and common names that staff define in the admin (`Synonym`), applied to searches."""

from .models import Synonym
from .query import STOP_WORDS, ParsedQuery, words


def with_synonyms(query: ParsedQuery) -> ParsedQuery:
    """The query with what staff said its words also mean (one indexed query)."""
    terms = [term for term in query.terms if term not in STOP_WORDS]
    if not terms:
        return query
    found: dict[str, list[tuple[str, ...]]] = {}
    for term, meaning in Synonym.objects.filter(term__in=terms).values_list("term", "meaning"):
        meant = tuple(word for word in words(meaning) if word not in STOP_WORDS)
        if meant:
            found.setdefault(term, []).append(meant)
    return query.with_synonyms({term: tuple(meanings) for term, meanings in found.items()}) if found else query

"""Forgiving misspelt words, the same way on every database.

The vocabulary (`SearchWord`) holds the words of published records only. A query word that is not in
it and matches no published document is corrected to its nearest vocabulary word: the backend offers
candidates that share letter triples with it (pg_trgm on PostgreSQL, an FTS5 trigram table on SQLite),
and the one at the smallest Damerau-Levenshtein distance wins. The corrected word is searched for as
well as the typed one (`ParsedQuery.groups`), so a record that really holds the typed word ranks first.
"""

from typing import TYPE_CHECKING

from .query import STOP_WORDS, ParsedQuery, parse
from .synonyms import with_synonyms

if TYPE_CHECKING:
    from .backends.base import SearchBackend

# Two-letter words are too easily "corrected" into other real words; a three-letter one gets one slip only
# ("ian" for Iain), and only when it is in no published record and no vocabulary word.
MIN_CORRECTABLE_LENGTH = 3
MAX_CORRECTABLE_LENGTH = 40


def allowed_distance(word: str) -> int:
    """One slip in a word of four or five letters, two in a longer one."""
    return 1 if len(word) <= 5 else 2


def distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (optimal string alignment), or `limit + 1` once it must exceed `limit`.

    Counts a wrong, missing or extra letter as one edit, and two neighbouring letters swapped as one.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous, current = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        before, previous, current = previous, current, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
    return current[-1]


def trigrams(word: str) -> set[str]:
    """pg_trgm's letter triples (the word padded with two spaces before and one after), to break ties."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def nearest(word: str, candidates: list[str]) -> str | None:
    """The candidate fewest edits away (within `allowed_distance`), then the most alike, then A to Z."""
    limit = allowed_distance(word)
    own = trigrams(word)
    scored = []
    for candidate in set(candidates) - {word}:
        edits = distance(word, candidate, limit)
        if edits <= limit:
            shared = len(own & trigrams(candidate)) / len(own | trigrams(candidate))
            scored.append((edits, -shared, candidate))
    return min(scored)[2] if scored else None


def correctable(term: str) -> bool:
    return term not in STOP_WORDS and MIN_CORRECTABLE_LENGTH <= len(term) <= MAX_CORRECTABLE_LENGTH and term.isalpha()


def correct(query: ParsedQuery, backend: "SearchBackend") -> ParsedQuery:
    """The query with each word that nothing public holds corrected to its nearest vocabulary word."""
    # An abbreviation staff defined, or part of a hyphenated word, is not a misspelling.
    terms = [
        term for term in query.terms if correctable(term) and term not in query.synonyms and term not in query.joined
    ]
    if not terms:
        return query
    corrections = {}
    for term, candidates in backend.unknown_words_candidates(terms).items():
        if fix := nearest(term, candidates):
            corrections[term] = fix
    return query.with_corrections(corrections) if corrections else query


def did_you_mean(query: ParsedQuery, backend: "SearchBackend", found: int) -> str:
    """Another query, of words of published records, that finds more than `found` results; or ''.

    For a search that found nothing or little: each word is swapped for its nearest vocabulary word,
    also a correctly spelt word that is simply not the one meant ("weir" for a "weird" search).
    """
    changed = False
    suggested = []
    for term in query.terms:
        fix = query.corrections.get(term)
        if fix is None and correctable(term) and term not in query.synonyms and term not in query.joined:
            fix = nearest(term, backend.spelling_candidates(term))
        changed |= fix is not None
        suggested.append(fix or term)
    if not changed:
        return ""
    text = " ".join(suggested)
    alternative = with_synonyms(parse(text))
    if alternative.groups and backend.documents(alternative).count() > found:
        return text
    return ""

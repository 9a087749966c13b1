"""Short snippets of a result's text with the searched words marked.

The text is escaped first and only then wrapped in <mark>, so nothing an editor typed is ever
interpreted as HTML. The same code serves both database backends.
"""

import functools
import html
import re
from bisect import bisect_right
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .query import STOP_WORDS, fold, light_stem

SNIPPET_WORDS = 32
_TOKEN = re.compile(r"\S+")


def _pattern(terms: Iterable[str]) -> re.Pattern | None:
    """Matches, in folded text, a word starting with the stem of any meaningful searched word."""
    return _pattern_of(tuple(terms))


@functools.lru_cache(maxsize=256)
def _pattern_of(terms: tuple[str, ...]) -> re.Pattern | None:
    # Made once for the twenty snippets of a results page (as re.compile keeps the compiled pattern anyway).
    meaningful = [term for term in terms if term not in STOP_WORDS] or terms
    stems = sorted({light_stem(term) for term in meaningful if len(term) > 1}, key=len, reverse=True)
    if not stems:
        return None
    return re.compile(r"(?<![^\W_])(" + "|".join(re.escape(stem) for stem in stems) + ")")


def _hits(text: str, tokens: list[re.Match], pattern: re.Pattern) -> dict[int, set[str]]:
    """Which tokens match, and which stems each one matches."""
    hits: dict[int, set[str]] = {}
    if text.isascii():
        # Folding ASCII is lower-casing, which keeps every offset: search the whole text at once.
        starts = [token.start() for token in tokens]
        for match in pattern.finditer(text.lower()):
            hits.setdefault(bisect_right(starts, match.start()) - 1, set()).add(match.group(1))
    else:
        for index, token in enumerate(tokens):
            found = {match.group(1) for match in pattern.finditer(fold(token.group()))}
            if found:
                hits[index] = found
    return hits


def snippet(texts: Iterable[str], terms: Iterable[str], *, size: int = SNIPPET_WORDS) -> SafeString:
    """The window of `size` words with the most distinct searched words, from the first text that has any.

    Falls back to the start of the first non-empty text when no word matches (e.g. a typo-tolerant hit).
    """
    pattern = _pattern(terms)
    texts = [text for text in texts if text and text.strip()]
    for text in texts if pattern else []:
        if text.isascii() and not pattern.search(text.lower()):
            continue  # a text without the words is not split into words at all
        tokens = list(_TOKEN.finditer(text))
        hits = _hits(text, tokens, pattern)
        if not hits:
            continue
        best_start, best_score = 0, -1
        for hit in sorted(hits):
            start = max(0, min(hit - size // 4, len(tokens) - size))
            covered = set().union(*(stems for index, stems in hits.items() if start <= index < start + size))
            if len(covered) > best_score:
                best_start, best_score = start, len(covered)
        # Escaped a run of words at a time, with the standard library's escape (which Django's wraps): a
        # call per word was half of a snippet's time, and a results page makes twenty (issue 19).
        pieces, run = [], []
        for index in range(best_start, min(best_start + size, len(tokens))):
            if index in hits:
                if run:
                    pieces.append(html.escape(" ".join(run)))
                    run = []
                pieces.append(f"<mark>{html.escape(tokens[index].group())}</mark>")
            else:
                run.append(tokens[index].group())
        if run:
            pieces.append(html.escape(" ".join(run)))
        prefix = "… " if best_start > 0 else ""
        suffix = " …" if best_start + size < len(tokens) else ""
        return mark_safe(prefix + " ".join(pieces) + suffix)  # noqa: S308 - every word escaped above
    if not texts:
        return mark_safe("")
    tokens = _TOKEN.findall(texts[0])
    suffix = " …" if len(tokens) > size else ""
    return mark_safe(escape(" ".join(tokens[:size])) + suffix)  # noqa: S308 - escaped

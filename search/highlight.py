"""Short snippets of a result's text with the searched words marked.

The text is escaped first and only then wrapped in <mark>, so nothing an editor typed is ever
interpreted as HTML. The same code serves both database backends.
"""

import functools
import html
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate
from unicodedata import normalize

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .query import STOP_WORDS, fold, light_stem

SNIPPET_WORDS = 32
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class _Stems:
    """The stems to mark, as one pattern that finds them anywhere in folded text: `found()` keeps those that start
    a word. A pattern that looked behind each position for the start of a word could not skip ahead to a stem's
    first letter, and searching a text took twenty times as long (issue 19)."""

    pattern: re.Pattern
    ascii: bool

    def found(self, folded: str) -> Iterator[re.Match]:
        for match in self.pattern.finditer(folded):
            start = match.start()
            if start == 0 or not folded[start - 1].isalnum():  # isalnum(): the letters and digits of [^\W_]
                yield match

    def may_be_in(self, text: str) -> bool:
        """A quick test that never misses a stem (it may find one that is not at the start of a word)."""
        if text.isascii():
            return self.pattern.search(text.lower()) is not None
        if not self.ascii:
            return True
        # The letters of an ASCII stem stay together when everything but ASCII is dropped from the folded
        # text, accents included: a fifth of the time that folding each word took.
        return self.pattern.search(normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()) is not None


@functools.lru_cache(maxsize=256)
def _stems(terms: tuple[str, ...]) -> _Stems | None:
    # Made once for the twenty snippets of a results page.
    meaningful = [term for term in terms if term not in STOP_WORDS] or terms
    stems = sorted({light_stem(term) for term in meaningful if len(term) > 1}, key=len, reverse=True)
    if not stems:
        return None
    pattern = re.compile("(" + "|".join(re.escape(stem) for stem in stems) + ")")
    return _Stems(pattern, ascii=all(stem.isascii() for stem in stems))


def _hits(text: str, tokens: list[re.Match], stems: _Stems) -> dict[int, set[str]]:
    """Which tokens match, and which stems each one matches: one search of the whole folded text."""
    if text.isascii():
        # Folding ASCII is lower-casing, which keeps every offset.
        folded, starts = text.lower(), [token.start() for token in tokens]
    else:
        # Folding may change a word's length: the words are folded one by one and searched as lines.
        words = [fold(token.group()) for token in tokens]
        folded, starts = "\n".join(words), list(accumulate((len(word) + 1 for word in words[:-1]), initial=0))
    hits: dict[int, set[str]] = {}
    for match in stems.found(folded):
        hits.setdefault(bisect_right(starts, match.start()) - 1, set()).add(match.group(1))
    return hits


def snippet(texts: Iterable[str], terms: Iterable[str], *, size: int = SNIPPET_WORDS) -> SafeString:
    """The window of `size` words with the most distinct searched words, from the first text that has any.

    Falls back to the start of the first non-empty text when no word matches (e.g. a typo-tolerant hit).
    """
    stems = _stems(tuple(terms))
    texts = [text for text in texts if text and text.strip()]
    for text in texts if stems else []:
        if not stems.may_be_in(text):
            continue  # a text without the words is not split into words at all
        tokens = list(_TOKEN.finditer(text))
        hits = _hits(text, tokens, stems)
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
    # The first `size` words, the rest left unsplit (str.split() and the tokens' \s agree on what a space is).
    words = texts[0].split(maxsplit=size)
    suffix = " …" if len(words) > size else ""
    return mark_safe(escape(" ".join(words[:size])) + suffix)  # noqa: S308 - escaped

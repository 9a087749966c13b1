"""Short snippets of a result's text with the searched words marked.

The text is escaped first and only then wrapped in <mark>, so nothing an editor typed is ever
interpreted as HTML. The same code serves both database backends.
"""

import re
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .query import STOP_WORDS, fold, light_stem

SNIPPET_WORDS = 32
# A token is a run of non-space characters; the word inside it is what we compare.
_TOKEN = re.compile(r"\S+")
_WORD_CORE = re.compile(r"[^\W_]+")


def _stems(terms: Iterable[str]) -> tuple[str, ...]:
    meaningful = [term for term in terms if term not in STOP_WORDS] or list(terms)
    return tuple({light_stem(term) for term in meaningful if len(term) > 1})


def _matches(token: str, stems: tuple[str, ...]) -> bool:
    return any(core.startswith(stems) for core in _WORD_CORE.findall(fold(token)))


def _render(tokens: list[str], stems: tuple[str, ...]) -> str:
    parts = []
    for token in tokens:
        escaped = escape(token)
        parts.append(f"<mark>{escaped}</mark>" if _matches(token, stems) else escaped)
    return " ".join(parts)


def snippet(texts: Iterable[str], terms: Iterable[str], *, size: int = SNIPPET_WORDS) -> SafeString:
    """The window of `size` words with the most distinct searched words, from the first text that has any.

    Falls back to the start of the first non-empty text when no word matches (e.g. a typo-tolerant hit).
    """
    stems = _stems(terms)
    texts = [text for text in texts if text and text.strip()]
    for text in texts:
        tokens = _TOKEN.findall(text)
        hits = [index for index, token in enumerate(tokens) if stems and _matches(token, stems)]
        if not hits:
            continue
        best_start, best_score = 0, -1
        for hit in hits:
            start = max(0, min(hit - size // 4, len(tokens) - size))
            window = tokens[start : start + size]
            score = len({stem for token in window for stem in stems if _matches(token, (stem,))})
            if score > best_score:
                best_start, best_score = start, score
        window = tokens[best_start : best_start + size]
        prefix = "… " if best_start > 0 else ""
        suffix = " …" if best_start + size < len(tokens) else ""
        return mark_safe(prefix + _render(window, stems) + suffix)  # noqa: S308 - every token escaped above
    if not texts:
        return mark_safe("")
    tokens = _TOKEN.findall(texts[0])
    suffix = " …" if len(tokens) > size else ""
    return mark_safe(escape(" ".join(tokens[:size])) + suffix)  # noqa: S308 - escaped

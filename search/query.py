"""Turning whatever a visitor typed into a tidy query: safe, bounded and split into words."""

import re
import unicodedata
from dataclasses import dataclass, field, replace

MAX_QUERY_LENGTH = 200
MIN_QUERY_LENGTH = 2
MAX_TERMS = 10
MAX_TERM_LENGTH = 40

# Letters and digits in any script; underscores and punctuation separate words.
_WORD = re.compile(r"[^\W_]+")
_SPACES = re.compile(r"\s+")

# PostgreSQL's English stop words (tsearch_data/english.stop), so both backends ignore the same words.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
    herself it its itself they them their theirs themselves what which who whom this that these those am is are
    was were be been being have has had having do does did doing a an the and but if or because as until while
    of at by for with about against between into through during before after above below to from up down in out
    on off over under again further then once here there when where why how all any both each few more most
    other some such no nor not only own same so than too very s t can will just don should now
    """.split()
)


def fold(text: str) -> str:
    """Lower case without accents, so 'Zoë' and 'zoe' are the same word (PostgreSQL's unaccent agrees)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return _WORD.findall(fold(text))


def typed_words(text: str) -> list[str]:
    """The words as typed (case and accents kept), for matching titles letter by letter; as many as `parse` keeps."""
    return _WORD.findall(text)[:MAX_TERMS]


def clean(raw: str) -> str:
    """Drop control and format characters (NUL included), normalise Unicode and tidy spaces."""
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(" " if unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} else char for char in text)
    return _SPACES.sub(" ", text).strip()


def light_stem(term: str) -> str:
    """A crude English stem for substring matching where PostgreSQL's stemmer is not available.

    'leaders' -> 'leader', 'programmes' -> 'programme', 'studies' -> 'stud', 'funded' -> 'fund'.
    It only ever shortens a word, so a substring match on the stem still finds the full word.
    """
    for suffix, minimum in (("ies", 5), ("ing", 6), ("ed", 5), ("s", 4)):
        if term.endswith(suffix) and len(term) >= minimum and not term.endswith("ss"):
            return term[: -len(suffix)]
    return term


@dataclass(frozen=True)
class ParsedQuery:
    """A visitor's query: the text to show back, and the words to look for."""

    text: str = ""
    terms: tuple[str, ...] = ()
    truncated: bool = False
    problem: str = ""
    corrections: dict[str, str] = field(default_factory=dict)
    # Words staff defined as meaning something else too (search.models.Synonym): term -> phrases, as words.
    synonyms: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    # The parts of a hyphenated word typed -> the word written whole ("inter-calated" -> "intercalated").
    joined: dict[str, str] = field(default_factory=dict)

    @property
    def is_searchable(self) -> bool:
        return bool(self.terms) and not self.problem

    @property
    def searched_terms(self) -> tuple[str, ...]:
        """The words actually searched for: the visitor's, with any spelling corrections applied."""
        return tuple(dict.fromkeys(self.corrections.get(term, term) for term in self.terms))

    @property
    def content_terms(self) -> tuple[str, ...]:
        """The searched words that carry meaning. Empty for a query of nothing but stop words ("the of")."""
        return tuple(term for term in self.searched_terms if term not in STOP_WORDS)

    @property
    def groups(self) -> tuple[tuple[tuple[str, ...], ...], ...]:
        """What the backends search for: every group must match, a group matches when any of its
        alternatives does, and an alternative when all of its words do.

        One group per meaningful word typed: the word as typed first (so it keeps its own matches), its
        spelling correction, and what staff said it also means ('heewm' -> health education england ...).
        """
        groups = []
        for term in self.terms:
            if term in STOP_WORDS:
                continue
            alternatives = [(term,)]
            if corrected := self.corrections.get(term):
                alternatives.append((corrected,))
            if whole := self.joined.get(term):
                # Each part's group accepts the whole word, so together they match it written as one.
                alternatives.append((whole,))
            alternatives.extend(self.synonyms.get(term, ()))
            groups.append(tuple(dict.fromkeys(alternatives)))
        return tuple(groups)

    @property
    def highlighted_terms(self) -> tuple[str, ...]:
        """Every word a result may have matched, to mark in its snippet."""
        return tuple(dict.fromkeys(word for group in self.groups for phrase in group for word in phrase))

    @property
    def corrected_text(self) -> str:
        """The query as searched after spelling correction; empty when nothing was corrected."""
        if not self.corrections:
            return ""
        return " ".join(self.corrections.get(term, term) for term in self.terms)

    def with_corrections(self, corrections: dict[str, str]) -> "ParsedQuery":
        return replace(self, corrections=corrections)

    def with_synonyms(self, synonyms: dict[str, tuple[tuple[str, ...], ...]]) -> "ParsedQuery":
        return replace(self, synonyms=synonyms)


def parse(raw: str | None) -> ParsedQuery:
    """Read a query string. Never raises: odd input gives a query with a `problem` to show instead."""
    text = clean(raw or "")
    truncated = len(text) > MAX_QUERY_LENGTH
    if truncated:
        text = text[:MAX_QUERY_LENGTH].rstrip()
    if not text:
        return ParsedQuery()
    if len(text) < MIN_QUERY_LENGTH:
        return ParsedQuery(text=text, problem=f"Enter at least {MIN_QUERY_LENGTH} characters to search.")
    terms = tuple(dict.fromkeys(term[:MAX_TERM_LENGTH] for term in words(text)))[:MAX_TERMS]
    if not terms:
        return ParsedQuery(text=text, truncated=truncated, problem="Enter a word or name to search for.")
    return ParsedQuery(text=text, terms=terms, truncated=truncated, joined=_joined(text, terms))


_HYPHENATED = re.compile(r"[^\W_]+(?:[-‐‑–][^\W_]+)+")


def _joined(text: str, terms: tuple[str, ...]) -> dict[str, str]:
    """The same joined spellings the index keeps for hyphenated titles (search.documents.title_keywords)."""
    joined = {}
    for match in _HYPHENATED.findall(text):
        parts = words(match)
        whole = "".join(parts)[:MAX_TERM_LENGTH]
        joined.update({part: whole for part in parts if part in terms and part != whole})
    return joined


def normalised_term(query: ParsedQuery) -> str:
    """How a query is written to the search log: lower case, single spaces, so repeats count together."""
    return " ".join(query.text.casefold().split())[:MAX_QUERY_LENGTH]

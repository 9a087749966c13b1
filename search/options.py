"""The search page's options besides the words: which type of result, and whether to correct misspellings."""

from dataclasses import dataclass

from django.http import QueryDict

from .models import Kind

TYPE_CHOICES = (("", "All types"), *((kind.value, kind.plural) for kind in Kind))
EXACT_SPELLING = "exact"


@dataclass(frozen=True)
class SearchOptions:
    """Read from the query string. The words `q` are not an option: they are never refused, only tidied
    (search.query). An unknown type or spelling option is an error to show, with a 400.

    Not a Django form: building and validating one, its fields copied for each search, was a tenth of
    the view's time for two values (issue 19).
    """

    # The menu's options, the same on every page: rendered once per process for each option chosen
    # (include_kept), not looped over by the template engine for every search (issue 19).
    type_choices = TYPE_CHOICES

    type: str = ""  # as asked, valid or not
    spelling: str = ""
    type_error: str = ""
    spelling_error: str = ""

    @classmethod
    def read(cls, data: QueryDict) -> "SearchOptions":
        asked, spelling = data.get("type", ""), data.get("spelling", "")
        return cls(
            type=asked,
            spelling=spelling,
            type_error=""
            if asked in Kind.values or not asked
            else f"There is no type of result called “{asked}”. Choose one from the list.",
            spelling_error=""
            if spelling in ("", EXACT_SPELLING)
            else f"There is no spelling option called “{spelling}”: leave it out, or use “{EXACT_SPELLING}”.",
        )

    @property
    def errors(self) -> list[str]:
        return [error for error in (self.type_error, self.spelling_error) if error]

    @property
    def kind(self) -> Kind | None:
        return Kind(self.type) if self.type and not self.type_error else None

    @property
    def corrects_spelling(self) -> bool:
        return self.spelling != EXACT_SPELLING

    @property
    def valid_type(self) -> str | None:
        """The type asked for if it is one: the menu's chosen option (search/type_options.html)."""
        return None if self.type_error else self.type

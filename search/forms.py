from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from .models import Kind
from .query import MAX_QUERY_LENGTH, clean


class QueryField(forms.CharField):
    """A search box for any form or filter: never invalid, whatever is typed (NUL bytes included).

    Cleans to the tidied text, cut to the query length limit, so it can go straight to `narrow()`.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]

    def to_python(self, value):
        return clean(str(value or ""))[:MAX_QUERY_LENGTH]


class SearchForm(forms.Form):
    """The search page's options. The query `q` is not a field: it is never refused, only tidied (search.query)."""

    type = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "All types"), *((kind.value, kind.plural) for kind in Kind)],
        error_messages={"invalid_choice": "There is no type of result called “%(value)s”. Choose one from the list."},
    )
    spelling = forms.ChoiceField(
        required=False,
        choices=[("", "Correct misspelt words"), ("exact", "Search exactly as typed")],
        widget=forms.HiddenInput,
    )

    @property
    def kind(self) -> Kind | None:
        value = self.cleaned_data.get("type") if self.is_valid() else None
        return Kind(value) if value else None

from django import forms

from .models import Kind


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

    def type_options(self) -> list[tuple[str, str, bool]]:
        """The type menu's (value, label, selected): in the template, looking up the type asked for once
        for each option cost a tenth of the search page's rendering (issue 19)."""
        asked = self.data.get("type", "")
        return [(value, label, value == asked) for value, label in self.fields["type"].choices]

    @property
    def kind(self) -> Kind | None:
        value = self.cleaned_data.get("type") if self.is_valid() else None
        return Kind(value) if value else None

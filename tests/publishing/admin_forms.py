"""Submit admin pages the way a browser does: read the rendered form, change some fields, post it."""

import lxml.html


def form_data(response, containing: str | None = None) -> dict[str, list[str]]:
    """Every field a browser would send from a form on the page.

    The form is the admin's change form (id "<model>_form"), or the one with a field named `containing`.
    """
    document = lxml.html.fromstring(response.content)
    if containing is None:
        forms = [form for form in document.forms if (form.get("id") or "").endswith("_form")]
    else:
        forms = [form for form in document.forms if form.inputs.keys() and containing in form.inputs.keys()]
    assert forms, f"no such form on the page: {containing or '*_form'}"
    data: dict[str, list[str]] = {}
    for name, value in forms[0].form_values():
        data.setdefault(name, []).append(value)
    return data


def set_fields(data: dict[str, list[str]], **values) -> dict[str, list[str]]:
    """Set fields as an editor would type or choose them; a list sets a multiple choice."""
    for name, value in values.items():
        data[name] = [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]
    return data


def fill_inline_row(data: dict[str, list[str]], prefix: str, **values) -> dict[str, list[str]]:
    """Fill the first empty row of an inline, adding a row (as "Add another" does) when none is left.

    A row counts as empty when the first field given is empty in it.
    """
    key = next(iter(values))
    total = int(data[f"{prefix}-TOTAL_FORMS"][0])
    initial = int(data[f"{prefix}-INITIAL_FORMS"][0])
    empty = [i for i in range(initial, total) if not any(data.get(f"{prefix}-{i}-{key}", []))]
    if empty:
        index = empty[0]
    else:
        # What the admin's "Add another" button does: copy the empty row template.
        index = total
        data[f"{prefix}-TOTAL_FORMS"] = [str(total + 1)]
        template = f"{prefix}-__prefix__-"
        for name, value in list(data.items()):
            if name.startswith(template):
                data[f"{prefix}-{index}-{name.removeprefix(template)}"] = list(value)
    for name, value in values.items():
        data[f"{prefix}-{index}-{name}"] = [str(value)]
    return data

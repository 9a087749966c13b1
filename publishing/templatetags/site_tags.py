import functools
import html
import json
import threading

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import setting_changed
from django.db.models import Model
from django.dispatch import receiver
from django.template import Context
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from publishing import richtext
from publishing.paths import path_to

register = template.Library()

# Characters that could end a <script> element or open an HTML comment inside it.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data) -> str:
    """A schema.org JSON-LD block; user text such as `</script>` cannot break out of it."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 - escaped above


# The standard library's escape, which Django's wraps (for lazy strings: labels are made str first),
# remembered: the same few hundred labels and values on every page of a filtered list.
_escape = functools.lru_cache(maxsize=4096)(html.escape)


@register.simple_tag
def facet_groups(facets: list[dict], count_noun: str, collapse_after: int | None = None) -> str:
    """The checkbox group of each facet of `FacetedFilterSet.facets()`: its options with their counts, read out
    as "3 programmes" (`count_noun` is "singular,plural", as for `pluralize`). With `collapse_after`, groups
    after the first N start closed unless something in them is ticked.

    Built here, not in a template: the catalogue's 10 groups and 174 options were two fifths of the page's
    rendering in the template engine, and this markup is the same for every filtered list.
    """
    singular, plural = (_escape(noun) for noun in count_noun.split(","))
    return mark_safe(  # noqa: S308 - _group escapes every value
        "".join(
            _group(facet, singular, plural, is_open=not collapse_after or position <= collapse_after)
            for position, facet in enumerate(facets, start=1)
        )
    )


def _group(facet: dict, singular: str, plural: str, *, is_open: bool) -> str:
    label, chosen = _escape(str(facet["label"])), facet["selected_count"]
    return (
        f'<details class="facet"{" open" if is_open or chosen else ""}><summary class="facet__summary">{label}'
        + (f' <span class="facet__chosen">({chosen:d} chosen)</span>' if chosen else "")
        + f'</summary><fieldset class="facet__options"><legend class="visually-hidden">{label}</legend>'
        + _options(facet, singular, plural)
        + "</fieldset></details>"
    )


def _options(facet: dict, singular: str, plural: str) -> str:
    name = _escape(facet["name"])
    return "".join(
        f'<div class="form-check"><input class="form-check-input" type="checkbox" name="{name}"'
        f' value="{_escape(option["value"])}" id="f-{name}-{number}"{" checked" if option["selected"] else ""}>'
        f'<label class="form-check-label" for="f-{name}-{number}">{_escape(str(option["label"]))}'
        f' <span class="facet__count">{option["count"]:d}<span class="visually-hidden">'
        f" {singular if option['count'] == 1 else plural}</span></span></label></div>"
        for number, option in enumerate(facet["options"], start=1)
    )


@register.simple_tag
def pager(links, label: str) -> SafeString:
    """Previous, the page numbers (gaps as an ellipsis) and next of a paged list, from `page_links()`
    (publishing.pagination), in a navigation landmark named `label`; nothing for a list of one page.

    Built here, as the facets are: in a template, the five links of a list's first page cost 70 microseconds,
    on every catalogue and search page at 1,000 programmes (issue 19).
    """
    if not (links.previous or links.next):  # the only page
        return mark_safe("")
    items = []
    if links.previous:
        items.append(
            f'<li class="page-item"><a class="page-link" href="{html.escape(links.previous)}" rel="prev">'
            'Previous<span class="visually-hidden"> page</span></a></li>'
        )
    for link in links.numbers:
        if link.current:
            items.append(
                '<li class="page-item active"><span class="page-link" aria-current="page">'
                f'<span class="visually-hidden">Page </span>{link.number:d}</span></li>'
            )
        elif link.url:
            items.append(
                f'<li class="page-item"><a class="page-link" href="{html.escape(link.url)}">'
                f'<span class="visually-hidden">Page </span>{link.number:d}</a></li>'
            )
        else:
            items.append('<li class="page-item disabled"><span class="page-link">&hellip;</span></li>')
    if links.next:
        items.append(
            f'<li class="page-item"><a class="page-link" href="{html.escape(links.next)}" rel="next">'
            'Next<span class="visually-hidden"> page</span></a></li>'
        )
    return mark_safe(  # noqa: S308 - every value escaped above
        f'<nav class="pager" aria-label="{html.escape(label)}"><ul class="pagination">{"".join(items)}</ul></nav>'
    )


@register.simple_tag
def breadcrumbs(crumbs) -> SafeString:
    """The breadcrumb trail: Home, then each (label, address) of `crumbs`, the last being the page itself;
    nothing without crumbs.

    Written here, not by an included template: on every page but the home page, the include, its loop and
    its `{% url %}` cost 30 to 35 microseconds (issue 19).
    """
    if not crumbs:  # the home page
        return ""
    *ancestors, (label, _address) = crumbs
    items = [f'<li class="breadcrumb-item"><a href="{_escape(path_to("home"))}">Home</a></li>']
    items += [
        f'<li class="breadcrumb-item"><a href="{conditional_escape(address)}">{conditional_escape(label)}</a></li>'
        for label, address in ancestors
    ]
    items.append(f'<li class="breadcrumb-item active" aria-current="page">{conditional_escape(label)}</li>')
    return mark_safe(  # noqa: S308 - every value escaped above
        f'<nav class="breadcrumbs container" aria-label="Breadcrumb"><ol class="breadcrumb">{"".join(items)}</ol></nav>'
    )


@register.simple_tag(takes_context=True)
def include_kept(context, template_name: str, **values) -> SafeString:
    """`{% include template_name with values only %}`, rendered once per process for the same values.

    For the markup every page repeats (the header, the footer, the links in the head) and cards of records
    that pages keep (a work stream's key contacts): the template sees only `values`, so the same values, with
    the same URL configuration, give the same markup, and a value that changes (the centre's published
    details, the section) gives a new rendering. A third of a millisecond on every page, much of it
    `{% url %}` (issue 19). Values must be hashable; a record stands in the key for what pages show of it,
    its `kept_key`, and a record without one is rendered each time (its hash is only its primary key). The
    template is the compiled one, so a template edited in development is a new key.
    """
    compiled = context.template.engine.get_template(template_name)
    try:
        # urlconf and script prefix are only part of the key: `{% url %}` reads them from the thread.
        shown = tuple(
            sorted([(name, _kept_key(value) if isinstance(value, Model) else value) for name, value in values.items()])
        )
        key = (compiled, shown, context.autoescape, get_urlconf(), get_script_prefix())
        rendering = _renderings.get(key)
    except TypeError:  # an unhashable value, or a record with no kept_key: rendered each time, never kept
        return compiled.render(Context(values, autoescape=context.autoescape))
    if rendering is None:
        rendering = mark_safe(compiled.render(Context(values, autoescape=context.autoescape)))  # noqa: S308
        with _renderings_lock:
            _renderings[key] = rendering
            while len(_renderings) > MAX_RENDERINGS:
                del _renderings[next(iter(_renderings))]
    return rendering


# Renderings of include_kept, oldest first: the few every page shows and a card per key contact. The oldest
# goes first, not the least recently used, so that a hit is one look-up of its key (which hashes the centre's
# details in the footer's).
MAX_RENDERINGS = 512
_renderings: dict[tuple, SafeString] = {}
_renderings_lock = threading.Lock()  # for writes: threaded workers may add and drop at once


def _kept_key(record: Model) -> tuple:
    if (kept_key := getattr(record, "kept_key", None)) is None:
        raise TypeError(f"{type(record).__name__} has no kept_key")
    return type(record), kept_key


@receiver(setting_changed)
def _forget_renderings(**kwargs) -> None:
    """A test that changes the URLs or static files' storage sees its own."""
    with _renderings_lock:
        _renderings.clear()


@register.filter
def rich(value, heading_levels: str = "") -> str:
    """Formatted text, cleaned again on output: a value stored before the rules still cannot reach a reader
    as markup outside the vocabulary (publishing.richtext). `heading_levels` ("2,3") where a page allows
    other levels than the fields' usual 3 and 4."""
    levels = tuple(int(level) for level in heading_levels.split(",")) if heading_levels else richtext.HEADING_LEVELS
    return mark_safe(richtext.clean(value, levels))  # noqa: S308 - nh3's allow-list output


@register.filter(needs_autoescape=True)
def list_items(values, autoescape: bool = True) -> SafeString:
    """Each value (a kept card, say) as `<li>value</li>`, escaped unless it is safe: what a `{% for %}` of
    `<li>{{ value }}</li>` writes, without the loop's cost per item (1.5 microseconds; a work stream page at
    1,000 programmes lists 42 cards, issue 19)."""
    escape = conditional_escape if autoescape else str
    return mark_safe("".join([f"<li>{escape(value)}</li>" for value in values]))  # noqa: S308 - escaped


@register.filter
def plain(value) -> str:
    """Formatted text as one line of plain text (meta descriptions, snippets); autoescaped like any text."""
    return richtext.to_line(value)

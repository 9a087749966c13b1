import html

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def search_hits(hits) -> SafeString:
    """The list items of a page of results (`search.selectors.SearchHit`s): kind, linked title and snippet.

    Built here, not in the template: twenty results made the template engine resolve and render some
    140 variables, a tenth of a search's CPU (issue 19). The snippet is already escaped and marked.
    """
    return mark_safe(  # noqa: S308 - every value but the safe snippet is escaped below
        "".join(
            f'<li class="search-result search-result--{html.escape(hit.kind.value)}">'
            f'<p class="search-result__kind">{html.escape(hit.kind_label)}</p>'
            f'<h3 class="search-result__title"><a href="{html.escape(hit.url)}">{html.escape(hit.title)}</a></h3>'
            + (f'<p class="search-result__snippet">{hit.snippet}</p>' if hit.snippet else "")
            + "</li>"
            for hit in hits
        )
    )


@register.simple_tag
def search_type_links(links) -> SafeString:
    """The list items of the results' type menu, from (label, count, url, current) for "All" and each type.

    Built here, not in the template: its loop over four or five links was a twentieth of a search's
    rendering (issue 19).
    """
    return mark_safe(  # noqa: S308 - every value is escaped or an integer
        "".join(
            f'<li><a href="{html.escape(url)}"{' aria-current="page"' if current else ""}>{html.escape(label)}'
            f' <span class="search-types__count">{count:d}</span></a></li>'
            for label, count, url, current in links
        )
    )

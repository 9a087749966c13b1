"""Links that keep the rest of the query string: a paged list's page links, a results page's type links.

Worked out in Python once per page: in the template, `{% querystring %}` for each link and the lookups
around it were two fifths of a search page's rendering at 1,000 programmes (issue 19).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Page
from django.http import QueryDict


def query_string(query: QueryDict, **changes) -> str:
    """`query` with `changes` made (None removes a key), as "?…": what `{% querystring %}` writes.

    From the query's pairs, not a copy of it: QueryDict.copy() is a deep copy, and with encoding each
    pair on its own that was three quarters of the time, for the half-dozen links of a results page.
    """
    pairs = []
    for key, values in query.lists():
        if key not in changes:
            pairs.extend((key, value) for value in values)
        elif changes[key] is not None:
            pairs.append((key, changes[key]))  # a changed key keeps its place
    pairs.extend((key, value) for key, value in changes.items() if value is not None and key not in query)
    return f"?{urlencode(pairs)}" if pairs else "?"


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: a gap in the numbers
    url: str = ""  # "" for the page shown and for a gap
    current: bool = False


@dataclass(frozen=True)
class PageLinks:
    """Previous, the page numbers (the first and last, those around the page shown, gaps between) and next."""

    numbers: list[PageLink]
    previous: str = ""
    next: str = ""


def page_links(query: QueryDict, page: Page, *, on_each_side: int = 2, on_ends: int = 1) -> PageLinks:
    """The links to the other pages of `page`'s list, each `query` with only its page number changed."""
    paginator = page.paginator
    # A gap is the paginator's ELLIPSIS, a lazily translated string: comparing a number with it translates it
    # again each time (half of these links' cost, issue 19), so a gap is told by not being a number.
    numbers = [
        PageLink(None)
        if not isinstance(number, int)
        else PageLink(number, current=True)
        if number == page.number
        else PageLink(number, query_string(query, page=number))
        for number in paginator.get_elided_page_range(page.number, on_each_side=on_each_side, on_ends=on_ends)
    ]
    return PageLinks(
        numbers,
        previous=query_string(query, page=page.previous_page_number()) if page.has_previous() else "",
        next=query_string(query, page=page.next_page_number()) if page.has_next() else "",
    )

"""`reverse()`, remembered for the life of the process.

A path depends only on the URL configuration, the script prefix, the view's name and its arguments, none of
which change while a process runs; yet `reverse()` works it out afresh each time, 17 to 40 µs a call. A page
of a list or a work stream links to dozens of records (its cards, its JSON-LD), which made reversing their
addresses 1 to 2.5 ms of a page's CPU (issue 19). Templates' `{% url %}` tags use it too
(publishing.templatetags.remembered_url).
"""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Every record's address and every page's, with room to spare: at 10,000 programmes, 3,000 people and 5,000
# projects about 2 MB.
MAX_PATHS = 50_000


def path_to(viewname: str, *args, current_app: str | None = None, **kwargs) -> str:
    """`reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)`, from memory after the first call.

    Arguments must be hashable (strings and numbers, as in every address here).
    """
    return _reverse(
        get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), viewname, args, tuple(kwargs.items()), current_app
    )


@functools.lru_cache(maxsize=MAX_PATHS)
def _reverse(urlconf: str, prefix: str, viewname: str, args: tuple, kwargs: tuple, current_app: str | None) -> str:
    # The prefix is part of the key: reverse() reads it itself, from the request being served.
    return reverse(viewname, urlconf=urlconf, args=args or None, kwargs=dict(kwargs) or None, current_app=current_app)

"""View classes shared by the public pages: published detail pages and faceted lists."""

import copy
import functools

from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import Http404, HttpResponsePermanentRedirect
from django.views.generic import DetailView
from django.views.generic.list import MultipleObjectMixin
from django_filters.views import FilterView

from pagecache.fragments import remember
from pagecache.middleware import may_be_signed_in

from .models import may_preview


def page_number(raw: str | None) -> int:
    """A page number from the query string: a whole number of at least 1, or a 404."""
    raw = raw or "1"
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
        raise Http404("That page number does not exist.")
    return int(raw)


@functools.cache
def _fixed_options_key(filterset_class, listing: QuerySet) -> str:
    return filterset_class.options_key(listing)


class FacetedListView(FilterView):
    """A list narrowed by a `FacetedFilterSet` (publishing.filters), with the total its counts already know.

    The filters are always bound, so defaults apply and counts read cleaned data; unknown values are
    dropped by the filters themselves and the rest still apply (django-filter's `strict` has no part: `get()`
    is this class's own). A page past the end shows the last page; anything that is not a page number is a 404.
    """

    def count_total(self) -> int:
        """How many records the filters select, from counts the view has made anyway: no COUNT query."""
        return self.filterset.total()

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["data"] = self.request.GET
        if self.queryset is not None and type(self).get_queryset is MultipleObjectMixin.get_queryset:
            # The listing is the class's own queryset, the same on every request (published() compares with the
            # time its query runs): what the options are read from is worked out once per process (issue 19).
            kwargs["options_key"] = _fixed_options_key(filterset_class, self.queryset)
        return kwargs

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        # When the filter set can choose the page from its kept data, the filtered list is never queried:
        # the page's rows are read by id from the listing (`paginate_queryset`).
        self.object_list = self.filterset.queryset if self.filterset.pages_by_id else self.filterset.qs
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
        return self.render_to_response(context)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        paginator.count = self.total = self.count_total()
        number = min(page_number(self.request.GET.get(self.page_kwarg)), paginator.num_pages)
        if self.filterset.pages_by_id:
            page = Page(
                self.filterset.page_rows(queryset, (number - 1) * page_size, number * page_size), number, paginator
            )
        else:
            page = paginator.page(number)
        self.page = page
        return paginator, page, page.object_list, page.has_other_pages()


class PublishedDetailView(DetailView):
    """A detail page that the public sees only when published, and staff may preview as a draft.

    A slug that an editor has renamed keeps answering: the old slug is found in the model's
    history and the visitor is sent to the current address with a permanent redirect.

    The record the public sees is kept (pagecache.fragments) by view and slug, with whatever the view's
    `get_queryset()` reads with it, until a table it was read from is written: a page that misses the page
    cache makes no query for its own record (issue 19). Staff who may preview drafts read it every time, so
    a draft is never kept for the public.
    """

    def visitor(self):
        """The user asking, or None when nobody can be signed in (pagecache.middleware.may_be_signed_in)."""
        return self.request.user if may_be_signed_in(self.request) else None

    def get_queryset(self):
        return super().get_queryset().visible_to(self.visitor())

    def get_object(self, queryset=None):
        slug = self.kwargs.get(self.slug_url_kwarg)
        if (
            queryset is not None
            or slug is None
            # Longer than any record's: a probe, looked up (and found missing) without a key of its own.
            or len(slug) > self.model._meta.get_field(self.slug_field).max_length
            or may_preview(self.visitor(), self.model)
        ):
            return super().get_object(queryset)
        view = f"{type(self).__module__}.{type(self).__qualname__}"
        # A copy: the kept instance is shared by every request of the process, and views add to theirs.
        return copy.copy(remember(f"detail:{view}:{slug}", super().get_object))

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            current = self.find_renamed(kwargs.get(self.slug_url_kwarg, ""))
            if current is None:
                raise
            return HttpResponsePermanentRedirect(current.get_absolute_url())

    def find_renamed(self, old_slug: str):
        model = self.get_queryset().model
        history = getattr(model, "history", None)
        if history is None or not old_slug:
            return None
        ids = history.filter(slug=old_slug).order_by("-history_date").values_list("id", flat=True)
        for object_id in ids[:5]:
            current = self.get_queryset().filter(pk=object_id).exclude(slug=old_slug).first()
            if current is not None:
                return current
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A draft seen by staff, or unpublished changes rendered by the admin's preview (publishing.previews).
        context["is_preview"] = not self.object.is_public or getattr(self.request, "publishing_preview", False)
        return context

from django.core.paginator import Paginator
from django.http import JsonResponse, QueryDict
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from pagecache.middleware import cache_although_private, call_when_served
from publishing.pagination import page_links, query_string

from . import log
from .models import Kind
from .options import SearchOptions
from .query import normalised_term, parse
from .selectors import SearchResults, search, suggest

SEARCH_MAX_AGE = 60
# Beyond this a page number is surely a typo or a probe; the paginator shows the last page anyway.
MAX_EXPECTED_PAGE = 10_000
SUGGESTIONS_MAX_AGE = 60


def type_links(query: QueryDict, results: SearchResults, chosen: Kind | None) -> list[tuple[str, int, str, bool]]:
    """The results' type menu (search_tags.search_type_links): "All", then each type with results, as
    (label, count, link keeping the rest of the query, whether it is the type shown)."""
    every = ("All", results.total, query_string(query, type=None, page=None), chosen is None)
    return [
        every,
        *(
            (kind.plural, count, query_string(query, type=kind.value, page=None), kind == chosen)
            for kind in Kind
            if (count := results.counts[kind])
        ),
    ]


class SearchView(TemplateView):
    """`/search/?q=…&type=…&page=…`: every kind of published record, ranked, counted and highlighted."""

    template_name = "search/results.html"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        options = SearchOptions.read(request.GET)
        if options.errors:
            query = parse(request.GET.get("q"))
            context = self.get_context_data(options=options, query=query, search_query=query.text)
            return self.render_to_response(context, status=400)
        results = search(request.GET.get("q"), kind=options.kind, correct_spelling=options.corrects_spelling)
        number = request.GET.get("page")
        expected = min(int(number), MAX_EXPECTED_PAGE) if number and number.isascii() and number.isdigit() else 1
        expected = max(expected, 1)
        results.expect((expected - 1) * self.paginate_by, expected * self.paginate_by)
        page = Paginator(results, self.paginate_by).get_page(number)
        context = self.get_context_data(
            options=options,
            query=results.query,
            results=results,
            page_obj=page,
            page_links=page_links(request.GET, page),
            kind=options.kind,
            type_links=type_links(request.GET, results, options.kind),
            search_query=results.query.text,
        )
        response = self.render_to_response(context)
        # Private to proxies, CDNs and shared browsers: what people search for is their own business. The
        # site's page cache may still keep it, as the results are the same for every anonymous visitor.
        patch_cache_control(response, private=True, max_age=SEARCH_MAX_AGE)
        cache_although_private(response)
        # One log entry per search, also when the page comes from the cache (with the count it shows);
        # moving to another page of the same results is not a new search. Anonymous by design: no IP
        # address, user, session or user agent.
        if results.query.is_searchable and request.GET.get("page", "1") in {"", "1"}:
            term, corrected_term = normalised_term(results.query), results.query.corrected_text
            kind = results.kind.value if results.kind else ""
            call_when_served(response, log.record, term, corrected_term, kind, len(results))
        return response


@require_GET
def suggestions(request):
    """`/search/suggest/?q=…[&type=programme]`: up to eight titles, of one kind or of all, as JSON.

    The header search box asks for every kind; the enquiry form's programme box for programmes only.
    """
    kind = request.GET.get("type", "")
    if kind and kind not in Kind.values:
        return JsonResponse(
            {"error": f"Unknown type. Use one of: {', '.join(Kind.values)}, or leave it out for every kind."},
            status=400,
        )
    query = parse(request.GET.get("q"))
    found = suggest(request.GET.get("q"), kind=Kind(kind) if kind else None)
    response = JsonResponse({"query": query.text, "suggestions": [suggestion.as_dict() for suggestion in found]})
    patch_cache_control(response, public=True, max_age=SUGGESTIONS_MAX_AGE)
    return response

"""Faceted filter sets: the forgiving filters and option counts behind every list (programmes, research, people).

Filters are forgiving: a value that no longer exists (an old bookmark, a retired partner) is dropped and
reported in `ignored`, never an error page.

A list may also be narrowed by words (`WordsFilter`), through the text search that the search app provides
at start-up (`use_text_search()`): this base app knows only the hook, never the search index.
"""

import collections
import copy
import datetime
import functools
import hashlib
import operator
import re
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import django_filters
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import CharField, F, IntegerField, Model, Q, QuerySet, StringAgg, Value
from django.db.models.functions import Cast
from django.http import QueryDict

from pagecache.fragments import remember

# More values than any real filter has options: a longer list is a hostile or broken URL.
MAX_VALUES_PER_FILTER = 50


class CopiedPerRequest:
    """A filter that a filter set copies for each request (django-filter deep-copies `base_filters` and binds
    each copy to its filter set, `parent`) cheaply: a deep copy also copied each filter's choices, widget
    class and the rest, on every request, and nothing in these filters is changed once declared."""

    def __deepcopy__(self, memo):
        copied = copy.copy(self)
        if copied.method is not None:  # a filter by a filter-set method: bound to the copy, found via its parent
            copied.method = self.method
        return copied


class SortFilter(CopiedPerRequest, django_filters.ChoiceFilter):
    """The order of a list: one of `choices`, each a key of the filter set's `ORDERINGS`, which orders the
    list itself (`FacetedFilterSet.ordering()`); another value is ignored and the default order is kept."""

    def read(self, data, name: str, offered: dict[str, str]) -> tuple[str, list[str]]:
        value = str(data.get(name) or "")
        return (value, []) if not value or value in offered else ("", [value])

    def filter(self, qs, value):
        return qs


# --- words -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextSearch:
    """How a list is narrowed by the words a visitor typed; the search app provides it (`SearchConfig.ready()`)."""

    # Keep the rows of an indexed model's queryset that match the words, in the queryset's own order.
    narrow: Callable[[QuerySet, str], QuerySet]
    # The words as they will be searched: tidied and cut to `max_length`; empty if nothing is left to search.
    tidy: Callable[[str], str]
    max_length: int


_text_search: TextSearch | None = None


def use_text_search(text_search: TextSearch) -> None:
    global _text_search
    _text_search = text_search


def text_search() -> TextSearch:
    """The configured text search; a list that offers words without one is a configuration error."""
    if _text_search is None:
        raise ImproperlyConfigured(
            "No text search is configured: the search app provides it at start-up (add it to INSTALLED_APPS)."
        )
    return _text_search


class WordsFilter(CopiedPerRequest, django_filters.CharFilter):
    """Narrows a list by words through the text search, keeping the list's own sort.

    Never invalid, whatever is typed (NUL bytes included): odd input is tidied away.
    """

    def read(self, data, name: str, offered: dict[str, str]) -> tuple[str, list[str]]:
        return text_search().tidy(str(data.get(name) or "")), []

    def filter(self, qs, value):
        return text_search().narrow(qs, value) if value else qs


def _read_by_field(filter_: django_filters.Filter, data, name: str) -> tuple[object, list[str]]:
    """The value of any other django-filter filter (one without `read()`), through its form field: an invalid
    value is ignored, so a list with such a filter is as forgiving as with its own."""
    field = filter_.field
    raw = field.widget.value_from_datadict(data, {}, name)
    try:
        return field.clean(raw), []
    except ValidationError:
        return None, [str(value) for value in (raw if isinstance(raw, list) else [raw]) if value]


# --- facets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """A range of a number, e.g. durations of one week to three months; `None` leaves an end open."""

    slug: str
    label: str
    minimum: int | None
    maximum: int | None

    def contains(self, number: int | None) -> bool:
        return (
            number is not None
            and (self.minimum is None or number >= self.minimum)
            and (self.maximum is None or number <= self.maximum)
        )

    def condition(self, column: str) -> Q:
        q = Q(**{f"{column}__isnull": False})
        if self.minimum is not None:
            q &= Q(**{f"{column}__gte": self.minimum})
        if self.maximum is not None:
            q &= Q(**{f"{column}__lte": self.maximum})
        return q


@dataclass(frozen=True)
class Bands:
    """A facet whose options are bands of a number column (or annotation), e.g. `Bands("duration_days", ...)`.

    `annotated_by` adds the column to a queryset that does not have it: an annotation costs every request
    that builds it (the catalogue's duration, half a millisecond), so the listing leaves it out and the
    filter set adds it where it reads the number, to read the options and to filter by a band.
    """

    column: str
    bands: Sequence[Band]
    annotated_by: Callable[[QuerySet], QuerySet] | None = None

    def band_of(self, number: int | None) -> str:
        return next((band.slug for band in self.bands if band.contains(number)), "")

    def on(self, queryset: QuerySet) -> QuerySet:
        """`queryset` with the column to band."""
        if self.annotated_by is None or self.column in queryset.query.annotations:
            return queryset
        return self.annotated_by(queryset)


@dataclass(frozen=True)
class Records:
    """A facet whose options are records linked to the rows, e.g. `Records("audiences", position="order")`.

    `paths` lead from a row to the records, all to the same model (several when a row links to them in
    several ways: people to work streams as members or as key contacts). Options are labelled by the
    record field `label` and ordered by `position` (if any), then label. `published` offers published
    records only; `where` narrows the links, e.g. `Q(partnerships__role=...)`.
    """

    paths: str | tuple[str, ...]
    label: str = "name"
    position: str | None = None
    published: bool = False
    where: Q = Q()

    def __post_init__(self):
        if isinstance(self.paths, str):
            object.__setattr__(self, "paths", (self.paths,))

    def model(self, rows: type[Model]) -> type[Model]:
        """The records' model, read through the relations (so a lower app never imports a higher one)."""
        (model,) = {_follow(rows, path) for path in self.paths}
        return model


def _follow(model: type[Model], path: str) -> type[Model]:
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return model


def _linked_ids(model: type[Model], path: str) -> QuerySet:
    """The ids of the records at the end of `path` that anything links to, read from the last link table alone
    (a many-to-many table, or the table holding the foreign key) rather than joined from the rows."""
    *hops, last = path.split("__")
    for name in hops:
        model = model._meta.get_field(name).related_model
    link = model._meta.get_field(last).path_infos[-1]
    return link.from_opts.model._base_manager.values(link.join_field.attname)


class FacetFilter(CopiedPerRequest, django_filters.MultipleChoiceFilter):
    """Several values of one facet, OR-ed, from a GET form of checkboxes.

    Options are the fixed `choices`, values of the column `field_name`; or `options_from` says where
    they come from: `Bands` of a number, or `Records` linked to the rows (read with the counts).
    `predicate(queryset, values)` applies the chosen values: the owning model's QuerySet method, which
    the API's filters call too.
    """

    def __init__(
        self,
        *args,
        options_from: Bands | Records | None = None,
        predicate: Callable[[QuerySet, list[str]], QuerySet] | None = None,
        **kwargs,
    ):
        kwargs.setdefault("distinct", False)
        if isinstance(options_from, Bands):
            kwargs.setdefault("choices", [(band.slug, band.label) for band in options_from.bands])
        super().__init__(*args, **kwargs)
        self.options_from = options_from
        self.predicate = predicate

    def read(self, data, name: str, offered: dict[str, str]) -> tuple[list[str], list[str]]:
        """The values of the URL that are options, each once and at most `MAX_VALUES_PER_FILTER`; and the rest."""
        kept: list[str] = []
        ignored: list[str] = []
        for value in data.getlist(name):
            if value in kept:
                continue
            if len(kept) < MAX_VALUES_PER_FILTER and value in offered:
                kept.append(value)
            else:
                ignored.append(value)
        return kept, ignored

    def filter(self, qs, value):
        if not value:
            return qs
        if self.predicate:
            return self.predicate(qs, value)
        if isinstance(self.options_from, Bands):
            bands = self.options_from
            return bands.on(qs).filter(
                functools.reduce(operator.or_, (b.condition(bands.column) for b in bands.bands if b.slug in value))
            )
        return super().filter(qs, value)


_COLUMNS = ("facet", "number", "value", "label", "position", "ids")


# Kept options are read by the release after the one that kept them: a change to their fields takes a new
# version, and with it keys of its own (an old entry would lack the new field: an AttributeError).
OPTIONS_VERSION = 3


@dataclass(frozen=True)
class Options:
    """A list's facet options, read once per change of the data (see `FacetedFilterSet._read_options`)."""

    choices: dict[str, list[tuple[str, str]]]  # the options of record facets, in the order shown
    masks: dict[str, dict[str, int]]  # facet -> value -> the listed rows it applies to, as bits
    listed: list[str]  # the id of the row that each bit stands for
    # Each of the list's `ORDERINGS`: the listed rows in that order, as their places in `listed`.
    orders: dict[str, array] = field(default_factory=dict)
    # The `KEPT_FIELDS` of each listed row, by id, for a list that keeps them.
    rows: dict[str, tuple] = field(default_factory=dict)


_MOMENT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")


def _is_moment(param) -> bool:
    return isinstance(param, datetime.datetime) or (isinstance(param, str) and bool(_MOMENT_RE.match(param)))


@functools.cache
def _row_type(fields: tuple[str, ...]) -> type:
    return collections.namedtuple("Row", ("pk", *fields))


def _mask(pks, position: dict[str, int]) -> int:
    """The rows `pks` as a bitmask over `position` (row id -> bit); ids not listed are left out."""
    digits = bytearray(b"0") * len(position)
    for pk in pks:
        index = position.get(pk)
        if index is not None:  # a row published since the options were read
            digits[index] = ord("1")
    return int(digits, 2) if digits else 0


def _zero() -> Value:
    return Value(0, output_field=IntegerField())


def _grouped(queryset: QuerySet, facet: str, *, value=None, number=None) -> QuerySet:
    """The ids of `queryset`'s rows per value (or number) of a facet, as rows of `_COLUMNS`."""
    return (
        queryset.values(number=number or _zero(), value=value or Value(""))
        .annotate(
            facet=Value(facet), label=Value(""), position=_zero(), ids=StringAgg(Cast("pk", CharField()), Value(","))
        )
        .values_list(*_COLUMNS)
    )


class FacetedFilterSet(django_filters.FilterSet):
    """A filter set whose facets (its `FacetFilter`s) are offered as checkboxes, each option with how many
    rows it would give.

    The base of every faceted list (programmes, research, people): subclasses only declare their facets.
    The queryset they are given is the listing; the options and counts are read from it.

    One query, whatever the URL: for every option, the ids of the listed rows it applies to (one GROUP BY
    per facet, each id list aggregated into a string, in one UNION ALL of a row per option), and the labels
    of the record options from their own small tables. Each option becomes a bitmask of row ids, so the
    count of an option is its mask AND every other facet's selection: disjunctive counts without a query
    per facet and without Python visiting each row. A filter that is not a facet (words, say) adds one
    query for the ids it keeps.
    """

    # The facets in the order the form shows them: unless a subclass names them, its FacetFilters in the
    # order declared.
    FACETS: tuple[str, ...] = ()
    # The orders a page of the list may be shown in, by value of its `SortFilter` (order_by() arguments,
    # which end with the primary key so that the order is total), and the one without a sort in the URL.
    # Each is kept with the options, so that a page chosen by facets alone is read by id (`page_ids()`).
    ORDERINGS: dict[str, tuple] = {}
    DEFAULT_ORDERING = ""
    # Fields of each listed row kept with the options, for a list whose pages show no more of a row than these
    # and cards kept by id (the catalogue's slug and title): its pages are then read without a query.
    KEPT_FIELDS: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "FACETS" not in cls.__dict__:
            cls.FACETS = tuple(name for name, f in cls.declared_filters.items() if isinstance(f, FacetFilter))

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, options_key: str | None = None):
        """`options_key`, if given, is `options_key(queryset)` worked out before (see `options_key()`)."""
        super().__init__(data, queryset, request=request, prefix=prefix)
        self._options = remember(options_key or self.options_key(self.queryset), self._read_options)
        self.values, self.ignored = self._read_values()

    @classmethod
    def options_key(cls, listing: QuerySet) -> str:
        """What the options are read from: this filter set over `listing` (its SQL and parameters, but the
        current time, which published() compares with and which changes on every request).

        Compiling the SQL is a twentieth of a catalogue page's CPU: a view whose listing is the same on every
        request works it out once (publishing.views.FacetedListView).
        """
        sql, params = listing.order_by().query.sql_with_params()
        # The current time is a datetime, or already a string on SQLite.
        stable = [param for param in params if not _is_moment(param)]
        digest = hashlib.sha256(repr((sql, stable)).encode()).hexdigest()[:24]
        return f"facets:v{OPTIONS_VERSION}:{cls.__module__}.{cls.__qualname__}:{digest}"

    @property
    def _sources(self) -> dict[str, Bands | Records | None]:
        """Where each facet's options come from: its column (None), `Bands` or `Records`."""
        return {facet: self.filters[facet].options_from for facet in self.FACETS}

    # --- what the visitor asked for --------------------------------------------------------

    def _read_values(self) -> tuple[dict[str, object], list[str]]:
        """Each filter's value in the URL, and the values that match no option (`ignored`, for the page to say).

        Read by the filters themselves (`read()`), never invalid: a Django form, built and validated per
        request with every option of every facet, was a third of a catalogue page's CPU (issue 19).
        """
        data = self.data if self.data is not None else QueryDict()
        values: dict[str, object] = {}
        ignored: list[str] = []
        for name, filter_ in self.filters.items():
            if read := getattr(filter_, "read", None):
                values[name], unknown = read(data, name, dict(self.choices(name)))
            else:
                values[name], unknown = _read_by_field(filter_, data, name)
            ignored += unknown
        return values, ignored

    def choices(self, name: str) -> list[tuple[str, str]]:
        """The options of filter `name` as (value, label) in the order shown: a record facet's from the data."""
        if name in self._options.choices:
            return self._options.choices[name]
        return list(self.filters[name].extra.get("choices", ()))

    def selected(self, facet: str) -> list[str]:
        return list(self.values[facet])

    @property
    def is_filtered(self) -> bool:
        return any(self.values[facet] for facet in self.FACETS)

    def _narrowing(self) -> dict:
        """The filters in the URL that are not facets (words, say) and select something."""
        return {
            name: value
            for name, value in self.values.items()
            if name not in self.FACETS
            and not isinstance(self.filters[name], SortFilter)
            and value not in (None, "", [], ())
        }

    # The values are read by the filters (`_read_values()`), without a form: forgiving, never invalid.
    @property
    def form(self):
        raise NotImplementedError(f"{type(self).__name__} reads its values without a form: see values, choices()")

    @property
    def errors(self) -> dict:
        return {}

    def is_valid(self) -> bool:
        return True

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        for name, value in self.values.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset.order_by(*self.ORDERINGS[self.ordering()]) if self.ORDERINGS else queryset

    # --- options: one query for every option's rows ----------------------------------------

    def _read_options(self) -> Options:
        """The options of the record facets (every record a listed row links to, in order), and the rows
        behind every option of every facet as bitmasks, for the counts.

        The same for every visitor and every URL of the list, and proportional to its length: read once per
        change of the tables it reads (pagecache.fragments), not on every request.
        """
        listed = self.queryset.order_by()
        sources = self._sources
        branches = []
        for facet, source in sources.items():
            if isinstance(source, Records):
                branches += self._record_branches(listed, facet, source)
            elif isinstance(source, Bands):
                # Grouped by the number and banded in Python: a CASE over the bands would repeat the
                # number's expression once per band in the SQL.
                branches.append(_grouped(source.on(listed), facet, number=F(source.column)))
            else:
                branches.append(_grouped(listed, facet, value=F(self.filters[facet].field_name)))
        rows = list(branches[0].union(*branches[1:], all=True).order_by())

        labels: dict[str, dict[int, tuple]] = {}
        for facet, pk, slug, label, position, _ids in rows:
            if facet.endswith(":labels"):
                labels.setdefault(facet.removesuffix(":labels"), {})[pk] = (position, label.casefold(), slug, label)
        # The row ids of each option, as the comma-separated lists the query returned.
        ids: dict[str, dict[str, list[str]]] = {facet: {} for facet in self.FACETS}
        options: dict[str, dict[int, tuple]] = {}
        for facet, number, value, _label, _position, row_ids in rows:
            if facet not in ids:
                continue
            source = sources[facet]
            if isinstance(source, Bands):
                value = source.band_of(number)
            elif isinstance(source, Records):
                options.setdefault(facet, {})[number] = key = labels[facet][number]
                value = key[2]
            ids[facet].setdefault(value, []).append(row_ids)
        # Bit i of a mask stands for the i-th listed row: every row is under exactly one value of the partition.
        listed = [pk for lists in ids[self._partition()].values() for row_ids in lists for pk in row_ids.split(",")]
        position = {pk: index for index, pk in enumerate(listed)}
        orders = {name: self._places(ordering, position) for name, ordering in self.ORDERINGS.items()}
        rows = {}
        if self.KEPT_FIELDS:
            for pk, *values in self.queryset.order_by().values_list("pk", *self.KEPT_FIELDS):
                if str(pk) in position:  # not one published meanwhile, as for the orders
                    rows[str(pk)] = tuple(values)
        return Options(
            choices={
                facet: [(slug, label) for *_key, slug, label in sorted(options.get(facet, {}).values())]
                for facet, source in sources.items()
                if isinstance(source, Records)
            },
            masks={
                facet: {
                    value: _mask((pk for row_ids in lists for pk in row_ids.split(",")), position)
                    for value, lists in by_value.items()
                }
                for facet, by_value in ids.items()
            },
            listed=listed,
            orders=orders,
            rows=rows,
        )

    def _places(self, ordering: tuple, position: dict[str, int]) -> array:
        """The listed rows in `ordering`, as their places in the bitmasks (a row published meanwhile is left out)."""
        pks = map(str, self.queryset.order_by(*ordering).values_list("pk", flat=True))
        return array("I", (position[pk] for pk in pks if pk in position))

    def _record_branches(self, listed: QuerySet, facet: str, source: Records) -> list[QuerySet]:
        """The listed rows' ids per record of a record facet, and the records' slugs, labels and positions.

        Label rows are ("<facet>:labels", id, slug, label, position, ""), read from the small record table
        (grouping thousands of links by text columns doubled the database's work).
        """
        rows = self.queryset.model._default_manager
        model = source.model(rows.model)
        # One queryset for links and labels, so both agree on what "published" means at this moment.
        offered = model._default_manager.published() if source.published else model._default_manager.all()
        branches = []
        for path in source.paths:
            linked = Q(**{f"{path}__in": offered}) if source.published else Q(**{f"{path}__isnull": False})
            # One filter() call, so the condition and the grouping use the same join.
            branches.append(_grouped(listed.filter(linked & source.where), facet, number=F(f"{path}__id")))
        used = functools.reduce(operator.or_, (Q(pk__in=_linked_ids(rows.model, path)) for path in source.paths))
        branches.append(
            offered.filter(used)
            .order_by()
            .annotate(
                facet=Value(f"{facet}:labels"),
                number=F("pk"),
                value=F("slug"),
                label=F(source.label),
                position=F(source.position) if source.position else _zero(),
                ids=Value(""),
            )
            .values_list(*_COLUMNS)
        )
        return branches

    # --- counts ----------------------------------------------------------------------------

    def _partition(self) -> str:
        """A facet that holds every listed row under exactly one value: a column or bands, not records."""
        for facet, source in self._sources.items():
            if not isinstance(source, Records):
                return facet
        raise ImproperlyConfigured(f"{type(self).__name__} needs a facet that is a column or bands to count its rows.")

    def count_facets(self) -> dict[str, dict[str, int]]:
        """For each facet and option: how many rows match the other facets plus that option.

        Exactly what following the option's link would show: ANDs and bit counts of the stored masks.
        """
        narrowing = self._narrowing()
        chosen = {facet: self.selected(facet) for facet in self.FACETS if self.selected(facet)}
        masks, listed = self._options.masks, self._options.listed
        universe = (1 << len(listed)) - 1
        if narrowing:
            queryset = self.queryset.order_by()
            for name, value in narrowing.items():
                queryset = self.filters[name].filter(queryset, value)
            position = {pk: index for index, pk in enumerate(listed)}
            universe &= _mask((str(pk) for pk in queryset.values_list("pk", flat=True)), position)
        passes = {
            facet: functools.reduce(operator.or_, (masks[facet].get(value, 0) for value in values))
            for facet, values in chosen.items()
        }
        counts = {}
        for facet in self.FACETS:
            others = functools.reduce(operator.and_, (m for f, m in passes.items() if f != facet), universe)
            counts[facet] = {value: (m & others).bit_count() for value, m in masks[facet].items()}
        self._selection = functools.reduce(operator.and_, passes.values(), universe)
        self._total = self._selection.bit_count()
        return counts

    def facet_counts(self) -> dict[str, dict[str, int]]:
        """`count_facets()`, counted once per request however many parts of the page read them."""
        if not hasattr(self, "_facet_counts"):
            self._facet_counts = self.count_facets()
        return self._facet_counts

    def total(self) -> int:
        """How many rows the filters select, from the same lists of ids (no COUNT query)."""
        self.facet_counts()  # sets _total
        return self._total

    # --- a page, chosen from the same bits ------------------------------------------------------

    def ordering(self) -> str:
        """The order asked for (the value of the list's `SortFilter`), or the list's default."""
        chosen = next((self.values[name] for name, f in self.filters.items() if isinstance(f, SortFilter)), None)
        return chosen or self.DEFAULT_ORDERING

    @functools.cached_property
    def pages_by_id(self) -> bool:
        """Whether `page_ids()` should choose the page: nothing but facets filters the list (words are a query of
        their own), and the list keeps the order asked for. Unfiltered too where the rows' fields are kept, as
        no query is then needed; otherwise the whole list in its order is a cheaper query than twenty rows by id."""
        return (
            (self.is_filtered or bool(self.KEPT_FIELDS))
            and not self._narrowing()
            and self.ordering() in self._options.orders
        )

    def page_ids(self, start: int, stop: int) -> list[str]:
        """The ids of the selected rows from `start` to `stop` in the order asked for (`pages_by_id` must hold).

        The rows the facets select are already known as bits, and each order as the rows' places: the
        list's own filtered, sorted and paginated query is neither built, compiled nor planned, which on
        the catalogue was a seventh of a filtered page's CPU and most of PostgreSQL's (issue 19). Walks
        the order until the page is full: a few dozen rows for a page of a common selection, all of them
        for a rare one or a late page (0.3 ms at 10,000 rows, measured).
        """
        self.facet_counts()  # sets _selection
        order, listed = self._options.orders[self.ordering()], self._options.listed
        if self._total == len(listed):
            return [listed[place] for place in order[start:stop]]
        # Bit i of a mask is row i counted from the most significant end (`_mask`), as in this string.
        chosen = format(self._selection, "b").zfill(len(listed))
        skip, size = start, stop - start
        ids: list[str] = []
        for place in order:
            if chosen[place] == "1":
                if skip:
                    skip -= 1
                    continue
                ids.append(listed[place])
                if len(ids) == size:
                    break
        return ids

    def page_rows(self, queryset: QuerySet, start: int, stop: int) -> list:
        """`page_ids()`'s rows of `queryset` (the listing, as records or named rows with a `pk`), in order.

        Where the list keeps its rows' fields (`KEPT_FIELDS`), named rows of the pk and those fields, as
        `queryset.values_list("pk", *KEPT_FIELDS, named=True)` would read them, without a query: building,
        compiling and running it was a tenth of a catalogue page's CPU (issue 19).
        """
        pk = queryset.model._meta.pk
        if self.KEPT_FIELDS:
            row, kept = _row_type(self.KEPT_FIELDS), self._options.rows
            return [row(pk.to_python(id_), *kept[id_]) for id_ in self.page_ids(start, stop) if id_ in kept]
        ids = [pk.to_python(id_) for id_ in self.page_ids(start, stop)]
        rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
        return [rows[id_] for id_ in ids if id_ in rows]  # a row unpublished meanwhile is left out

    # --- the form ----------------------------------------------------------------------------

    def facets(self) -> list[dict]:
        """Everything the filter form shows: each facet with its options, counts and ticks."""
        counts = self.facet_counts()
        result = []
        for name in self.FACETS:
            chosen = set(self.selected(name))
            options = []
            for value, label in self.choices(name):
                count = counts.get(name, {}).get(value, 0)
                # An option that would match nothing is left out, unless the visitor ticked it.
                if count or value in chosen:
                    options.append({"value": value, "label": label, "count": count, "selected": value in chosen})
            if options:
                result.append(
                    {"name": name, "label": self.filters[name].label, "options": options, "selected_count": len(chosen)}
                )
        return result

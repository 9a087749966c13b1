"""What an alert follows, in words and as programmes: a programme, a work stream, or catalogue filters."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse

from programmes.filters import ProgrammeFilter
from programmes.models import Programme
from workstreams.models import WorkStream

from .models import Alert

# Availability is what an alert is waiting for, so it is not kept: a search for "dates to be confirmed"
# would stop matching the very day applications open.
CATALOGUE_FACETS = tuple(facet for facet in ProgrammeFilter.FACETS if facet != "availability")


def catalogue_filter(filters: str) -> ProgrammeFilter:
    return ProgrammeFilter(QueryDict(filters), queryset=Programme.objects.published())


def normalise_filters(params: QueryDict) -> str:
    """The catalogue filters of a URL that match real options, as a stable query string (unknown ones dropped)."""
    filterset = catalogue_filter(urlencode([(k, v) for k in CATALOGUE_FACETS for v in params.getlist(k)[:20]]))
    pairs = sorted((facet, value) for facet in CATALOGUE_FACETS for value in filterset.selected(facet))
    return urlencode(pairs)[:500]


def describe_filters(filters: str) -> str:
    """Catalogue filters as a reader says them: "Who it is for: Doctors; Type: Short course"."""
    if not filters:
        return "all programmes"
    filterset = catalogue_filter(filters)
    parts = []
    for facet in CATALOGUE_FACETS:
        if values := filterset.selected(facet):
            labels = dict(filterset.choices(facet))
            parts.append(f"{filterset.filters[facet].label}: {', '.join(str(labels.get(v, v)) for v in values)}")
    return "programmes matching " + "; ".join(parts)


def matching_programme_ids(filters: str) -> set[int]:
    return set(catalogue_filter(filters).qs.values_list("pk", flat=True))


@dataclass(frozen=True)
class Target:
    """What a subscribe page offers: the alert's fields and how to say them."""

    kind: str
    programme: Programme | None = None
    work_stream: WorkStream | None = None
    filters: str = ""

    @property
    def description(self) -> str:
        if self.programme:
            return self.programme.title
        if self.work_stream:
            return f"new programmes and intakes in {self.work_stream.title}"
        return describe_filters(self.filters)

    @property
    def page_url(self) -> str:
        """The public page the alert was asked for from."""
        if self.programme:
            return self.programme.get_absolute_url()
        if self.work_stream:
            return self.work_stream.get_absolute_url()
        return reverse("programmes:list") + (f"?{self.filters}" if self.filters else "")

    @property
    def subscribe_url(self) -> str:
        if self.programme:
            return reverse("alerts:subscribe-programme", kwargs={"slug": self.programme.slug})
        if self.work_stream:
            return reverse("alerts:subscribe-work-stream", kwargs={"slug": self.work_stream.slug})
        return reverse("alerts:subscribe-catalogue") + (f"?{self.filters}" if self.filters else "")

    def lookup(self) -> dict:
        """The fields that identify an alert for this target (one alert per person and target)."""
        return {
            "kind": self.kind,
            "programme": self.programme,
            "work_stream": self.work_stream,
            "filters": self.filters,
        }

    @classmethod
    def of(cls, alert: Alert) -> "Target":
        return cls(alert.kind, alert.programme, alert.work_stream, alert.filters)

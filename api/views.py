"""The read-only JSON API, its reference page, and the developers page that lists every machine output."""

import datetime

from django.db.models import Max, Prefetch
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import http_date
from django.views.generic import TemplateView
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularYAMLAPIView
from rest_framework import serializers, viewsets

from faculty.models import Person
from programmes.models import Programme, ProgrammeLead
from publishing.feeds import cache_output, release_time, with_last_modified
from publishing.seo import PageMixin
from research.models import Investigator, ResearchProject
from workstreams.models import KeyContact, WorkStream

from . import docs, filters
from . import serializers as api_serializers

CACHE_MAX_AGE = 300  # seconds a browser, proxy or CDN may reuse an answer without asking again


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What was wrong.")


ERROR_RESPONSES = {
    400: OpenApiResponse(
        response={"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        description="A query parameter has a value the API does not accept: each parameter with its reasons.",
    ),
    404: OpenApiResponse(ErrorSerializer, description="No such record, or a page past the last one."),
}


def documented(*, list_summary: str, detail_summary: str):
    """Name the operations and document their error answers; the 200 body comes from the serializer."""

    def decorate(viewset):
        serializer = viewset.serializer_class
        return extend_schema_view(
            list=extend_schema(summary=list_summary, responses={200: serializer, **ERROR_RESPONSES}),
            retrieve=extend_schema(summary=detail_summary, responses={200: serializer, 404: ERROR_RESPONSES[404]}),
        )(viewset)

    return decorate


def london_midnight() -> datetime.datetime:
    """Start of today in Europe/London: availability, computed from the date, may change then."""
    today = timezone.localdate()
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))


class CatalogueViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail of published records by slug, with ETag and Last-Modified.

    The ETag is a hash of the body, so it is exact. Last-Modified is the latest `updated_at`
    of the records shown and of the records they embed; a list also counts every record of its
    kind, published or not, so that unpublishing one changes it.
    """

    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    depends_on_date = False

    def timestamps(self, obj):
        return [obj.updated_at]

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        stamps = [stamp for obj in page for stamp in self.timestamps(obj)]
        stamps.append(self.get_queryset().model.objects.aggregate(last=Max("updated_at"))["last"])
        self.last_modified = self.latest(stamps)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        self.last_modified = self.latest(self.timestamps(instance))
        return super().retrieve(request, *args, **kwargs)

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = super().get_object()
        return self._object

    def latest(self, stamps) -> datetime.datetime | None:
        stamps = [stamp for stamp in stamps if stamp is not None]
        if self.depends_on_date:
            stamps.append(london_midnight())
        return max(stamps, default=None)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        last_modified = getattr(self, "last_modified", None)
        if last_modified and response.status_code == 200:
            response["Last-Modified"] = http_date(int(last_modified.timestamp()))
        return cache_output(request, response, max_age=CACHE_MAX_AGE)


def timestamps_of(*groups):
    return [obj.updated_at for group in groups for obj in group]


@documented(list_summary="List published programmes", detail_summary="One published programme, with its intakes")
class ProgrammeViewSet(CatalogueViewSet):
    """Published programmes with their intakes, availability today, partners and people."""

    serializer_class = api_serializers.ProgrammeSerializer
    filterset_class = filters.ProgrammeFilter
    depends_on_date = True

    def get_queryset(self):
        return (
            Programme.objects.published()
            .with_details()
            .order_by("title", "pk")
            .prefetch_related(
                Prefetch("related_programmes", queryset=Programme.objects.published()),
                Prefetch("progression_to", queryset=Programme.objects.published()),
                Prefetch("related_research", queryset=ResearchProject.objects.published()),
            )
        )

    def timestamps(self, programme):
        return [programme.updated_at] + timestamps_of(
            programme.work_streams.all(),
            [partnership.organisation for partnership in programme.partnerships.all()],
            [role.person for role in programme.lead_roles.all()],
            programme.related_programmes.all(),
            programme.progression_to.all(),
            programme.related_research.all(),
        )


@documented(list_summary="List published research projects", detail_summary="One published research project")
class ResearchProjectViewSet(CatalogueViewSet):
    """Published research projects, newest first, with investigators, funders and outputs."""

    serializer_class = api_serializers.ResearchProjectSerializer
    filterset_class = filters.ResearchProjectFilter
    depends_on_date = True  # "current" becomes "completed" on the day after the end date

    def get_queryset(self):
        return (
            ResearchProject.objects.published()
            .with_details()
            .order_by("-start_date", "title", "pk")
            .prefetch_related(Prefetch("informs_programmes", queryset=Programme.objects.published()))
        )

    def timestamps(self, project):
        return [project.updated_at] + timestamps_of(
            [role.organisation for role in project.organisation_roles.all()],
            [role.person for role in project.investigator_roles.all()],
            project.work_streams.all(),
            project.informs_programmes.all(),
        )


@documented(list_summary="List published people, A to Z", detail_summary="One published person")
class PersonViewSet(CatalogueViewSet):
    """Published people: faculty, visiting, associate and external, A to Z by family name."""

    serializer_class = api_serializers.PersonSerializer
    filterset_class = filters.PersonFilter

    def get_queryset(self):
        return (
            Person.objects.published()
            .order_by("family_name", "given_name", "pk")
            .select_related("affiliation")
            .prefetch_related(
                "expertise",
                Prefetch(
                    "programme_lead_roles",
                    queryset=ProgrammeLead.objects.of_published_programme().select_related("programme"),
                ),
                Prefetch(
                    "investigator_roles", queryset=Investigator.objects.of_published_project().select_related("project")
                ),
                Prefetch(
                    "key_contact_roles",
                    queryset=KeyContact.objects.of_published_work_stream().select_related("work_stream"),
                ),
            )
        )

    def timestamps(self, person):
        return [person.updated_at] + timestamps_of(
            [person.affiliation] if person.affiliation else [],
            [role.programme for role in person.programme_lead_roles.all()],
            [role.project for role in person.investigator_roles.all()],
            [role.work_stream for role in person.key_contact_roles.all()],
        )


@documented(list_summary="List published work streams", detail_summary="One published work stream")
class WorkStreamViewSet(CatalogueViewSet):
    """Published work streams with their goals, key contacts, members, programmes and projects."""

    serializer_class = api_serializers.WorkStreamSerializer
    filterset_class = filters.WorkStreamFilter

    def get_queryset(self):
        return (
            WorkStream.objects.published()
            .with_details()
            .order_by("order", "title", "pk")
            .prefetch_related(
                Prefetch("programmes", queryset=Programme.objects.published()),
                Prefetch("research_projects", queryset=ResearchProject.objects.published()),
            )
        )

    def timestamps(self, work_stream):
        return [work_stream.updated_at] + timestamps_of(
            [role.person for role in work_stream.key_contact_roles.all()],
            [membership.person for membership in work_stream.memberships.all()],
            work_stream.programmes.all(),
            work_stream.research_projects.all(),
        )


@documented(list_summary="List organisations", detail_summary="One organisation")
class OrganisationViewSet(CatalogueViewSet):
    """Partners, commissioners, funders and affiliations named by published records.

    An organisation linked only to drafts stays out: it could reveal unannounced work.
    """

    serializer_class = api_serializers.OrganisationSerializer
    filterset_class = filters.OrganisationFilter

    def get_queryset(self):
        return filters.public_organisations().order_by("name", "pk")


class ReleasedSchemaMixin:
    """The OpenAPI description is made from the code, so it last changed when the code was installed."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return with_last_modified(response, release_time())


class SchemaJSONView(ReleasedSchemaMixin, SpectacularJSONAPIView):
    pass


class SchemaYAMLView(ReleasedSchemaMixin, SpectacularYAMLAPIView):
    pass


def api_not_found(request, *args, **kwargs):
    """Unknown API addresses answer in JSON too; a missing trailing slash is added as the router expects.

    Only where the address with the slash is a real API route: this catch-all matches every address, so
    redirecting whenever one resolves would send an unknown one to itself, or on to another unknown one.
    """
    if not request.path_info.endswith("/"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "not-found":
            path, _, query = request.get_full_path().partition("?")
            return HttpResponsePermanentRedirect(f"{path}/?{query}" if query else f"{path}/")
    return JsonResponse({"detail": "Not found."}, status=404)


class ApiReferenceView(PageMixin, TemplateView):
    """The OpenAPI description as a readable page: works without JavaScript and under a strict CSP."""

    template_name = "api/reference.html"

    def get_crumbs(self):
        return [("For developers", reverse("developers")), ("API reference", reverse("api:reference"))]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reference"] = docs.reference()
        return context


class DevelopersView(PageMixin, TemplateView):
    """Every machine-readable output of the catalogue, with its address and format."""

    template_name = "api/developers.html"

    def get_crumbs(self):
        return [("For developers", reverse("developers"))]

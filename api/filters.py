"""Query-string filters of the API, named and valued like the public catalogue's.

Every filter takes one or more values (`?kind=open&kind=short_course`): values of one filter are
alternatives, different filters all apply. A value outside a filter's listed choices (`kind`, `level` …)
is a 400 with the reason. A slug is accepted as the schema declares it (any slug): one that names no
public record finds nothing, exactly as one that names nothing at all, so a filter never confirms
that a draft exists.
"""

from functools import partial

import django_filters
from django import forms
from django.core.validators import slug_re
from django.db.models import Exists, OuterRef
from drf_spectacular.drainage import set_override

from faculty.models import Person, PersonQuerySet
from organisations.models import Organisation
from programmes.availability import Availability
from programmes.models import Audience, Programme, ProgrammePartner, ProgrammeQuerySet
from research.models import ProjectOrganisation, ProjectStatus, ResearchProject, ResearchProjectQuerySet
from topics.models import Topic
from workstreams.models import WorkStream


def public_organisations(request=None):
    """Organisations named by published records: partners, commissioners, funders and affiliations.

    One linked only to drafts stays out of the API, as a record and as a filter value: either could
    reveal unannounced work (a filter that accepts its slug and finds nothing confirms it exists).
    """
    organisation = OuterRef("pk")
    return Organisation.objects.filter(
        Exists(ProgrammePartner.objects.of_published_programme().filter(organisation=organisation))
        | Exists(ProjectOrganisation.objects.of_published_project().filter(organisation=organisation))
        | Exists(Person.objects.published().filter(affiliation=organisation))
    )


def _work_streams(request):
    return WorkStream.objects.published()


def _topics(request):
    return Topic.objects.all()


SLUG_SCHEMA = {"type": "string", "pattern": slug_re.pattern.removesuffix(r"\Z") + "$", "minLength": 1}


class SlugsField(forms.MultipleChoiceField):
    """One or more slugs, as the URL converter `<slug:…>` takes them; which records they name is the filter's
    business."""

    default_error_messages = {
        "invalid_choice": "“%(value)s” is not a slug: letters, numbers, hyphens or underscores.",
    }

    def valid_value(self, value):
        return bool(slug_re.fullmatch(value))


class SlugsFilter(django_filters.MultipleChoiceFilter):
    """One or more records named by slug, through the relation `field_name`, among `records` (a queryset, or
    a callable given the request, of the records the public may see).

    With `predicate(queryset, slugs)`, the owning model's QuerySet method that the public lists' filters
    call too, rows linked to any of the records are kept; otherwise rows whose `field_name` is one of them.
    """

    field_class = SlugsField

    def __init__(self, *args, records, predicate=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = records
        self.predicate = predicate
        # What the schema declares for each value: any slug (not the records, which change with content).
        set_override(self, "field", {**SLUG_SCHEMA, "description": kwargs.get("help_text", "")})

    def filter(self, qs, value):
        if not value:
            return qs
        records = self.records(self.parent.request) if callable(self.records) else self.records
        known = list(records.filter(slug__in=value).values_list("slug", flat=True))
        if not known:
            return qs.none()
        if self.predicate is not None:
            return self.predicate(qs, known)
        return qs.filter(**{f"{self.field_name}__slug__in": known}).distinct()


class ProgrammeFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Programme.Kind.choices, help_text="Kind of programme.")
    audience = SlugsFilter(
        field_name="audiences",
        records=Audience.objects.all(),
        predicate=ProgrammeQuerySet.for_audiences,
        help_text="Audience slug, e.g. doctors.",
    )
    level = django_filters.MultipleChoiceFilter(choices=Programme.Level.choices, help_text="Level of study.")
    study_mode = django_filters.MultipleChoiceFilter(choices=Programme.StudyMode.choices, help_text="Study mode.")
    partner = SlugsFilter(
        field_name="partners",
        records=public_organisations,
        predicate=partial(ProgrammeQuerySet.with_partners, role=ProgrammePartner.Role.DELIVERY_PARTNER),
        help_text="Slug of a delivery partner organisation.",
    )
    commissioner = SlugsFilter(
        field_name="partners",
        records=public_organisations,
        predicate=partial(ProgrammeQuerySet.with_partners, role=ProgrammePartner.Role.COMMISSIONER),
        help_text="Slug of a commissioning organisation.",
    )
    work_stream = SlugsFilter(
        field_name="work_streams",
        records=_work_streams,
        predicate=ProgrammeQuerySet.in_work_streams,
        help_text="Work stream slug.",
    )
    availability = django_filters.MultipleChoiceFilter(
        choices=Availability.choices, help_text="Availability today, computed from the intakes."
    )
    topic = SlugsFilter(
        field_name="topics", records=_topics, predicate=ProgrammeQuerySet.with_topics, help_text="Topic slug."
    )

    class Meta:
        model = Programme
        fields = []


class ResearchProjectFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        field_name="project_status",
        choices=ProjectStatus.choices,
        help_text="Current, or completed (the end date has passed).",
    )
    work_stream = SlugsFilter(
        field_name="work_streams",
        records=_work_streams,
        predicate=ResearchProjectQuerySet.in_work_streams,
        help_text="Work stream slug.",
    )
    topic = SlugsFilter(
        field_name="topics", records=_topics, predicate=ResearchProjectQuerySet.with_topics, help_text="Topic slug."
    )
    funder = SlugsFilter(
        field_name="organisations",
        records=public_organisations,
        predicate=partial(ResearchProjectQuerySet.with_organisations, role=ProjectOrganisation.Role.FUNDER),
        help_text="Slug of a funding organisation.",
    )
    partner = SlugsFilter(
        field_name="organisations",
        records=public_organisations,
        predicate=partial(ResearchProjectQuerySet.with_organisations, role=ProjectOrganisation.Role.PARTNER),
        help_text="Slug of a partner organisation.",
    )

    class Meta:
        model = ResearchProject
        fields = []


class PersonFilter(django_filters.FilterSet):
    role = django_filters.MultipleChoiceFilter(
        field_name="role_kind", choices=Person.RoleKind.choices, help_text="Faculty, visiting, associate or external."
    )
    work_stream = SlugsFilter(
        field_name="work_streams",
        records=_work_streams,
        predicate=PersonQuerySet.in_work_streams,
        help_text="Work stream slug: its members and key contacts.",
    )
    topic = SlugsFilter(field_name="expertise", records=_topics, help_text="Topic slug of the person's expertise.")

    class Meta:
        model = Person
        fields = []


class WorkStreamFilter(django_filters.FilterSet):
    topic = SlugsFilter(field_name="focus_areas", records=_topics, help_text="Topic slug of a focus area.")

    class Meta:
        model = WorkStream
        fields = []


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Organisation.Kind.choices, help_text="Kind of organisation.")

    class Meta:
        model = Organisation
        fields = []

"""Query-string filters of the API, named and valued like the public catalogue's.

Every filter takes one or more values (`?kind=open&kind=short_course`): values of one filter are
alternatives, different filters all apply. An unknown value is a 400 with the reason, never an
empty page that looks like "no results".
"""

from functools import partial

import django_filters
from django.db.models import Exists, OuterRef

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


class SlugsFilter(django_filters.ModelMultipleChoiceFilter):
    """One or more records named by slug, through the relation `field_name` (which also types the parameter
    in the API schema).

    With `predicate(queryset, slugs)`, the owning model's QuerySet method that the public lists' filters
    call too, rows linked to any of the records are kept; otherwise rows whose `field_name` is one of them.
    """

    def __init__(self, *args, predicate=None, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("distinct", True)
        super().__init__(*args, **kwargs)
        self.predicate = predicate

    def filter(self, qs, value):
        if self.predicate is None:
            return super().filter(qs, value)
        return self.predicate(qs, [record.slug for record in value]) if value else qs

    def get_filter_predicate(self, v):
        # Match the chosen records themselves; the default would compare their slug with the foreign key.
        return {self.field_name: v}


class ProgrammeFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Programme.Kind.choices, help_text="Kind of programme.")
    audience = SlugsFilter(
        field_name="audiences",
        queryset=Audience.objects.all(),
        predicate=ProgrammeQuerySet.for_audiences,
        help_text="Audience slug, e.g. doctors.",
    )
    level = django_filters.MultipleChoiceFilter(choices=Programme.Level.choices, help_text="Level of study.")
    study_mode = django_filters.MultipleChoiceFilter(choices=Programme.StudyMode.choices, help_text="Study mode.")
    partner = SlugsFilter(
        field_name="partners",
        queryset=public_organisations,
        predicate=partial(ProgrammeQuerySet.with_partners, role=ProgrammePartner.Role.DELIVERY_PARTNER),
        help_text="Slug of a delivery partner organisation.",
    )
    commissioner = SlugsFilter(
        field_name="partners",
        queryset=public_organisations,
        predicate=partial(ProgrammeQuerySet.with_partners, role=ProgrammePartner.Role.COMMISSIONER),
        help_text="Slug of a commissioning organisation.",
    )
    work_stream = SlugsFilter(
        field_name="work_streams",
        queryset=_work_streams,
        predicate=ProgrammeQuerySet.in_work_streams,
        help_text="Work stream slug.",
    )
    availability = django_filters.MultipleChoiceFilter(
        choices=Availability.choices, help_text="Availability today, computed from the intakes."
    )
    topic = SlugsFilter(
        field_name="topics", queryset=_topics, predicate=ProgrammeQuerySet.with_topics, help_text="Topic slug."
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
        queryset=_work_streams,
        predicate=ResearchProjectQuerySet.in_work_streams,
        help_text="Work stream slug.",
    )
    topic = SlugsFilter(
        field_name="topics", queryset=_topics, predicate=ResearchProjectQuerySet.with_topics, help_text="Topic slug."
    )
    funder = SlugsFilter(
        field_name="organisations",
        queryset=public_organisations,
        predicate=partial(ResearchProjectQuerySet.with_organisations, role=ProjectOrganisation.Role.FUNDER),
        help_text="Slug of a funding organisation.",
    )
    partner = SlugsFilter(
        field_name="organisations",
        queryset=public_organisations,
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
        queryset=_work_streams,
        predicate=PersonQuerySet.in_work_streams,
        help_text="Work stream slug: its members and key contacts.",
    )
    topic = SlugsFilter(field_name="expertise", queryset=_topics, help_text="Topic slug of the person's expertise.")

    class Meta:
        model = Person
        fields = []


class WorkStreamFilter(django_filters.FilterSet):
    topic = SlugsFilter(field_name="focus_areas", queryset=_topics, help_text="Topic slug of a focus area.")

    class Meta:
        model = WorkStream
        fields = []


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Organisation.Kind.choices, help_text="Kind of organisation.")

    class Meta:
        model = Organisation
        fields = []

"""Query-string filters of the API, named and valued like the public catalogue's.

Every filter takes one or more values (`?kind=open&kind=short_course`): values of one filter are
alternatives, different filters all apply. An unknown value is a 400 with the reason, never an
empty page that looks like "no results".
"""

import django_filters
from django.db.models import Q, QuerySet

from faculty.models import Person
from organisations.models import Organisation
from programmes.availability import Availability
from programmes.models import Audience, Programme, ProgrammePartner
from research.models import ProjectOrganisation, ProjectStatus, ResearchProject
from topics.models import Topic
from workstreams.models import WorkStream


def _organisations(request):
    return Organisation.objects.all()


def _work_streams(request):
    return WorkStream.objects.published()


def _topics(request):
    return Topic.objects.all()


class SlugsFilter(django_filters.ModelMultipleChoiceFilter):
    """One or more records named by slug."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("distinct", True)
        super().__init__(*args, **kwargs)

    def get_filter_predicate(self, v):
        # Match the chosen records themselves; the default would compare their slug with the foreign key.
        return {self.field_name: v}


class ProgrammeFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Programme.Kind.choices, help_text="Kind of programme.")
    audience = SlugsFilter(
        field_name="audiences", queryset=Audience.objects.all(), help_text="Audience slug, e.g. doctors."
    )
    level = django_filters.MultipleChoiceFilter(choices=Programme.Level.choices, help_text="Level of study.")
    study_mode = django_filters.MultipleChoiceFilter(choices=Programme.StudyMode.choices, help_text="Study mode.")
    partner = SlugsFilter(
        queryset=_organisations, method="filter_partner", help_text="Slug of a delivery partner organisation."
    )
    commissioner = SlugsFilter(
        queryset=_organisations, method="filter_commissioner", help_text="Slug of a commissioning organisation."
    )
    work_stream = SlugsFilter(field_name="work_streams", queryset=_work_streams, help_text="Work stream slug.")
    availability = django_filters.MultipleChoiceFilter(
        choices=Availability.choices, help_text="Availability today, computed from the intakes."
    )
    topic = SlugsFilter(field_name="topics", queryset=_topics, help_text="Topic slug.")

    class Meta:
        model = Programme
        fields = []

    def filter_partner(self, queryset, name, value: QuerySet):
        return self._with_organisation(queryset, value, ProgrammePartner.Role.DELIVERY_PARTNER)

    def filter_commissioner(self, queryset, name, value: QuerySet):
        return self._with_organisation(queryset, value, ProgrammePartner.Role.COMMISSIONER)

    @staticmethod
    def _with_organisation(queryset, organisations, role):
        if not organisations:
            return queryset
        partnered = ProgrammePartner.objects.filter(role=role, organisation__in=organisations)
        return queryset.filter(pk__in=partnered.values("programme"))


class ResearchProjectFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        field_name="project_status",
        choices=ProjectStatus.choices,
        help_text="Current, or completed (the end date has passed).",
    )
    work_stream = SlugsFilter(field_name="work_streams", queryset=_work_streams, help_text="Work stream slug.")
    topic = SlugsFilter(field_name="topics", queryset=_topics, help_text="Topic slug.")
    funder = SlugsFilter(queryset=_organisations, method="filter_funder", help_text="Slug of a funding organisation.")
    partner = SlugsFilter(queryset=_organisations, method="filter_partner", help_text="Slug of a partner organisation.")

    class Meta:
        model = ResearchProject
        fields = []

    def filter_funder(self, queryset, name, value: QuerySet):
        return self._with_organisation(queryset, value, ProjectOrganisation.Role.FUNDER)

    def filter_partner(self, queryset, name, value: QuerySet):
        return self._with_organisation(queryset, value, ProjectOrganisation.Role.PARTNER)

    @staticmethod
    def _with_organisation(queryset, organisations, role):
        if not organisations:
            return queryset
        linked = ProjectOrganisation.objects.filter(role=role, organisation__in=organisations)
        return queryset.filter(pk__in=linked.values("project"))


class PersonFilter(django_filters.FilterSet):
    role = django_filters.MultipleChoiceFilter(
        field_name="role_kind", choices=Person.RoleKind.choices, help_text="Faculty, visiting, associate or external."
    )
    work_stream = SlugsFilter(
        queryset=_work_streams,
        method="filter_work_stream",
        help_text="Work stream slug: its members and key contacts.",
    )
    topic = SlugsFilter(field_name="expertise", queryset=_topics, help_text="Topic slug of the person's expertise.")

    class Meta:
        model = Person
        fields = []

    def filter_work_stream(self, queryset, name, value: QuerySet):
        if not value:
            return queryset
        return queryset.filter(Q(work_streams__in=value) | Q(key_contact_for__in=value)).distinct()


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

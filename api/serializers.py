"""JSON shapes of the API. Field names are snake_case and stable: add fields, never rename them.

Every record carries `url` (its API address) and, where it has a public page, `html_url`.
Related records appear as short summaries with the same two links, and only when published:
the view's querysets prefetch exactly the published relations these serializers read.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from faculty.models import Person
from organisations.models import Organisation
from programmes.availability import Availability
from programmes.models import Audience, Intake, Programme
from publishing import richtext
from publishing.richtext import RichTextField
from research.models import Investigator, ProjectStatus, ResearchOutput, ResearchProject
from topics.models import Topic
from workstreams.models import Goal, WorkStream


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteUrlField(serializers.Field):
    """An absolute address built from a path the record gives, e.g. `get_absolute_url`."""

    def __init__(self, path_of=None, **kwargs):
        self.path_of = path_of or (lambda obj: obj.get_absolute_url())
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        path = self.path_of(value)
        if not path:
            return None
        return self.context["request"].build_absolute_uri(path)


def html_url_field(**kwargs):
    return AbsoluteUrlField(help_text="Address of the public web page.", **kwargs)


def api_url_field(view_name: str):
    return serializers.HyperlinkedIdentityField(
        view_name=view_name, lookup_field="slug", help_text="Address of this record in the API."
    )


class RichTextSerializerField(serializers.CharField):
    """Formatted text as sanitised HTML (publishing.richtext), cleaned again on the way out."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "")
        kwargs["help_text"] = (
            f"{kwargs['help_text']} Sanitised HTML: paragraphs, h3 and h4 headings, strong, em, lists and links."
        ).strip()
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return richtext.clean(value)


class FormattedTextModelSerializer(serializers.ModelSerializer):
    """A model serializer that sends formatted text as sanitised HTML."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        RichTextField: RichTextSerializerField,
    }


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["slug", "name"]


class AudienceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Audience
        fields = ["slug", "name"]


class OrganisationSerializer(serializers.ModelSerializer):
    url = api_url_field("api:organisation-detail")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Organisation
        fields = ["url", "slug", "name", "short_name", "kind", "kind_label", "website", "updated_at"]


class OrganisationSummarySerializer(OrganisationSerializer):
    class Meta(OrganisationSerializer.Meta):
        fields = ["url", "slug", "name", "short_name", "kind", "website"]


class PersonSummarySerializer(serializers.ModelSerializer):
    url = api_url_field("api:person-detail")
    html_url = html_url_field()
    full_name = serializers.CharField(read_only=True)

    class Meta:
        model = Person
        fields = ["url", "html_url", "slug", "full_name", "job_title"]


class WorkStreamSummarySerializer(serializers.ModelSerializer):
    url = api_url_field("api:workstream-detail")
    html_url = html_url_field()

    class Meta:
        model = WorkStream
        fields = ["url", "html_url", "slug", "title"]


class ProgrammeSummarySerializer(serializers.ModelSerializer):
    url = api_url_field("api:programme-detail")
    html_url = html_url_field()

    class Meta:
        model = Programme
        fields = ["url", "html_url", "slug", "title"]


class ResearchProjectSummarySerializer(serializers.ModelSerializer):
    url = api_url_field("api:researchproject-detail")
    html_url = html_url_field()

    class Meta:
        model = ResearchProject
        fields = ["url", "html_url", "slug", "title"]


class IntakeSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    availability = serializers.ChoiceField(
        choices=Availability.choices, read_only=True, help_text="What a learner can do about this intake today."
    )
    availability_label = serializers.CharField(read_only=True)

    class Meta:
        model = Intake
        fields = [
            "id",
            "label",
            "start_date",
            "end_date",
            "applications_open",
            "application_deadline",
            "dates_to_be_confirmed",
            "places",
            "status",
            "status_label",
            "availability",
            "availability_label",
            "location",
            "cost",
        ]


class ProgrammeSerializer(FormattedTextModelSerializer):
    url = api_url_field("api:programme-detail")
    html_url = html_url_field()
    calendar_url = AbsoluteUrlField(
        path_of=lambda programme: reverse("feeds:programme-calendar", kwargs={"slug": programme.slug}),
        help_text="iCalendar feed of this programme's start dates and application deadlines.",
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    study_mode_label = serializers.CharField(source="get_study_mode_display", read_only=True)
    attendance_mode_label = serializers.CharField(source="get_attendance_mode_display", read_only=True)
    duration_display = serializers.CharField(read_only=True, help_text="The duration in words, e.g. 12 months.")
    availability = serializers.ChoiceField(
        choices=Availability.choices,
        read_only=True,
        help_text="The most useful availability among the intakes today (open beats opening soon, and so on).",
    )
    availability_label = serializers.CharField(read_only=True)
    next_start_date = serializers.DateField(
        read_only=True, allow_null=True, help_text="The next start date of an intake that is not cancelled."
    )
    next_deadline = serializers.DateField(
        read_only=True, allow_null=True, help_text="The next application deadline that has not passed."
    )
    intakes = IntakeSerializer(many=True, read_only=True)
    audiences = AudienceSerializer(many=True, read_only=True)
    topics = TopicSerializer(many=True, read_only=True)
    work_streams = WorkStreamSummarySerializer(many=True, read_only=True)
    delivery_partners = OrganisationSummarySerializer(many=True, read_only=True)
    commissioners = OrganisationSummarySerializer(many=True, read_only=True)
    leads = serializers.SerializerMethodField()
    related_programmes = ProgrammeSummarySerializer(many=True, read_only=True)
    progression_to = ProgrammeSummarySerializer(
        many=True, read_only=True, help_text="Programmes a learner can move on to after this one."
    )
    related_research = ResearchProjectSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Programme
        fields = [
            "url",
            "html_url",
            "calendar_url",
            "slug",
            "title",
            "summary",
            "overview",
            "who_for",
            "outcomes",
            "structure",
            "kind",
            "kind_label",
            "qualification",
            "level",
            "level_label",
            "study_mode",
            "study_mode_label",
            "attendance_mode",
            "attendance_mode_label",
            "duration_value",
            "duration_unit",
            "duration_display",
            "location",
            "cohort_size",
            "fees_and_funding",
            "running_since",
            "apply_url",
            "availability",
            "availability_label",
            "next_start_date",
            "next_deadline",
            "intakes",
            "audiences",
            "topics",
            "work_streams",
            "delivery_partners",
            "commissioners",
            "leads",
            "related_programmes",
            "progression_to",
            "related_research",
            "updated_at",
        ]

    @extend_schema_field(PersonSummarySerializer(many=True))
    def get_leads(self, programme):
        people = [role.person for role in programme.lead_roles.all()]
        return PersonSummarySerializer(people, many=True, context=self.context).data


class InvestigatorSerializer(serializers.ModelSerializer):
    person = PersonSummarySerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Investigator
        fields = ["person", "role", "role_label"]


class ResearchOutputSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    link = serializers.CharField(read_only=True, help_text="The output's address: its link, or its DOI resolver.")

    class Meta:
        model = ResearchOutput
        fields = ["title", "kind", "kind_label", "year", "url", "doi", "link"]


class ResearchProjectSerializer(FormattedTextModelSerializer):
    url = api_url_field("api:researchproject-detail")
    html_url = html_url_field()
    status = serializers.ChoiceField(
        source="project_status",
        choices=ProjectStatus.choices,
        read_only=True,
        help_text="Completed once the end date has passed; current otherwise.",
    )
    status_label = serializers.CharField(read_only=True)
    funders = OrganisationSummarySerializer(many=True, read_only=True)
    partners = OrganisationSummarySerializer(many=True, read_only=True)
    investigators = InvestigatorSerializer(source="investigator_roles", many=True, read_only=True)
    work_streams = WorkStreamSummarySerializer(many=True, read_only=True)
    topics = TopicSerializer(many=True, read_only=True)
    outputs = ResearchOutputSerializer(many=True, read_only=True)
    informs_programmes = ProgrammeSummarySerializer(many=True, read_only=True)

    class Meta:
        model = ResearchProject
        fields = [
            "url",
            "html_url",
            "slug",
            "title",
            "summary",
            "description",
            "start_date",
            "end_date",
            "status",
            "status_label",
            "funders",
            "partners",
            "investigators",
            "work_streams",
            "topics",
            "outputs",
            "informs_programmes",
            "updated_at",
        ]


class PersonSerializer(FormattedTextModelSerializer):
    url = api_url_field("api:person-detail")
    html_url = html_url_field()
    full_name = serializers.CharField(read_only=True, help_text="Honorific, given and family name.")
    sort_name = serializers.CharField(read_only=True, help_text="Family name, given name: for A to Z lists.")
    role_kind_label = serializers.CharField(source="get_role_kind_display", read_only=True)
    affiliation = OrganisationSummarySerializer(read_only=True, allow_null=True)
    expertise = TopicSerializer(many=True, read_only=True)
    photo_url = AbsoluteUrlField(
        path_of=lambda person: person.photo.url if person.photo else "", allow_null=True, help_text="Portrait photo."
    )
    orcid_url = serializers.CharField(read_only=True)
    programmes = serializers.SerializerMethodField(help_text="Programmes this person leads.")
    research_projects = serializers.SerializerMethodField(help_text="Research projects this person works on.")
    key_contact_for = serializers.SerializerMethodField(
        help_text="Work streams for which this person is a key contact."
    )

    class Meta:
        model = Person
        fields = [
            "url",
            "html_url",
            "slug",
            "honorific",
            "given_name",
            "family_name",
            "full_name",
            "sort_name",
            "job_title",
            "role_kind",
            "role_kind_label",
            "affiliation",
            "biography",
            "expertise",
            "photo_url",
            "photo_alt",
            "email",
            "phone",
            "orcid",
            "orcid_url",
            "profile_url",
            "programmes",
            "research_projects",
            "key_contact_for",
            "updated_at",
        ]

    @extend_schema_field(ProgrammeSummarySerializer(many=True))
    def get_programmes(self, person):
        programmes = [role.programme for role in person.programme_lead_roles.all()]
        return ProgrammeSummarySerializer(programmes, many=True, context=self.context).data

    @extend_schema_field(ResearchProjectSummarySerializer(many=True))
    def get_research_projects(self, person):
        projects = [role.project for role in person.investigator_roles.all()]
        return ResearchProjectSummarySerializer(projects, many=True, context=self.context).data

    @extend_schema_field(WorkStreamSummarySerializer(many=True))
    def get_key_contact_for(self, person):
        streams = [role.work_stream for role in person.key_contact_roles.all()]
        return WorkStreamSummarySerializer(streams, many=True, context=self.context).data


class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Goal
        fields = ["title", "description"]


class KeyContactSerializer(serializers.Serializer):
    person = PersonSummarySerializer(read_only=True)
    role = serializers.CharField(source="role_label", read_only=True, help_text="e.g. Commissioned programmes.")
    email = serializers.EmailField(source="person.email", read_only=True)
    phone = serializers.CharField(source="person.phone", read_only=True)


class WorkStreamSerializer(FormattedTextModelSerializer):
    url = api_url_field("api:workstream-detail")
    html_url = html_url_field()
    goals = GoalSerializer(many=True, read_only=True)
    focus_areas = TopicSerializer(many=True, read_only=True)
    key_contacts = KeyContactSerializer(source="key_contact_roles", many=True, read_only=True)
    members = serializers.SerializerMethodField()
    programmes = ProgrammeSummarySerializer(many=True, read_only=True)
    research_projects = ResearchProjectSummarySerializer(many=True, read_only=True)

    class Meta:
        model = WorkStream
        fields = [
            "url",
            "html_url",
            "slug",
            "title",
            "summary",
            "body",
            "goals",
            "focus_areas",
            "key_contacts",
            "members",
            "programmes",
            "research_projects",
            "updated_at",
        ]

    @extend_schema_field(PersonSummarySerializer(many=True))
    def get_members(self, work_stream):
        people = [membership.person for membership in work_stream.memberships.all()]
        return PersonSummarySerializer(people, many=True, context=self.context).data

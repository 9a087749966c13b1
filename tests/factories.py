"""factory_boy factories with realistic defaults. Records are published unless a test says otherwise."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from contacts.models import Enquiry
from faculty.models import Person
from organisations.models import Organisation
from programmes.models import (
    DERIVED_INTAKE_AVAILABILITY,
    Audience,
    Intake,
    Programme,
    ProgrammeLead,
    ProgrammePartner,
    refresh_availability_of,
)
from publishing.models import Status
from research.models import Investigator, ProjectOrganisation, ResearchOutput, ResearchProject
from topics.models import Topic
from workstreams.models import Goal, KeyContact, WorkStream, WorkStreamMember


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"NHS Trust {n}")
    short_name = ""
    slug = factory.Sequence(lambda n: f"nhs-trust-{n}")
    kind = Organisation.Kind.NHS_BODY


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    slug = factory.Sequence(lambda n: f"person-{n}")
    job_title = "Senior Fellow"
    role_kind = Person.RoleKind.FACULTY
    email = factory.LazyAttribute(lambda p: f"{p.slug}@example.ac.uk")
    status = Status.PUBLISHED


class WorkStreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkStream

    title = factory.Sequence(lambda n: f"Work stream {n}")
    slug = factory.Sequence(lambda n: f"work-stream-{n}")
    summary = "Research and development for the people who lead health services."
    status = Status.PUBLISHED


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    work_stream = factory.SubFactory(WorkStreamFactory)
    title = factory.Sequence(lambda n: f"Goal {n}")
    description = "What we aim for."


class KeyContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyContact

    work_stream = factory.SubFactory(WorkStreamFactory)
    person = factory.SubFactory(PersonFactory)
    role_label = "Key contact"


class WorkStreamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkStreamMember

    work_stream = factory.SubFactory(WorkStreamFactory)
    person = factory.SubFactory(PersonFactory)


class AudienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audience
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Audience {n}")
    slug = factory.Sequence(lambda n: f"audience-{n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    title = factory.Sequence(lambda n: f"Leadership programme {n}")
    slug = factory.Sequence(lambda n: f"leadership-programme-{n}")
    summary = "A leadership programme for senior health service leaders."
    overview = "Participants build knowledge, capability and effective leadership practice."
    kind = Programme.Kind.OPEN
    level = Programme.Level.PROFESSIONAL
    study_mode = Programme.StudyMode.PART_TIME
    duration_value = 12
    duration_unit = Programme.DurationUnit.MONTHS
    status = Status.PUBLISHED


class IntakeFactory(factory.django.DjangoModelFactory):
    """An intake open for applications: deadline in a month, starting in two."""

    class Meta:
        model = Intake

    programme = factory.SubFactory(ProgrammeFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    end_date = factory.LazyAttribute(lambda i: i.start_date + datetime.timedelta(days=365) if i.start_date else None)
    application_deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    places = 50

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        intake = super()._create(model_class, *args, **kwargs)
        # What every writer of intakes does once it has written them.
        refresh_availability_of(programme_ids={intake.programme_id})
        intake.refresh_from_db(fields=DERIVED_INTAKE_AVAILABILITY)
        return intake


class ProgrammePartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammePartner

    programme = factory.SubFactory(ProgrammeFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = ProgrammePartner.Role.DELIVERY_PARTNER


class ProgrammeLeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeLead

    programme = factory.SubFactory(ProgrammeFactory)
    person = factory.SubFactory(PersonFactory)


class ResearchProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResearchProject

    title = factory.Sequence(lambda n: f"Evaluating leadership development {n}")
    slug = factory.Sequence(lambda n: f"evaluating-leadership-development-{n}")
    summary = "How leadership development changes individuals, organisations and systems."
    start_date = datetime.date(2024, 1, 1)
    status = Status.PUBLISHED


class InvestigatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Investigator

    project = factory.SubFactory(ResearchProjectFactory)
    person = factory.SubFactory(PersonFactory)
    role = Investigator.Role.PRINCIPAL


class ProjectOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectOrganisation

    project = factory.SubFactory(ResearchProjectFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = ProjectOrganisation.Role.FUNDER


class ResearchOutputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResearchOutput

    project = factory.SubFactory(ResearchProjectFactory)
    title = factory.Sequence(lambda n: f"Final report {n}")
    kind = ResearchOutput.Kind.REPORT
    year = 2025


class EnquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enquiry

    name = "Sam Commissioner"
    email = "sam@example.nhs.uk"
    organisation = "Example Integrated Care Board"
    kind = Enquiry.Kind.COMMISSION
    message = "We would like to discuss a leadership programme for a cohort of 50."
    consent = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"editor{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.ac.uk")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery-staple")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*extracted)
        if create:
            self.save()


def create_many(factory_class, size: int, **kwargs) -> list:
    """`size` records in one INSERT: for query-count tests that need hundreds of rows quickly.

    Bypasses save() and signals (so no history rows); SubFactory fields must be passed in saved.
    """
    model = factory_class._meta.model
    return model.objects.bulk_create(factory_class.build_batch(size, **kwargs))

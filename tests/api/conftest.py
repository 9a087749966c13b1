import datetime

import pytest
from django.utils import timezone

from publishing.models import Status
from tests.factories import (
    AudienceFactory,
    IntakeFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    ProgrammeLeadFactory,
    ProgrammePartnerFactory,
    ResearchProjectFactory,
    TopicFactory,
    WorkStreamFactory,
)


@pytest.fixture
def catalogue(db):
    """A small published catalogue with a draft or a future-dated record beside each published one."""
    future = timezone.now() + datetime.timedelta(days=7)
    stream = WorkStreamFactory(title="Leadership and management", slug="leadership-and-management")
    draft_stream = WorkStreamFactory(title="Secret stream", slug="secret-stream", status=Status.DRAFT)
    doctors = AudienceFactory(name="Doctors", slug="doctors")
    topic = TopicFactory(name="Medical leadership", slug="medical-leadership")
    partner = OrganisationFactory(name="Alliance Manchester Business School", short_name="AMBS", slug="ambs")
    heewm = OrganisationFactory(name="Health Education England West Midlands", short_name="HEEWM", slug="heewm")
    hidden_partner = OrganisationFactory(name="Unannounced Trust", slug="unannounced-trust")

    masters = ProgrammeFactory(
        title="MSc Health Services Management",
        slug="msc-health-services-management",
        kind="taught_masters",
        level="postgraduate",
        qualification="MSc Health Services Management",
    )
    masters.audiences.add(doctors)
    masters.topics.add(topic)
    masters.work_streams.add(stream, draft_stream)
    IntakeFactory(programme=masters, label="September cohort")
    ProgrammePartnerFactory(programme=masters, organisation=partner)
    ProgrammePartnerFactory(programme=masters, organisation=heewm, role="commissioner")
    lead = PersonFactory(given_name="Mark", family_name="Exworthy", slug="mark-exworthy")
    ProgrammeLeadFactory(programme=masters, person=lead)
    ProgrammeLeadFactory(programme=masters, person=PersonFactory(slug="draft-person", status=Status.DRAFT))

    short = ProgrammeFactory(title="Leading change", slug="leading-change", kind="short_course")
    draft = ProgrammeFactory(title="Secret draft programme", slug="secret-draft", status=Status.DRAFT)
    scheduled = ProgrammeFactory(title="Scheduled programme", slug="scheduled", publish_from=future)
    ProgrammePartnerFactory(programme=draft, organisation=hidden_partner)
    masters.related_programmes.add(short, draft)
    masters.progression_to.add(scheduled)

    project = ResearchProjectFactory(title="Evaluating medical leadership", slug="evaluating-medical-leadership")
    project.informs_programmes.add(masters, draft)
    draft_project = ResearchProjectFactory(title="Secret project", slug="secret-project", status=Status.DRAFT)
    draft_project.informs_programmes.add(masters)
    return {
        "masters": masters,
        "short": short,
        "draft": draft,
        "scheduled": scheduled,
        "stream": stream,
        "draft_stream": draft_stream,
        "lead": lead,
        "partner": partner,
        "heewm": heewm,
        "hidden_partner": hidden_partner,
        "project": project,
        "draft_project": draft_project,
        "topic": topic,
        "doctors": doctors,
    }

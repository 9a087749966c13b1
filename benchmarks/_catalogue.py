"""A large, realistic-looking catalogue for render benchmarks, created with bulk inserts.

`seed_catalogue()` needs a configured Django and an empty, migrated database. Everything it makes is
published, with intakes spread around today so every availability state appears.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

WORDS = (
    "Systems leadership",
    "Medical leadership",
    "Clinical leadership",
    "Integrated care",
    "Patient leadership",
    "Quality improvement",
    "Organisational development",
    "Health economics",
    "Public health",
    "Commissioning",
    "Workforce planning",
    "Digital transformation",
    "Governance",
    "Population health",
    "Emerging leaders",
    "Executive leadership",
)
SHAPES = ("in practice", "for senior leaders", "programme", "masterclass", "fellowship", "for the front line")


@dataclass
class Seeded:
    programmes: list
    people: list
    projects: list
    work_streams: list
    audiences: list
    organisations: list


def seed_catalogue(
    *, programmes: int = 1000, people: int = 300, projects: int = 500, work_streams: int = 8, seed: int = 4
) -> Seeded:
    from django.utils import timezone

    from faculty.models import Person
    from organisations.models import Organisation
    from programmes.models import (
        Audience,
        Intake,
        Programme,
        ProgrammeLead,
        ProgrammePartner,
        refresh_stale_availability,
    )
    from publishing.models import Status
    from research.models import Investigator, ProjectOrganisation, ResearchOutput, ResearchProject
    from topics.models import Topic
    from workstreams.models import Goal, KeyContact, WorkStream, WorkStreamMember

    rng = random.Random(seed)
    today = timezone.localdate()
    published = Status.PUBLISHED

    topics = Topic.objects.bulk_create(Topic(name=name, slug=name.lower().replace(" ", "-")) for name in WORDS)
    audiences = Audience.objects.bulk_create(
        Audience(name=name, slug=name.lower().replace(" ", "-"), order=index)
        for index, name in enumerate(
            ["Doctors", "Nurses", "Senior leaders", "Medical students", "Managers", "Allied health professionals"]
        )
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Partner organisation {n}",
            short_name=f"PO{n}",
            slug=f"partner-organisation-{n}",
            kind=rng.choice(Organisation.Kind.values),
            website=f"https://partner{n}.example.org/",
        )
        for n in range(60)
    )
    streams = WorkStream.objects.bulk_create(
        WorkStream(
            title=f"{WORDS[n % len(WORDS)]} work stream {n}",
            slug=f"work-stream-{n}",
            summary="Research, teaching and development for the people who lead health and care services.",
            body="Why this work matters and what the centre does.\n\n" * 3,
            status=published,
            order=n,
        )
        for n in range(work_streams)
    )
    people_rows = Person.objects.bulk_create(
        Person(
            honorific=rng.choice(["", "Dr", "Professor"]),
            given_name=f"Given{n}",
            family_name=f"Family{n:03d}",
            slug=f"person-{n}",
            job_title=rng.choice(["Senior Fellow", "Professor of Health Policy", "Associate", "Visiting Professor"]),
            role_kind=rng.choice(Person.RoleKind.values),
            affiliation=rng.choice([None, *organisations[:10]]),
            biography="Works on leadership and management in health services.\n\n" * 4,
            email=f"person{n}@example.ac.uk",
            phone="+44 121 414 0000",
            status=published,
        )
        for n in range(people)
    )
    programme_rows = []
    for n in range(programmes):
        unit = rng.choice(Programme.DurationUnit.values)
        programme_rows.append(
            Programme(
                title=f"{rng.choice(WORDS)} {rng.choice(SHAPES)} {n}",
                slug=f"programme-{n}",
                summary="A programme for health service leaders who want to lead change with evidence and confidence.",
                overview="What the programme is and why it matters.\n\n" * 4,
                who_for="Leaders in provider, commissioning and policy roles.",
                outcomes="Participants lead change with confidence.",
                structure="Residential modules, action learning and a workplace project.",
                kind=rng.choice(Programme.Kind.values),
                qualification=rng.choice(["", "", "MSc Health Services Management", "Postgraduate Certificate"]),
                level=rng.choice(Programme.Level.values),
                study_mode=rng.choice(Programme.StudyMode.values),
                attendance_mode=rng.choice(Programme.AttendanceMode.values),
                duration_value=rng.randint(1, 24),
                duration_unit=unit,
                location=rng.choice(["Birmingham", "Online", "Birmingham and online"]),
                cohort_size=rng.choice([None, 20, 30, 50]),
                fees_and_funding=rng.choice(["", "Funded by the commissioner.", "£2,500"]),
                running_since=rng.choice([None, 2010, 2014, 2020]),
                apply_url=rng.choice(["", "https://apply.example.ac.uk/"]),
                status=published,
            )
        )
    programme_rows = Programme.objects.bulk_create(programme_rows)

    intakes = []
    for programme in programme_rows:
        for _ in range(rng.randint(1, 4)):
            start = today + datetime.timedelta(days=rng.randint(-500, 400))
            intakes.append(
                Intake(
                    programme=programme,
                    start_date=start,
                    end_date=start + datetime.timedelta(days=rng.randint(1, 360)),
                    applications_open=start - datetime.timedelta(days=rng.randint(60, 120)),
                    application_deadline=start - datetime.timedelta(days=rng.randint(7, 50)),
                    places=rng.choice([None, 20, 50]),
                    status=rng.choice(["scheduled"] * 8 + ["full", "cancelled"]),
                    dates_to_be_confirmed=rng.random() < 0.05,
                )
            )
    Intake.objects.bulk_create(intakes)
    refresh_stale_availability()  # once for every programme and intake just inserted

    partnerships, leads, audience_links, topic_links, stream_links, related_links = [], [], [], [], [], []
    for programme in programme_rows:
        for organisation in rng.sample(organisations, rng.randint(0, 3)):
            role = rng.choice(ProgrammePartner.Role.values)
            partnerships.append(ProgrammePartner(programme=programme, organisation=organisation, role=role))
        for person in rng.sample(people_rows, rng.randint(1, 3)):
            leads.append(ProgrammeLead(programme=programme, person=person))
        for audience in rng.sample(audiences, rng.randint(1, 3)):
            audience_links.append(Programme.audiences.through(programme=programme, audience=audience))
        for topic in rng.sample(topics, rng.randint(1, 3)):
            topic_links.append(Programme.topics.through(programme=programme, topic=topic))
        for stream in rng.sample(streams, rng.randint(1, 2)):
            stream_links.append(Programme.work_streams.through(programme=programme, workstream=stream))
        for other in rng.sample(programme_rows, 3):
            if other.pk != programme.pk:
                related_links.append(Programme.related_programmes.through(from_programme=programme, to_programme=other))
                related_links.append(Programme.related_programmes.through(from_programme=other, to_programme=programme))
    ProgrammePartner.objects.bulk_create(partnerships, ignore_conflicts=True)
    ProgrammeLead.objects.bulk_create(leads, ignore_conflicts=True)
    Programme.audiences.through.objects.bulk_create(audience_links, ignore_conflicts=True)
    Programme.topics.through.objects.bulk_create(topic_links, ignore_conflicts=True)
    Programme.work_streams.through.objects.bulk_create(stream_links, ignore_conflicts=True)
    Programme.related_programmes.through.objects.bulk_create(related_links, ignore_conflicts=True)

    project_rows = []
    for n in range(projects):
        start = today - datetime.timedelta(days=rng.randint(30, 3000))
        project_rows.append(
            ResearchProject(
                title=f"Evaluating {rng.choice(WORDS).lower()} {n}",
                slug=f"project-{n}",
                summary="How leadership development changes individuals, organisations and systems.",
                description="What we studied, how and what we found.\n\n" * 4,
                start_date=start,
                end_date=rng.choice([None, start + datetime.timedelta(days=rng.randint(180, 1500))]),
                status=published,
            )
        )
    project_rows = ResearchProject.objects.bulk_create(project_rows)
    investigators, project_orgs, outputs, informs, project_streams = [], [], [], [], []
    for project in project_rows:
        for person in rng.sample(people_rows, rng.randint(1, 4)):
            investigators.append(
                Investigator(project=project, person=person, role=rng.choice(Investigator.Role.values))
            )
        for organisation in rng.sample(organisations, rng.randint(1, 3)):
            project_orgs.append(
                ProjectOrganisation(
                    project=project, organisation=organisation, role=rng.choice(ProjectOrganisation.Role.values)
                )
            )
        for index in range(rng.randint(0, 4)):
            outputs.append(ResearchOutput(project=project, title=f"Output {index} of {project.title}", year=2024))
        for programme in rng.sample(programme_rows, rng.randint(0, 3)):
            informs.append(ResearchProject.informs_programmes.through(researchproject=project, programme=programme))
        for stream in rng.sample(streams, rng.randint(1, 2)):
            project_streams.append(ResearchProject.work_streams.through(researchproject=project, workstream=stream))
    Investigator.objects.bulk_create(investigators, ignore_conflicts=True)
    ProjectOrganisation.objects.bulk_create(project_orgs, ignore_conflicts=True)
    ResearchOutput.objects.bulk_create(outputs)
    ResearchProject.informs_programmes.through.objects.bulk_create(informs, ignore_conflicts=True)
    ResearchProject.work_streams.through.objects.bulk_create(project_streams, ignore_conflicts=True)

    goals, members, contacts = [], [], []
    for stream in streams:
        goals.extend(
            Goal(work_stream=stream, title=f"Goal {n}", description="What we aim for.", order=n) for n in range(4)
        )
        for person in rng.sample(people_rows, 30):
            members.append(WorkStreamMember(work_stream=stream, person=person))
        for person in rng.sample(people_rows, 2):
            contacts.append(KeyContact(work_stream=stream, person=person, role_label="Key contact"))
    Goal.objects.bulk_create(goals)
    WorkStreamMember.objects.bulk_create(members, ignore_conflicts=True)
    KeyContact.objects.bulk_create(contacts, ignore_conflicts=True)

    return Seeded(programme_rows, people_rows, project_rows, streams, audiences, organisations)

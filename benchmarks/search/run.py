"""Search benchmark: 10,000 programmes, 2,000 people and 2,000 research projects, on PostgreSQL or SQLite.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hsmc_search .venv/bin/python benchmarks/search/run.py
    DATABASE_URL=sqlite:////tmp/hsmc_search.sqlite3 .venv/bin/python benchmarks/search/run.py

It creates a throwaway database next to the one DATABASE_URL names (`<name>_search_bench`, dropped at the
end; on SQLite a file beside it), seeds it with bulk inserts (varied, realistic text; one in ten records a
draft; the seed page's own programmes and people among them), builds the index with `rebuild_index()`,
then sends 200 varied queries through the search view with Django's test client and prints the median
and 95th percentile, the suggestions endpoint's figures, whether the seed page's queries still find
their target first at this size, and the query plan of a typical query. Then typo tolerance: the same 100 searches spelt
right and with one or two slips, and the spelling correction step alone. Targets: 95th percentile under
50 ms on PostgreSQL and under 100 ms on SQLite; correction adds at most 10 ms at the 95th percentile.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VENV_PYTHON = PROJECT_ROOT / ".venv" / "bin" / "python"

WORDS = """
leadership management governance improvement quality safety commissioning integration population health
clinical medical nursing primary community acute mental social care workforce finance strategy policy
evaluation evidence research practice coaching mentoring resilience compassion culture change transformation
digital data analytics innovation partnership collaboration system organisational development learning
teams board executive senior emerging aspiring frontline patient public engagement equality inclusion
diversity wellbeing performance accountability regulation economics budgeting planning operations
procurement estates pharmacy dentistry midwifery paramedic therapy rehabilitation prevention screening
commissioners providers hospitals trusts networks alliances neighbourhoods localities regions national
""".split()
TOPICS = [
    "Systems leadership", "Medical leadership", "Clinical leadership", "Integrated care", "Patient leadership",
    "Quality improvement", "Organisational development", "Health economics", "Public health", "Commissioning",
    "Workforce planning", "Digital transformation", "Governance", "Population health", "Emerging leaders",
    "Executive leadership", "Mental health services", "Primary care networks", "Health inequalities",
    "Social care", "Patient safety", "Coaching and mentoring", "Financial management", "Evaluation methods",
]  # fmt: skip
SHAPES = [
    "in practice", "for senior leaders", "programme", "masterclass", "fellowship", "for the front line",
    "for doctors", "for nurses", "development programme", "short course", "MSc", "postgraduate certificate",
]  # fmt: skip
KINDS_OF_ORGANISATION = ["NHS Trust", "Health Partnership", "University", "ICB"]
GIVEN = """Amelia Oliver Isla George Ava Noah Mia Arthur Ivy Leo Freya Oscar Lily Harry Florence Muhammad Willow
Jack Rosie Charlie Sophia Thomas Grace Henry Evie Alfie Poppy Theo Ella Archie Priya Rahul Aisha Tariq Chen
Mei Kofi Amara Siobhan Niamh Rhys Bethan Callum Eilidh Zoë Anaïs Józef Björn""".split()
FAMILY = """Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright Thompson Evans Walker
White Roberts Green Hall Wood Jackson Clarke Khan Ahmed Ali Singh Hughes Edwards Lewis Harris Martin Cooper
Ward Morris Turner Hill Scott Moore Kaur Begum Okafor Mensah Nowak Kowalski Murphy Kelly O'Brien""".split()

SEED_PROGRAMMES = [
    ("Elizabeth Garrett Anderson programme", "elizabeth garrett"),
    ("Nye Bevan programme", "nye bevan"),
    ("Aspiring Healthcare Leaders", "aspiring leaders"),
    ("Medical Leadership in Practice", "medical leadership"),
    ("Inter-calated course in Health management and Leadership", "intercalated"),
]


def use_project_venv() -> None:
    if VENV_PYTHON.exists() and Path(sys.prefix).resolve() != (PROJECT_ROOT / ".venv").resolve():
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *sys.argv])


def setup_django() -> None:
    sys.path.insert(0, str(PROJECT_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hsmc_site.settings")
    # DEBUG would keep every SQL statement in memory and time the logging of it.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


FUNCTION_WORDS = """the of and to in for with a on is that by as are from this at be our their who an it which will
we have has can all into more how its across through""".split()
GENERAL = """people work year time service services support local national new care staff experience approach
programme programmes course learning skills knowledge practice role roles group groups project projects impact
outcomes participants organisations organisation needs future current different range level levels key area
areas way ways help make focus based within between including part process processes model models understanding
information development report study studies design delivery network evidence review results findings cost costs
""".split()
SYLLABLES = "ka ri mo len tar vi sel dro pan ul ex ba cor fin ma tes lo ver nad qui zem ho gal bri tun".split()


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Words ranked like real English text (Zipf): function words first, then the domain and general
    words mixed, then a long tail of rare words; with the cumulative weights to draw them by."""
    common = WORDS + GENERAL
    rng.shuffle(common)
    rare = sorted({"".join(rng.choice(SYLLABLES) for _ in range(3)) for _ in range(4000)})
    words = FUNCTION_WORDS + common + rare
    cumulative, total = [], 0.0
    for rank in range(len(words)):
        total += 1 / (rank + 1) ** 1.07
        cumulative.append(total)
    return words, cumulative


class Writer:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.words, self.cumulative = vocabulary(rng)

    def sentence(self, low: int, high: int) -> str:
        count = self.rng.randint(low, high)
        return " ".join(self.rng.choices(self.words, cum_weights=self.cumulative, k=count)).capitalize() + "."

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence(8, 18) for _ in range(sentences))


def seed(*, programmes: int, people: int, projects: int, rng: random.Random) -> dict:
    from django.utils import timezone

    from faculty.models import Person
    from organisations.models import Organisation
    from programmes.models import Audience, Programme, ProgrammeLead, ProgrammePartner
    from publishing.models import Status
    from research.models import Investigator, ProjectOrganisation, ResearchProject
    from topics.models import Topic
    from workstreams.models import WorkStream

    writer = Writer(rng)
    sentence, paragraph = writer.sentence, writer.paragraph

    def status() -> str:
        return Status.DRAFT if rng.random() < 0.1 else Status.PUBLISHED

    topics = Topic.objects.bulk_create(Topic(name=name, slug=f"topic-{n}") for n, name in enumerate(TOPICS))
    audiences = Audience.objects.bulk_create(
        Audience(name=name, slug=f"audience-{n}")
        for n, name in enumerate(["Doctors", "Nurses", "Senior leaders", "Medical students", "Managers"])
    )
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(name="Harvard University", slug="harvard-university", kind="university"),
            Organisation(name="NHS Leadership Academy", slug="nhs-leadership-academy", kind="leadership_academy"),
            *(
                Organisation(
                    name=f"{rng.choice(FAMILY)} {rng.choice(KINDS_OF_ORGANISATION)} {n}",
                    short_name=f"ORG{n}",
                    slug=f"organisation-{n}",
                    kind=rng.choice(Organisation.Kind.values),
                )
                for n in range(200)
            ),
        ]
    )
    streams = WorkStream.objects.bulk_create(
        WorkStream(
            title=f"{rng.choice(TOPICS)} work stream {n}",
            slug=f"work-stream-{n}",
            summary=sentence(10, 16)[:160],
            body=paragraph(8),
            status=Status.PUBLISHED,
        )
        for n in range(12)
    )
    named = [("Belinda", "Weir", "Senior Fellow", None), ("John", "Mcdonough", "Visiting Professor", organisations[0])]
    person_rows = named + [
        (
            rng.choice(GIVEN),
            rng.choice(FAMILY),
            rng.choice(["Senior Fellow", "Professor", "Lecturer", "Associate"]),
            None,
        )
        for _ in range(people - len(named))
    ]
    persons = Person.objects.bulk_create(
        Person(
            given_name=given,
            family_name=family,
            slug=f"person-{n}",
            job_title=job,
            affiliation=affiliation or (rng.choice(organisations) if rng.random() < 0.2 else None),
            biography=paragraph(rng.randint(2, 6)),
            status=Status.PUBLISHED if n < len(named) else status(),
        )
        for n, (given, family, job, affiliation) in enumerate(person_rows)
    )
    titles = [title for title, _ in SEED_PROGRAMMES] + [
        f"{rng.choice(TOPICS)} {rng.choice(SHAPES)} {n}" for n in range(programmes - len(SEED_PROGRAMMES))
    ]
    now = timezone.now()
    made = Programme.objects.bulk_create(
        (
            Programme(
                title=title,
                slug=f"programme-{n}",
                summary=sentence(10, 20)[:160],
                overview=paragraph(rng.randint(4, 9)),
                who_for=sentence(8, 16),
                outcomes=paragraph(2),
                structure=paragraph(2),
                kind=rng.choice(Programme.Kind.values),
                level=rng.choice(Programme.Level.values),
                location=rng.choice(["Birmingham", "Online", "West Midlands", "London", "Manchester"]),
                status=Status.PUBLISHED if n < len(SEED_PROGRAMMES) else status(),
                publish_from=now + timezone.timedelta(days=30) if rng.random() < 0.02 else None,
            )
            for n, title in enumerate(titles)
        ),
        batch_size=2000,
    )
    ProgrammePartner.objects.bulk_create(
        (
            ProgrammePartner(
                programme=programme, organisation=organisation, role=rng.choice(["partner", "commissioner"])
            )
            for programme in made
            for organisation in rng.sample(organisations, rng.randint(0, 3))
        ),
        batch_size=5000,
    )
    ProgrammeLead.objects.bulk_create(
        (
            ProgrammeLead(programme=programme, person=person)
            for programme in made
            for person in rng.sample(persons, rng.randint(1, 2))
        ),
        batch_size=5000,
    )
    for field, choices, most in (("topics", topics, 3), ("audiences", audiences, 2), ("work_streams", streams, 1)):
        through = getattr(Programme, field).through
        target = getattr(Programme, field).field.m2m_reverse_field_name()
        through.objects.bulk_create(
            (
                through(programme=programme, **{target: item})
                for programme in made
                for item in rng.sample(choices, rng.randint(1, most))
            ),
            batch_size=5000,
        )
    research = ResearchProject.objects.bulk_create(
        (
            ResearchProject(
                title=f"{sentence(3, 7)[:-1]}: a study of {rng.choice(TOPICS).lower()}",
                slug=f"project-{n}",
                summary=sentence(10, 20)[:160],
                description=paragraph(rng.randint(3, 8)),
                status=status(),
            )
            for n in range(projects)
        ),
        batch_size=2000,
    )
    Investigator.objects.bulk_create(
        (
            Investigator(project=project, person=person)
            for project in research
            for person in rng.sample(persons, rng.randint(1, 3))
        ),
        batch_size=5000,
    )
    ProjectOrganisation.objects.bulk_create(
        (
            ProjectOrganisation(project=project, organisation=organisation)
            for project in research
            for organisation in rng.sample(organisations, rng.randint(0, 2))
        ),
        batch_size=5000,
    )
    return {"programmes": made, "people": persons, "projects": research}


def misspell(word: str, rng: random.Random) -> str:
    index = rng.randrange(1, len(word) - 1)
    return word[:index] + word[index + 1 :]


def queries(rng: random.Random, seeded: dict, count: int) -> list[dict]:
    people = [person for person in seeded["people"] if person.status == "published"]
    long_words = [word for word in WORDS if len(word) >= 7]
    makers = [
        lambda: {"q": rng.choice(WORDS)},
        lambda: {"q": f"{rng.choice(WORDS)} {rng.choice(WORDS)}"},
        lambda: {"q": rng.choice(TOPICS).lower()},
        lambda: {"q": f"{rng.choice(TOPICS)} {rng.choice(SHAPES)}"},
        lambda: {"q": rng.choice(people).family_name},
        lambda: {"q": f"{(person := rng.choice(people)).given_name} {person.family_name}"},
        lambda: {"q": misspell(rng.choice(long_words), rng)},
        lambda: {"q": f"{misspell(rng.choice(long_words), rng)} for {rng.choice(['doctors', 'nurses'])}"},
        lambda: {"q": rng.choice(WORDS), "type": rng.choice(["programme", "person", "project"])},
        lambda: {"q": rng.choice(WORDS), "page": rng.randint(2, 5)},
        lambda: {"q": rng.choice(["astrophysics", "quantum chromodynamics", "xylophone", "zzzz"])},
        lambda: {"q": rng.choice([query for _, query in SEED_PROGRAMMES] + ["harvard", "belinda", "leadrship"])},
    ]
    return [rng.choice(makers)() for _ in range(count)]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Timer:
    """Wall-clock time of a request, and the CPU time it cost in this process and the database backend.

    Other work on the machine stretches wall-clock time; CPU time (from /proc/<pid>/schedstat, in
    nanoseconds, when PostgreSQL runs on this host) shows what the request itself costs.
    """

    def __init__(self, connection):
        self.stat = None  # SQLite runs inside this process: its CPU time is this process's
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.stat = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")

    def backend_cpu(self) -> float:
        if self.stat is None:
            return 0.0
        try:
            return int(self.stat.read_text().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            return float("nan")

    def __call__(self, client, url: str, params: dict) -> tuple[float, float]:
        wall, cpu, backend = time.perf_counter(), time.process_time(), self.backend_cpu()
        response = client.get(url, params)
        wall = (time.perf_counter() - wall) * 1000
        cpu = (time.process_time() - cpu + self.backend_cpu() - backend) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} {params} answered {response.status_code}")
        return wall, cpu


def report(label: str, timings: list[tuple[float, float]]) -> None:
    wall, cpu = [t[0] for t in timings], [t[1] for t in timings]
    print(f"{label}:")
    print(f"  wall clock: median {statistics.median(wall):.1f} ms, 95th percentile {percentile(wall, 0.95):.1f} ms, "
          f"max {max(wall):.1f} ms")  # fmt: skip
    print(f"  CPU (Django + database): median {statistics.median(cpu):.1f} ms, "
          f"95th percentile {percentile(cpu, 0.95):.1f} ms")  # fmt: skip


def typo_report(rng, client, timed, url, backend, correct, with_synonyms, parse) -> None:
    """The same searches spelt right and with slips, through the page; and the correction step alone."""
    long_words = [word for word in WORDS if len(word) >= 7]
    right = [f"{rng.choice(long_words)} {rng.choice(TOPICS).split()[0].lower()}" for _ in range(100)]
    slipped = [" ".join(slip(word, rng) if len(word) >= 5 else word for word in query.split()) for query in right]
    print("\nTypo tolerance: 100 two-word queries, spelt right and then with one or two slips in each word")
    report("  Spelt right", [timed(client, url, {"q": query}) for query in right])
    report("  With slips (corrected)", [timed(client, url, {"q": query}) for query in slipped])
    exact = [timed(client, url, {"q": query, "spelling": "exact"}) for query in slipped]
    report("  With slips, searched exactly as typed", exact)
    step = []
    fixed = 0
    for query in slipped:
        started = time.perf_counter()
        corrected = correct(with_synonyms(parse(query)), backend)
        step.append((time.perf_counter() - started) * 1000)
        fixed += bool(corrected.corrections)
    print(f"  The correction step alone: median {statistics.median(step):.1f} ms, 95th percentile "
          f"{percentile(step, 0.95):.1f} ms (target: at most 10 ms); {fixed} of 100 queries corrected")  # fmt: skip


def slip(word: str, rng: random.Random) -> str:
    """One or two of the slips people make: a letter missing, doubled, wrong, or two swapped."""
    for _ in range(rng.choice([1, 1, 2])):
        index = rng.randrange(1, len(word) - 1)
        kind = rng.choice(["missing", "doubled", "wrong", "swapped"])
        if kind == "missing":
            word = word[:index] + word[index + 1 :]
        elif kind == "doubled":
            word = word[:index] + word[index] + word[index:]
        elif kind == "wrong":
            word = word[:index] + rng.choice("aeioust") + word[index + 1 :]
        else:
            word = word[: index - 1] + word[index] + word[index - 1] + word[index + 1 :]
    return word


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programmes", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--projects", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database for a closer look")
    args = parser.parse_args()

    use_project_venv()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "sqlite://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL or SQLite database; the benchmark makes one beside it.")
    setup_django()

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from search.backends import get_backend
    from search.indexing import rebuild_index
    from search.query import parse
    from search.selectors import search
    from search.spelling import correct
    from search.synonyms import with_synonyms

    database = settings.DATABASES["default"]
    database["TEST"]["NAME"] = f"{database['NAME']}_search_bench"
    target = 50 if connection.vendor == "postgresql" else 100
    original_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        rng = random.Random(5)
        started = time.perf_counter()
        seeded = seed(programmes=args.programmes, people=args.people, projects=args.projects, rng=rng)
        print(f"Seeded {args.programmes} programmes, {args.people} people, {args.projects} projects "
              f"in {time.perf_counter() - started:.1f} s (bulk inserts).")  # fmt: skip
        started = time.perf_counter()
        counts = rebuild_index()
        print(f"Indexed {sum(counts.values())} documents in {time.perf_counter() - started:.1f} s: {counts}")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        version = connection.Database.sqlite_version if connection.vendor == "sqlite" else connection.pg_version
        print(f"Database: {connection.vendor} {version}")

        client = Client()
        timed = Timer(connection)
        url = reverse("search:results")
        workload = queries(rng, seeded, args.queries)
        for params in workload[:20]:  # warm caches and connections
            timed(client, url, params)
        with open("/proc/loadavg") as loadavg:
            load = loadavg.read().split()[0]
        print(f"\nLoad average before timing: {load} on {os.cpu_count()} CPUs (target: 95th percentile < {target} ms)")
        report(
            f"Search page, {len(workload)} varied queries through the view (Django test client)",
            [timed(client, url, params) for params in workload],
        )
        suggest_url = reverse("search:suggest")
        prefixes = [{"q": rng.choice(WORDS)[: rng.randint(3, 6)]} for _ in range(args.queries)]
        report(f"Suggestions, {len(prefixes)} prefixes", [timed(client, suggest_url, params) for params in prefixes])

        print("\nThe seed page's queries among this many records (position of the target in the results):")
        for query, target in [(q, t) for t, q in SEED_PROGRAMMES] + [
            ("harvard", "John Mcdonough"),
            ("belinda", "Belinda Weir"),
        ]:
            found = [hit.title for hit in search(query)[0:50]]
            position = found.index(target) + 1 if target in found else None
            print(f"  {query!r:22} {target}: {position or 'not in the first 50'}")
        first = search("leadrship")[0:1]
        print(f"  {'leadrship'!r:22} first result: {first[0].title if first else '(nothing)'}")

        backend = get_backend()
        typo_report(rng, client, timed, url, backend, correct, with_synonyms, parse)

        typical = parse("medical leadership")
        if connection.vendor == "postgresql":
            sql, params = backend.counts_and_page_sql(typical, kind=None, start=0, stop=20)
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            print("\nEXPLAIN ANALYZE of a typical query ('medical leadership': counts by type and the first page):")
        else:
            plan = backend.documents(typical)[:20].explain()
            print("\nEXPLAIN QUERY PLAN of a typical query ('medical leadership', the first page):")
        print(plan)
    finally:
        if args.keep:
            print(f"\nKept the database {connection.settings_dict['NAME']}.")
        else:
            connection.creation.destroy_test_db(original_name, verbosity=0)


if __name__ == "__main__":
    main()

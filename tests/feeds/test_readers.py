"""The feeds as their readers take them: feedparser for Atom, icalendar's validation and vobject for
calendars, over text with every C0 control character and markup in it (issue 18, items 1, 2, 4 and 5)."""

import datetime

import feedparser
import icalendar
import pytest
import vobject
from django.urls import reverse

from programmes.models import Programme
from research.models import ResearchProject
from tests.factories import IntakeFactory, ProgrammeFactory, ResearchProjectFactory

pytestmark = pytest.mark.django_db

# Every C0 control character but tab and newlines, and but NUL, which PostgreSQL cannot store at all.
EVERY_C0 = "".join(chr(code) for code in range(1, 0x20) if chr(code) not in "\t\n\r")
FEEDS = ["feeds:programmes-atom", "feeds:research-atom"]


def test_control_characters_typed_into_a_record_are_not_stored():
    programme = ProgrammeFactory(summary="A line\x0bbreak from Word\x0c", title="Leading\x01 change")
    intake = IntakeFactory(programme=programme, cost="£2,500\x1b incl. VAT")

    programme.refresh_from_db()
    intake.refresh_from_db()
    assert (programme.title, programme.summary) == ("Leading change", "A linebreak from Word")
    assert intake.cost == "£2,500 incl. VAT"


@pytest.mark.parametrize("feed", FEEDS)
def test_atom_feeds_survive_control_characters_already_stored(client, feed):
    programme = ProgrammeFactory(title="Programme with stored junk")
    project = ResearchProjectFactory(title="Project with stored junk")
    # Rows saved before the rule, written around CleanTextModel.save: the feed must still be XML.
    Programme.objects.filter(pk=programme.pk).update(summary=f"Pasted{EVERY_C0} from Word")
    ResearchProject.objects.filter(pk=project.pk).update(title=f"Project\x0c with stored junk{EVERY_C0}")

    response = client.get(reverse(feed))

    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries
    for entry in parsed.entries:
        assert not any(character in entry.title + entry.get("summary", "") for character in EVERY_C0)


def test_atom_summaries_and_titles_are_text_so_markup_reaches_readers_as_characters(client):
    ProgrammeFactory(title="Leading <i>change</i> & more", summary="Typed <script>alert(1)</script> and <i>this</i>.")

    response = client.get(reverse("feeds:programmes-atom"))

    parsed = feedparser.parse(response.content)
    assert not parsed.bozo
    [entry] = parsed.entries
    assert entry.summary_detail.type == "text/plain"
    assert entry.title_detail.type == "text/plain"
    assert entry.summary == "Typed <script>alert(1)</script> and <i>this</i>."
    assert entry.title == "Leading <i>change</i> & more"
    assert b'type="html"' not in response.content


def calendar(client, url) -> tuple[icalendar.Calendar, object]:
    response = client.get(url)
    assert response.status_code == 200
    parsed = icalendar.Calendar.from_ical(response.content)
    parsed.validate()  # raises when a required property or component is missing
    return parsed, vobject.readOne(response.content.decode())


def test_calendar_names_with_commas_and_semicolons_stay_whole(client):
    programme = ProgrammeFactory(title="Leading, improving; caring", slug="leading-improving-caring")
    IntakeFactory(programme=programme, start_date=datetime.date.today() + datetime.timedelta(days=40))

    parsed, read = calendar(client, reverse("feeds:programme-calendar", args=[programme.slug]))

    assert read.contents["x-wr-calname"][0].value == "Leading, improving; caring: dates"
    assert read.contents["name"][0].value == "Leading, improving; caring: dates"
    assert "Leading, improving; caring" in read.contents["x-wr-caldesc"][0].value
    assert parsed.walk("VEVENT")


def test_a_calendar_with_no_dates_is_still_valid_and_says_why(client):
    programme = ProgrammeFactory(title="No dates yet", slug="no-dates-yet")  # dates to be confirmed

    parsed, read = calendar(client, reverse("feeds:programme-calendar", args=[programme.slug]))
    catalogue, _ = calendar(client, reverse("feeds:calendar"))

    assert not parsed.walk("VEVENT")  # no invented event in anyone's calendar grid
    [journal] = parsed.walk("VJOURNAL")
    assert journal["SUMMARY"] == "Dates to be confirmed"
    assert programme.get_absolute_url() in str(journal["URL"])
    assert read.vjournal.summary.value == "Dates to be confirmed"
    assert catalogue.walk("VJOURNAL")  # the catalogue-wide feed stays subscribable too


def test_a_calendar_with_dates_has_no_placeholder(client):
    programme = ProgrammeFactory(slug="with-dates")
    IntakeFactory(programme=programme, start_date=datetime.date.today() + datetime.timedelta(days=40))

    parsed, _ = calendar(client, reverse("feeds:programme-calendar", args=[programme.slug]))

    assert parsed.walk("VEVENT")
    assert not parsed.walk("VJOURNAL")

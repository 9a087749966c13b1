"""Relevance you can measure: realistic queries over the demo content, each with the record that should come first.

Runs on whichever database DATABASE_URL selects (CI runs the suite on SQLite and on PostgreSQL) and
reports the share of queries whose record came first and the mean reciprocal rank. Every query must
put its record first: a query that stops doing so is a regression, whichever database it is on.
"""

import pytest
from django.core.management import call_command
from django.db import connection

from search.models import Synonym
from search.selectors import search

EGA = "NHS Leadership Academy Elizabeth Garrett Anderson programme"
NYE_BEVAN = "NHS Leadership Academy Nye Bevan programme"
SYSTEMS = "Systems Leadership"
MEDICAL = "Medical Leadership in Practice"
INTERCALATED = "Intercalated course in Health management and Leadership"
EVALUATION = "Evaluation of leadership development programmes"
ASPIRING = "Aspiring Healthcare Leaders"

# (what a visitor types, the title that should come first). Misspellings name their slip.
QUERIES = [
    # Programme names, whole, partial and misspelt
    ("nye bevan", NYE_BEVAN),
    ("nye bevn", NYE_BEVAN),  # missing letter
    ("nye bevna", NYE_BEVAN),  # swapped letters
    ("elizabeth garrett anderson", EGA),
    ("elizabeth garret", EGA),  # missing letter
    ("elisabeth garrett anderson", EGA),  # wrong letter
    ("garrett anderson", EGA),  # partial name
    ("ega", EGA),  # an abbreviation staff defined
    ("systems leadership", SYSTEMS),
    ("sytems leadership", SYSTEMS),  # missing letter
    ("medical leadership", MEDICAL),
    ("medcal leadership", MEDICAL),  # missing letter
    ("medicall leadership in practise", MEDICAL),  # doubled letter, British verb for the noun
    ("intercalated", INTERCALATED),
    ("intercalted", INTERCALATED),  # missing letter
    ("inter-calated", INTERCALATED),  # hyphenated
    ("aspiring leaders", ASPIRING),
    ("aspirng healthcare leaders", ASPIRING),  # missing letter
    ("evaluation of leadership development", EVALUATION),
    ("evaulation leadership", EVALUATION),  # swapped letters
    ("leadrship evaluation", EVALUATION),  # missing letter
    # Audiences
    ("leadership for doctors", MEDICAL),
    ("for doctors", MEDICAL),
    ("doctrs", MEDICAL),  # missing letter
    ("medical students", INTERCALATED),
    ("local leaders", ASPIRING),
    ("senior organisational leaders", SYSTEMS),
    # Partners and commissioners
    ("heewm systems", SYSTEMS),
    ("heewm evaluation", EVALUATION),
    ("health education england evaluation", EVALUATION),
    ("ambs", MEDICAL),
    ("health education north west", MEDICAL),
    ("harvard", "John Mcdonough"),
    ("harvad professor", "John Mcdonough"),  # missing letter
    # People
    ("belinda weir", "Belinda Weir"),
    ("belinda", "Belinda Weir"),
    ("wier", "Belinda Weir"),  # swapped letters
    ("exworthy", "Mark Exworthy"),
    ("mark exworhty", "Mark Exworthy"),  # swapped letters
    ("exwothy", "Mark Exworthy"),  # missing letter
    ("hilary brown", "Hilary Brown"),
    ("deborah davidsen", "Deborah Davidson"),  # wrong letter
    ("annette neath", "Annette Neath"),
    ("snellling", "Iain Snelling"),  # doubled letter
    ("ian snelling", "Iain Snelling"),  # a missing letter in a three-letter word
    ("yvonne sawbrige", "Yvonne Sawbridge"),  # missing letter
    ("mervyn conroy", "Mervyn Conroy"),
    ("robin miller", "Robin Miller"),
    ("john mcdonagh", "John Mcdonough"),  # wrong letter
    ("visiting professor", "John Mcdonough"),
    # Topics and the work stream
    ("emerging leaders", "Emerging leaders"),
    ("organisational development", "Organisational development"),
    ("health service management", "Health service management"),
    ("leadership and management", "Leadership and management"),
    ("improvement project", MEDICAL),
]


@pytest.fixture
def demo(db, committed):
    with committed():
        call_command("load_demo_content", verbosity=0)
        # As staff would add it in the admin; the seed page itself never abbreviates the programme.
        Synonym.objects.create(term="EGA", meaning="Elizabeth Garrett Anderson")


def test_every_query_in_the_relevance_set_puts_its_record_first(demo, capsys):
    assert len(QUERIES) >= 40
    positions = {}
    for query, expected in QUERIES:
        titles = [hit.title for hit in search(query)[0:20]]
        positions[query] = titles.index(expected) + 1 if expected in titles else None
    first = sum(position == 1 for position in positions.values()) / len(QUERIES)
    mrr = sum(1 / position for position in positions.values() if position) / len(QUERIES)
    with capsys.disabled():  # the figures are the point of the test: show them whatever the capture
        print(  # noqa: T201
            f"\nSearch relevance on {connection.vendor}: {len(QUERIES)} queries, "
            f"first-place hits {first:.0%}, mean reciprocal rank {mrr:.3f}"
        )
    misses = {query: position for query, position in positions.items() if position != 1}
    assert misses == {}, f"not first (position, None = not in the top 20): {misses}"

"""What only SQLite does: the FTS5 tables, kept in step with the index by triggers."""

import pytest
from django.core.management import call_command
from django.db import connection

from search.backends.sqlite import SQLiteBackend
from search.query import parse
from tests.factories import PersonFactory, ProgrammeFactory

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own full-text tables")


def titles(query: str) -> list[str]:
    return [document.title for document in SQLiteBackend().documents(parse(query))]


def test_the_full_text_tables_follow_every_kind_of_write(committed):
    with committed():
        programme = ProgrammeFactory(title="Xylophonics for boards")
        person = PersonFactory(given_name="Aurelia", family_name="Quennevilleson")
    assert titles("xylophonics") == ["Xylophonics for boards"]
    assert titles("quennevilleson") == ["Aurelia Quennevilleson"]
    with committed():
        programme.title = "Board governance masterclass"  # an upsert of its document
        programme.save()
        person.delete()
    assert titles("masterclass") == ["Board governance masterclass"]
    assert titles("xylophonics") == []  # the old text left the index with the old row
    assert titles("quennevilleson") == []
    assert SQLiteBackend().spelling_candidates("xylophonic") == []  # and the vocabulary's triples with it
    call_command("rebuild_search_index", verbosity=0)  # every document deleted and written again
    assert titles("masterclass") == ["Board governance masterclass"]
    assert titles("xylophonics") == []


def test_the_fts5_index_answers_the_search_query(seed):
    plan = SQLiteBackend().documents(parse("nye bevan")).explain()
    assert "search_document_fts VIRTUAL TABLE" in plan


def test_spelling_candidates_come_from_the_trigram_table(seed):
    assert "leadership" in SQLiteBackend().spelling_candidates("leadrship")
    assert "weir" in SQLiteBackend().spelling_candidates("wier")  # no shared triple: the short-word rule

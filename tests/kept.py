"""For the tests of kept links (pagecache.kept): a detail page read while a change is uncommitted and after."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def shown(client, url: str) -> str:
    """The whole page as a visitor's browser and a search engine read it (the JSON-LD included)."""
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def tables_read(queries, tables: list[str]) -> list[str]:
    """Which of `tables` the captured queries read."""
    read = " ".join(query["sql"] for query in queries.captured_queries)
    return [table for table in tables if table in read]


def check_change_shown_around_commit(client, url: str, change, capture_on_commit, linked_tables: list[str]) -> None:
    """`change()` returns (text that appears, text that disappears), either None. Both show on the page while
    the change's transaction is open (the writer emptied the kept row in it) and once it committed (the row is
    kept again, so that read reads none of `linked_tables`)."""
    with capture_on_commit() as on_commit:
        appears, disappears = change()
        before_commit = shown(client, url)
    for callback in on_commit:
        callback()
    with CaptureQueriesContext(connection) as queries:
        after_commit = shown(client, url)

    assert tables_read(queries, linked_tables) == []
    for page in (before_commit, after_commit):
        assert appears is None or appears in page
        assert disappears is None or disappears not in page

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


def shown_around_commit(client, url: str, change, capture_on_commit):
    """`change()`'s result, the page while its transaction is open, the page once it committed (what is kept
    on commit has run), and the queries of that last read."""
    with capture_on_commit() as on_commit:
        result = change()
        before_commit = shown(client, url)
    for callback in on_commit:
        callback()
    with CaptureQueriesContext(connection) as queries:
        after_commit = shown(client, url)
    return result, before_commit, after_commit, queries

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from search.models import LoggedSearch


def log(days_ago: int) -> LoggedSearch:
    return LoggedSearch.objects.create(
        term=f"searched {days_ago} days ago",
        result_count=0,
        searched_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def run(*args) -> str:
    output = io.StringIO()
    call_command("prune_search_log", *args, stdout=output)
    return output.getvalue()


def test_pruning_deletes_only_searches_older_than_the_period(db):
    recent, old = log(10), log(500)
    assert "Deleted 1 logged searches older than 400 days." in run()
    assert list(LoggedSearch.objects.all()) == [recent]
    assert not LoggedSearch.objects.filter(pk=old.pk).exists()


def test_pruning_period_and_dry_run(db):
    log(10)
    log(40)
    assert "Would delete 1 logged searches older than 30 days." in run("--days", "30", "--dry-run")
    assert LoggedSearch.objects.count() == 2
    run("--days", "30")
    assert LoggedSearch.objects.count() == 1


def test_pruning_refuses_a_period_of_no_days(db):
    with pytest.raises(CommandError, match="at least 1"):
        run("--days", "0")

"""How many gunicorn workers a host runs, by where its database is (gunicorn.conf.py)."""

import multiprocessing
import runpy

import pytest

from .servers import PROJECT_ROOT

CORES = multiprocessing.cpu_count()


def configured_workers(monkeypatch, **env) -> int:
    for name in ("DATABASE_URL", "GUNICORN_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))["workers"]


@pytest.mark.parametrize(
    "database_url",
    [
        "",  # the default: SQLite
        "sqlite:///db.sqlite3",
        "postgres://postgres@127.0.0.1:5432/hsmc",
        "postgres://postgres@[::1]:5432/hsmc",
        "postgres://postgres@localhost/hsmc",
        "postgres:///hsmc",  # a Unix socket
    ],
)
def test_a_database_on_this_host_leaves_it_a_core_for_itself(monkeypatch, database_url):
    # The workers, PostgreSQL and Redis share the cores: five CPU-bound workers on two cores served 15 to 20%
    # less than three, with a longer tail (docs/deployment.md).
    assert configured_workers(monkeypatch, DATABASE_URL=database_url) == CORES + 1


@pytest.mark.parametrize(
    "database_url", ["postgres://app@db.internal:5432/hsmc", "postgres://app@10.0.3.7/hsmc", "postgres://app@db/hsmc"]
)
def test_a_database_on_another_host_gets_workers_to_fill_its_round_trips(monkeypatch, database_url):
    assert configured_workers(monkeypatch, DATABASE_URL=database_url) == CORES * 2 + 1


def test_an_operator_sets_the_number(monkeypatch):
    assert configured_workers(monkeypatch, DATABASE_URL="postgres://app@db/hsmc", GUNICORN_WORKERS="7") == 7

"""Backups restore: pg_dump of the demo catalogue and a copy of the media, restored into a new database.

The procedure is the one docs/deployment.md gives operators; runs in CI's PostgreSQL run.
"""

import os
import shutil
import subprocess
import tarfile
import uuid

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command, get_commands
from django.db import connection

from tests.factories import IntakeFactory, PersonFactory, ProgrammeLeadFactory, WorkStreamFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),  # pg_dump reads only what is committed
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs pg_dump and pg_restore"),
]


def client_env(db: dict) -> dict[str, str]:
    env = {**os.environ, "PGHOST": db["HOST"] or "127.0.0.1", "PGPORT": str(db["PORT"] or 5432)}
    env["PGUSER"] = db["USER"] or ""
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def row_counts(dsn_kwargs: dict, tables: list[str]) -> dict[str, int]:
    with psycopg.connect(**dsn_kwargs) as conn:
        return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


def load_catalogue() -> None:
    if "load_demo_content" in get_commands():
        call_command("load_demo_content", verbosity=0)
    else:  # until the demo loader exists: a small catalogue of every kind of record
        stream = WorkStreamFactory()
        for _ in range(3):
            programme = IntakeFactory().programme
            programme.work_streams.add(stream)
            ProgrammeLeadFactory(programme=programme, person=PersonFactory())


def test_a_dump_of_the_demo_catalogue_and_its_media_restores_completely(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_catalogue()
    photo = default_storage.save("people/portrait.jpg", ContentFile(b"\xff\xd8 a photograph \xff\xd9"))
    db = settings.DATABASES["default"]
    tables = [name for name in connection.introspection.table_names() if not name.startswith("django_session")]
    original = row_counts({"dbname": db["NAME"], **connection.get_connection_params()}, tables)
    assert original["programmes_programme"] > 0

    # Back up: the database in pg_dump's custom format, the media folder as an archive.
    env = client_env(db)
    dump, media_archive = tmp_path / "catalogue.dump", tmp_path / "media.tar.gz"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", db["NAME"]], env=env, check=True)
    with tarfile.open(media_archive, "w:gz") as archive:
        archive.add(settings.MEDIA_ROOT, arcname=".")

    # Restore into a new database and a new media folder.
    restored_name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", restored_name], env=env, check=True)
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored_name}", str(dump)], env=env, check=True
        )
        params = {**connection.get_connection_params(), "dbname": restored_name}
        restored = row_counts(params, tables)
        with psycopg.connect(**params) as conn:
            # Sequences come back too: a new row after a restore does not collide with an old one.
            next_id = conn.execute("SELECT nextval(pg_get_serial_sequence('programmes_programme', 'id'))").fetchone()[0]
            highest = conn.execute("SELECT max(id) FROM programmes_programme").fetchone()[0]
    finally:
        subprocess.run(["dropdb", "--if-exists", "--force", restored_name], env=env, check=True)
    restored_media = tmp_path / "restored-media"
    with tarfile.open(media_archive) as archive:
        archive.extractall(restored_media, filter="data")

    assert restored == original
    assert next_id > highest
    assert (restored_media / photo).read_bytes() == default_storage.open(photo).read()

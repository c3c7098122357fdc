"""The migrations themselves. The suite builds its test databases straight from the models (`--no-migrations` in
pyproject.toml: 1.7 s instead of 16 s per worker) and puts the data migrations' seeds in (tests/seeded.py), so this
module is where the migrations still run, once, on the database the suite runs on: from nothing to the latest, with
the seeds, and with no model change left without its migration."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def empty_database(tmp_path):
    """A DATABASE_URL of a new, empty database of the kind the suite runs on, dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    import psycopg

    base, name = url.rsplit("/", 1)[0], f"bianmin_migrations_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)


def test_the_migrations_build_the_database_seed_it_and_match_the_models(tmp_path):
    with empty_database(tmp_path) as url:
        migrated = manage(url, "migrate", "--noinput")
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        pending = manage(url, "makemigrations", "--check", "--dry-run")
        assert pending.returncode == 0, "models changed without a migration:\n" + pending.stdout[-3000:]
        seeded = manage(url, "shell", "-c",
                        "from bianmin.core.models import CalendarYear; from bianmin.catalog.models import "
                        "SearchSynonym; from bianmin.hotline.models import Phrase; "
                        "print(CalendarYear.objects.count(), SearchSynonym.objects.count(), Phrase.objects.count())")
        assert seeded.returncode == 0, seeded.stderr[-3000:]
        years, synonyms, phrases = map(int, seeded.stdout.strip().splitlines()[-1].split())
        assert years >= 3 and synonyms > 20 and phrases > 20

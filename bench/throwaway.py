"""A throwaway database for one benchmark child process: SQLite in a temporary directory, or a PostgreSQL database
`<name><suffix>` on BENCH_PG_URL's server, created before and dropped after (nothing of it is kept)."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def database(db: str, pg_url: str, suffix: str = "") -> Iterator[dict]:
    """The environment for a child process on a fresh database of kind `db` ("sqlite" or "postgres")."""
    env = dict(os.environ)
    tmp = tempfile.mkdtemp(prefix="bianmin-bench-")
    env["BIANMIN_VAR_DIR"] = tmp
    server, name = pg_url.rsplit("/", 1)
    name += suffix
    if db == "postgres":
        env["DATABASE_URL"] = f"{server}/{name}"
        subprocess.run(["psql", f"{server}/postgres", "-c", f'CREATE DATABASE "{name}"'], capture_output=True,
                       check=False)
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    try:
        yield env
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if db == "postgres":
            subprocess.run(["psql", f"{server}/postgres", "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
                           capture_output=True, check=False)

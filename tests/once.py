"""Data that many tests read, built once per test module instead of once per test.

The data is written inside a transaction that stays open for the whole module; each test then runs inside a
savepoint of it (pytest-django's `db` fixture nests), so whatever a test changes is rolled back to the data as
built, and the module's transaction is rolled back at its end. Only modules where every database test reads
the shared data take part: a test that does not ask for it must not find it in the database, and a test on a
transactional database (live server) cannot run inside an open transaction. Which modules qualify is decided
at collection (`mark_shared_modules`); elsewhere the data is built per test, as before.
"""
from __future__ import annotations

from contextlib import contextmanager

from django.db import transaction

# Fixtures that put a test on a transactional database: such a test cannot run inside the module's transaction.
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}
DATABASE_FIXTURES = {"db"} | TRANSACTIONAL_FIXTURES


def uses_database(item) -> bool:
    return bool(item.get_closest_marker("django_db")) or bool(DATABASE_FIXTURES & set(item.fixturenames))


def is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(item.fixturenames))


def mark_shared_modules(items, fixture: str) -> None:
    """Set `<fixture>_once` on each test module whose database tests all ask for `fixture`, none of them on a
    transactional database: those modules build it once."""
    by_module: dict[object, list] = {}
    for item in items:
        module = getattr(item, "module", None)
        if module is not None:
            by_module.setdefault(module, []).append(item)
    for module, module_items in by_module.items():
        database_items = [item for item in module_items if uses_database(item)]
        shared = bool(database_items) and all(
            fixture in item.fixturenames and not is_transactional(item) for item in database_items)
        setattr(module, f"_{fixture}_once", shared)


def module_shares(request, fixture: str) -> bool:
    return bool(getattr(request.module, f"_{fixture}_once", False))


@contextmanager
def module_transaction(django_db_blocker):
    """An open transaction for the rest of a module, rolled back at its end. The caller builds its data inside
    `django_db_blocker.unblock()`; tests reach the database only through their own `db` fixture, as always."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

"""The rows the data migrations seed (the working-day calendar, the search dictionary, the hotline's phrases).

A test on a transactional database ends with a flush of every table, which also wipes these rows; the next test
on that worker would then find no calendar. Which test runs after which depends on how pytest-xdist hands out the
files, so the seeds are put back after every transactional test (`restore`), and each seed keeps existing rows.
"""
from __future__ import annotations

import importlib

from django.apps import apps

# (migration module, function): each is idempotent (it skips what is already there).
SEEDS = (
    ("bianmin.core.migrations.0002_seed_calendar", "seed"),
    ("bianmin.catalog.migrations.0004_seed_search_synonyms", "seed"),
    ("bianmin.hotline.migrations.0002_seed_phrases", "seed"),
)


def restore() -> None:
    from bianmin.core.worktime import loader

    for module, function in SEEDS:
        getattr(importlib.import_module(module), function)(apps, None)
    loader.invalidate()

"""Text messages through a pluggable sender (settings.BIANMIN["SMS_BACKEND"]).

"console" prints and "file" appends to var/sms.log, both with the phone number masked and any phone or ID
number inside the text masked too (SPEC §11: no personal data in logs; the gateway still gets the whole text); "memory" keeps messages in `outbox` for tests. A real gateway is a class with
`send(phone, text)` named by its dotted path; it raises on failure so the caller can record it.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
from contextlib import contextmanager
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

from .masking import mask_phone, mask_text

outbox: list[dict] = []


class ConsoleBackend:
    def send(self, phone: str, text: str) -> None:
        print(f"[SMS to {mask_phone(phone)}] {mask_text(text)}", flush=True)


class FileBackend:
    def send(self, phone: str, text: str) -> None:
        record = {"at": dt.datetime.now().isoformat(timespec="seconds"), "to": mask_phone(phone),
                  "text": mask_text(text)}
        with open(settings.VAR_DIR / "sms.log", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


class MemoryBackend:
    def send(self, phone: str, text: str) -> None:
        outbox.append({"to": phone, "text": text})


NAMED = {"console": ConsoleBackend, "file": FileBackend, "memory": MemoryBackend}


@lru_cache(maxsize=4)
def _backend(name: str):
    return (NAMED.get(name) or import_string(name))()


_held = threading.local()


@contextmanager
def held():
    """Send nothing inside this block (demo data: its phone numbers are made up); messages are dropped."""
    _held.on = True
    try:
        yield
    finally:
        _held.on = False


def send(phone: str, text: str) -> None:
    if getattr(_held, "on", False):
        return
    _backend(settings.BIANMIN["SMS_BACKEND"]).send(phone, text)

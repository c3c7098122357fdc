"""The current time, in one place so tests can move it (services never call timezone.now directly).

`travel_to(moment)` moves the clock for the code running inside it, e.g. to create demo cases at
past moments through the real service functions (bianmin/demo/cases.py):

    with timeutil.travel_to(dt.datetime(2026, 11, 16, 9, 30)):
        case = services.register_case(...)   # numbered, timed and logged as of 16 Nov 09:30

While travelling, Django's own `timezone.now()` (which fills auto_now / auto_now_add fields such as
CaseEvent.at or Notice.created_at) returns the same moment, so history rows and notices agree with
the services' clock. The moment is frozen: it does not advance inside the block. The override lives
in a context variable, so other threads and async tasks keep the real time; outside any
`travel_to` block now() costs one ContextVar lookup more than timezone.now().
"""
from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator
from contextvars import ContextVar

from django.utils import timezone

_moment: ContextVar[dt.datetime | None] = ContextVar("bianmin_travel_moment", default=None)

# Django's timezone.now is wrapped only while at least one travel_to block is open (in any thread);
# the wrapper still answers the real time to every context that is not travelling.
_hook_lock = threading.Lock()
_hook_depth = 0
_real_django_now = timezone.now  # what the wrapper falls back to; replaced when the hook is installed


def now() -> dt.datetime:
    moment = _moment.get()
    return moment if moment is not None else timezone.now()


def today() -> dt.date:
    return timezone.localtime(now()).date()


def _django_now() -> dt.datetime:
    moment = _moment.get()
    return moment if moment is not None else _real_django_now()


@contextlib.contextmanager
def travel_to(moment: dt.datetime) -> Iterator[dt.datetime]:
    """Make now()/today() (and Django's timezone.now()) return `moment` inside the block.

    A naive `moment` is read in the current time zone (Asia/Shanghai). Blocks nest: the innermost
    moment wins and the outer one is restored on exit. Yields the aware moment.
    """
    global _hook_depth, _real_django_now
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    with _hook_lock:
        if _hook_depth == 0 and timezone.now is not _django_now:
            _real_django_now = timezone.now
            timezone.now = _django_now
        _hook_depth += 1
    token = _moment.set(moment)
    try:
        yield moment
    finally:
        _moment.reset(token)
        with _hook_lock:
            _hook_depth -= 1
            if _hook_depth == 0:
                timezone.now = _real_django_now  # (kept set: another thread may be inside the wrapper)


def travelling() -> bool:
    """Is the current context inside a travel_to block?"""
    return _moment.get() is not None

"""Daily reconciliation with the upstream (SPEC §10): for one day and kind, the keys we hold as delivered against
the keys it acknowledged. What it lacks is queued again (same key, same frozen payload: the upstream's idempotency
makes that safe); what only it has is listed for a person to look at. One Reconciliation row per link, day and
kind, replaced on each run."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from bianmin.core import timeutil

from .links import profile_of
from .models import ExchangeLink, OutboxRow, Reconciliation, Status
from .transport import Client, TransportError

MAX_LISTED = 500  # keys kept per list; the counts stay exact


def reconcile_link(link: ExchangeLink, day: dt.date, *, client: Client | None = None) -> list[Reconciliation]:
    profile = profile_of(link)
    client = client or Client(link.url, profile, credentials_env=link.credentials_env, timeout=link.timeout_seconds)
    results = []
    try:
        for kind in profile.kinds:
            ours = dict(OutboxRow.objects.filter(link=link, day=day, kind=kind).values_list("key", "status"))
            sent = {k for k, s in ours.items() if s == Status.SENT}
            now = timeutil.now()
            try:
                theirs = set(client.acknowledged_keys(day.isoformat(), kind))
            except TransportError as exc:
                results.append(_store(link, day, kind, ours=len(ours), ours_sent=len(sent), theirs=0, missing=[],
                                      unknown=[], requeued=0, error=str(exc)[:300], now=now))
                continue
            missing = sorted(sent - theirs)
            unknown = sorted(theirs - set(ours))
            with transaction.atomic():
                requeued = OutboxRow.objects.filter(link=link, key__in=missing, status=Status.SENT).update(
                    status=Status.PENDING, attempts=0, next_attempt_at=now, sent_at=None,
                    last_error="对账发现上级平台缺少此记录，已重新发送 / missing upstream at reconciliation, re-sent")
                results.append(_store(link, day, kind, ours=len(ours), ours_sent=len(sent), theirs=len(theirs),
                                      missing=missing, unknown=unknown, requeued=requeued, error="", now=now))
    finally:
        client.close()
    return results


def _store(link, day, kind, *, ours, ours_sent, theirs, missing, unknown, requeued, error, now) -> Reconciliation:
    row, _ = Reconciliation.objects.update_or_create(
        link=link, day=day, kind=kind,
        defaults=dict(ours=ours, ours_sent=ours_sent, theirs=theirs, missing_upstream=missing[:MAX_LISTED],
                      unknown_upstream=unknown[:MAX_LISTED], requeued=requeued, error=error, checked_at=now))
    return row


RETRY_FAILED_AFTER = dt.timedelta(hours=1)


def daily() -> int:
    """Yesterday's reconciliation for every active link, once a day; a failed one (the upstream unreachable) is
    tried again an hour later, not at every sweep."""
    now = timeutil.now()
    yesterday = timezone.localtime(now).date() - dt.timedelta(days=1)
    done = 0
    for link in ExchangeLink.objects.filter(active=True):
        rows = Reconciliation.objects.filter(link=link, day=yesterday)
        reconciled = rows.exists() and not rows.exclude(error="").exists()
        if reconciled or rows.filter(checked_at__gt=now - RETRY_FAILED_AFTER).exists():
            continue
        done += len(reconcile_link(link, yesterday))
    return done

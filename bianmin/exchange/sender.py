"""The worker's sending sweep: claim due rows, build and freeze their payloads, send, record what happened.

- **Order per record.** A row is due only when no earlier row of its ordering key (the case number) on the same
  link is still pending or dead, so a case's acceptance goes before its completion, its ratings and their
  rectification; one message in flight per case, while other cases go on (one failing case blocks only itself).
- **Claims.** Rows are claimed with a lease (a token and an expiry written by a conditional UPDATE), after
  `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL: several workers never hold the same row at once, and a worker
  that dies mid-send leaves rows that are claimable again when the lease runs out. The idempotency key makes a
  re-send after such a death harmless: the upstream answers "already received", which counts as delivered.
- **Retries.** Exponential backoff with jitter (EXCHANGE_BACKOFF_SECONDS doubling up to EXCHANGE_BACKOFF_MAX_SECONDS,
  a random share taken off so that many rows failed together do not come back together), and a dead letter after
  EXCHANGE_MAX_ATTEMPTS attempts (default 12) with the last error kept. A refusal (a 4xx for this record) is a
  dead letter at once: sending the same bytes again cannot help.
"""
from __future__ import annotations

import datetime as dt
import logging
import random
import secrets

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min, Q

from bianmin.core import timeutil
from bianmin.core.errors import DomainError

from . import facts, mapping
from .links import profile_of
from .models import BLOCKING, ExchangeLink, OutboxRow, Status
from .transport import Client, Delivered, Envelope, Refused, Retry

logger = logging.getLogger("bianmin.exchange")

LEASE = dt.timedelta(minutes=5)


def backoff(attempts: int, rng: random.Random | None = None) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt: base·2^(n-1), capped, less up to half of it at random."""
    base = float(settings.BIANMIN["EXCHANGE_BACKOFF_SECONDS"])
    cap = float(settings.BIANMIN["EXCHANGE_BACKOFF_MAX_SECONDS"])
    delay = min(cap, base * (2 ** max(0, attempts - 1)))
    return dt.timedelta(seconds=delay * (1 - 0.5 * (rng or random).random()))


def max_attempts() -> int:
    return int(settings.BIANMIN["EXCHANGE_MAX_ATTEMPTS"])


WINDOW = 4  # candidate rows read per row wanted
MAX_WINDOWS = 10


def _free(now: dt.datetime) -> Q:
    return Q(lease_until__isnull=True) | Q(lease_until__lt=now)


def _first_of_their_case(link_id: int, candidates: list[tuple[int, str]]) -> list[int]:
    """The candidates that are the earliest pending-or-dead row of their ordering key: nothing of their case is
    still ahead of them."""
    first = dict(OutboxRow.objects.filter(BLOCKING, link_id=link_id, order_key__in={k for _, k in candidates})
                 .order_by().values("order_key").annotate(first=Min("id")).values_list("order_key", "first"))
    return [pk for pk, key in candidates if first.get(key) == pk]


def due_ids(link_id: int, now: dt.datetime, limit: int) -> list[int]:
    """Due rows, oldest first, at most one per ordering key: up to WINDOW × `limit` of them, so that a worker whose
    first choices another worker holds takes the next ones (claim). Read as two plain index queries per window
    (pending rows in id order; the first open row of each of their keys) rather than one NOT EXISTS anti-join, whose
    plan PostgreSQL gets badly wrong on a freshly filled table (200 ms for a thousand rows before ANALYZE, growing
    with the square of the backlog). Windows move on past rows held behind an earlier row of their case."""
    found: list[int] = []
    after = 0
    for _ in range(MAX_WINDOWS):
        window = list(OutboxRow.objects.filter(_free(now), link_id=link_id, status=Status.PENDING, id__gt=after,
                                               next_attempt_at__lte=now)
                      .order_by("id").values_list("id", "order_key")[:limit * WINDOW])
        if not window:
            break
        found += _first_of_their_case(link_id, window)
        if len(found) >= limit * WINDOW or len(window) < limit * WINDOW:
            break
        after = window[-1][0]
    return found[:limit * WINDOW]


def claim(link_id: int, limit: int, now: dt.datetime | None = None) -> list[OutboxRow]:
    """Lease up to `limit` due rows of one link (at most one per ordering key, see due_ids)."""
    now = now or timeutil.now()
    token = secrets.token_hex(8)
    candidates = due_ids(link_id, now, limit)
    if not candidates:
        return []
    with transaction.atomic():
        qs = OutboxRow.objects.filter(_free(now), id__in=candidates, status=Status.PENDING).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)  # rows another worker is claiming are passed over
        ids = list(qs.values_list("id", flat=True)[:limit])
        if not ids:
            return []
        OutboxRow.objects.filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now), id__in=ids,
                                 status=Status.PENDING).update(lease_until=now + LEASE, lease_token=token)
    return list(OutboxRow.objects.filter(lease_token=token, id__in=ids).order_by("id"))


def freeze_payload(row: OutboxRow, link: ExchangeLink) -> mapping.Built | None:
    """Build the row's payload under the link's profile at the first attempt and keep it (with the profile
    version); later attempts send the frozen one. None: the record is gone (reported as a refusal)."""
    if row.payload is not None:
        return mapping.Built(row.payload)
    profile = profile_of(link)
    try:
        built = mapping.build(profile, row.kind, facts.of(row.kind, row.record_id, row.event))
    except DomainError as exc:
        return mapping.Built({}, [mapping.Problem("", True, exc.zh, exc.en)])
    if not built.refused:
        row.payload, row.profile_name, row.profile_version = built.payload, profile.name, profile.version
        OutboxRow.objects.filter(pk=row.pk).update(payload=row.payload, profile_name=profile.name,
                                                   profile_version=profile.version)
    return built


def _finish(row: OutboxRow, outcome, now: dt.datetime) -> str:
    attempts = row.attempts + 1
    fields: dict = {"attempts": attempts, "lease_until": None, "lease_token": ""}
    if isinstance(outcome, Delivered):
        fields.update(status=Status.SENT, sent_at=now, receipt=outcome.receipt, last_error="")
    elif isinstance(outcome, Refused) or attempts >= max_attempts():
        fields.update(status=Status.DEAD, last_error=outcome.message[:2000])
    else:
        fields.update(last_error=outcome.message[:2000], next_attempt_at=now + backoff(attempts))
    # Only the holder of the lease records the outcome.
    OutboxRow.objects.filter(pk=row.pk, lease_token=row.lease_token).update(**fields)
    return fields.get("status", Status.PENDING)


def send_link(link: ExchangeLink, *, max_batches: int = 20, client: Client | None = None) -> dict[str, int]:
    """Send what is due on one link, batch after batch, until nothing is due or `max_batches` were sent."""
    profile = profile_of(link)
    counts = {Status.SENT: 0, Status.DEAD: 0, Status.PENDING: 0}
    client = client or Client(link.url, profile, credentials_env=link.credentials_env,
                              timeout=link.timeout_seconds)
    try:
        for _ in range(max_batches):
            rows = claim(link.pk, profile.batch_size)
            if not rows:
                break
            envelopes, by_key = [], {}
            now = timeutil.now()
            # One transaction per batch for the frozen payloads and one for the outcomes: a commit per row would
            # cost PostgreSQL a WAL flush each.
            with transaction.atomic(), facts.preloaded((r.kind, r.record_id) for r in rows if r.payload is None):
                for row in rows:
                    built = freeze_payload(row, link)
                    if built.refused:
                        counts[_finish(row, Refused("报文不符合数据规范：" + built.report()), now)] += 1
                        continue
                    envelopes.append(Envelope(row.key, row.kind, row.day.isoformat(), row.payload))
                    by_key[row.key] = row
            outcomes = client.send(envelopes) if envelopes else {}
            now = timeutil.now()
            failed = 0
            with transaction.atomic():
                for key, outcome in outcomes.items():
                    status = _finish(by_key[key], outcome, now)
                    counts[status] += 1
                    failed += isinstance(outcome, Retry)
            if envelopes and failed == len(envelopes):
                break  # the upstream is down: stop this sweep, backoff decides when to come back
    finally:
        client.close()
    return {str(k): v for k, v in counts.items()}


def send_all() -> int:
    sent = 0
    for link in ExchangeLink.objects.filter(active=True).order_by("pk"):
        try:
            sent += send_link(link)[Status.SENT]
        except Exception:  # one broken link must not stop the others
            logger.exception("exchange link %s failed", link.pk)
    return sent

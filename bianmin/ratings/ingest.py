"""The fast lane of `POST /api/v1/ratings` (issue 20): a citizen's tap on a face, at the speed of the database.

Most ratings are the same small request: a token from a QR code or link and a level, no comment, no session. This
WSGI wrapper (bianmin/wsgi.py) answers such a request itself, before Django's middleware, URL resolver and the
API's schema run, with the rules of the full path (services.py): the token checked by `services.claims_of`, the
bad-token throttle by `throttle`, the rating period by `services.check_open`, the idempotency key by
`services._clean_key`, the outbox row decided by bianmin.core.outbox; one SELECT of the case and one INSERT of the
rating and its outbox row, committed together with the ratings of other requests of the same process arriving at
the same moment (bianmin.core.group_commit). The 201 is sent after that commit.

Everything else goes the full way, unchanged: another path or method, a session cookie (staff may not rate their
own cases: that needs the user), a comment or questionnaire (their text rules), a 差评 (its rectification ticket is
opened inline by the rating_stored receiver), a 追评 token, anything malformed or refused (the full path gives the
error in both languages and counts a bad token against the address), a rating that ran into its case's or key's
unique constraint (the full path finds the stored twin: 200, or refuses: 409), a database error. The request body
the lane read is handed on, so the full path sees the request as it came.

Switched off with BIANMIN_RATING_FAST_LANE=0 (settings.BIANMIN["RATING_FAST_LANE"]): the benchmark measures both.
"""
from __future__ import annotations

import io
import json
import logging
from types import SimpleNamespace

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils.http import http_date

from bianmin.core import outbox, throttle, timeutil
from bianmin.core.errors import DomainError
from bianmin.core.group_commit import Job

from . import services
from .ingest_sql import OUTBOX_BOUND, Write, committer, load_case, statements
from .models import BAD_LEVELS, Level, Stage

logger = logging.getLogger(__name__)

PATH = "/api/v1/ratings"
MAX_BODY = 2048  # a token, a level, a channel and a key fit with room to spare; more goes the full way
SIMPLE_KEYS = frozenset({"token", "level", "channel", "idempotency_key", "anonymous"})
GOOD_LEVELS = frozenset(Level.values) - frozenset(BAD_LEVELS)

# The headers the full path's middleware puts on this answer (tests/test_ratings_ingest.py compares them).
_HEADERS = [
    ("Content-Type", "application/json; charset=utf-8"),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                                "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
                                "frame-ancestors 'none'"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cache-Control", "max-age=0, no-cache, no-store, must-revalidate, private"),  # core/cache_policy.py: a write
    ("Vary", "Cookie"),
]


def wrap(django_app):
    """The WSGI application: the fast lane in front of Django."""
    def application(environ, start_response):
        if environ.get("PATH_INFO") == PATH and environ.get("REQUEST_METHOD") == "POST" and enabled():
            body, answer = _read(environ), None
            if body is not None:
                try:
                    answer = take(environ, body)
                except Exception:
                    logger.exception("rating fast lane failed; the full path answers")
                    _reset_connection()
                environ["wsgi.input"] = io.BytesIO(body)  # what the lane read, for the full path to read again
            if answer is not None:
                headers = [*_HEADERS, ("Content-Length", str(len(answer))), ("Expires", http_date()),
                           ("Content-Language", settings.LANGUAGE_CODE)]
                hsts = _hsts() if _secure(environ) else None
                start_response("201 Created", [*headers, hsts] if hsts else headers)
                return [answer]
        return django_app(environ, start_response)

    return application


def enabled() -> bool:
    return settings.BIANMIN["RATING_FAST_LANE"]


def _secure(environ) -> bool:
    """HttpRequest.is_secure() of the request."""
    header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if header and environ.get(header[0]) is not None:
        return environ[header[0]].split(",", 1)[0].strip() == header[1]
    return environ.get("wsgi.url_scheme") == "https"


def _hsts() -> tuple[str, str] | None:
    """SecurityMiddleware's Strict-Transport-Security header, for an answer over HTTPS."""
    if not settings.SECURE_HSTS_SECONDS:
        return None
    value = f"max-age={settings.SECURE_HSTS_SECONDS}"
    if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
        value += "; includeSubDomains"
    if settings.SECURE_HSTS_PRELOAD:
        value += "; preload"
    return ("Strict-Transport-Security", value)


def _read(environ) -> bytes | None:
    """The body, when the request may be one the lane takes (JSON, small, no session); else None (body unread)."""
    if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
        return None
    if settings.SECURE_SSL_REDIRECT and not _secure(environ):
        return None  # SecurityMiddleware redirects it
    cookies = environ.get("HTTP_COOKIE", "")
    if settings.SESSION_COOKIE_NAME + "=" in cookies or settings.LANGUAGE_COOKIE_NAME + "=" in cookies:
        return None  # a session (staff?) or a chosen language (core/language.py): the full path
    if environ.get("QUERY_STRING"):
        return None  # ?lang=
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    if not 0 < length <= MAX_BODY:
        return None
    return environ["wsgi.input"].read(length)


def take(environ, body: bytes) -> bytes | None:
    """The 201 answer's body when the lane stored the rating; None when the full path must answer."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or not data.keys() <= SIMPLE_KEYS:
        return None
    token, level = data.get("token"), data.get("level")
    channel = data.get("channel", "qr")
    anonymous = data.get("anonymous", False)
    key = data.get("idempotency_key") or environ.get("HTTP_IDEMPOTENCY_KEY")
    if not (isinstance(token, str) and len(token) <= 100 and isinstance(level, str) and level in GOOD_LEVELS
            and isinstance(anonymous, bool) and isinstance(channel, str) and channel in services.LINK_CHANNELS):
        return None  # (a list or an object as level or channel would not even hash: the full path explains)
    if throttle.is_limited("rate-bad-token", throttle.client_address(SimpleNamespace(META=environ))):
        return None
    db = connections[DEFAULT_DB_ALIAS]
    try:
        claims = services.claims_of(token)
        key = services._clean_key(key)
        if claims.stage == Stage.FOLLOWUP:
            return None
        case = load_case(claims.case_id, db)
        if case is None:
            return None
        services.check_open(case, claims.stage, claims.expires_at)
    except DomainError:
        return None
    now = timeutil.now()
    write = _write(case, claims.stage, level, channel, key, anonymous, now, db)
    job = committer.submit(Job(write))
    if job.error is not None:
        logger.warning("rating fast lane: batch failed (%s); the full path answers", type(job.error).__name__)
        return None
    if job.result is None:
        return None  # a retry or a second rating of the stage: the full path finds the stored twin or refuses
    if not db.in_atomic_block:  # (a test's transaction around the request)
        db.close_if_unusable_or_obsolete()  # as at the end of a Django request (CONN_MAX_AGE)
    return json.dumps({"id": job.result, "level": level, "is_bad": False, "stage": claims.stage}).encode()


def _write(case, stage: str, level: str, channel: str, key: str | None, anonymous: bool, now, db=None) -> Write:
    sql = statements(db)
    created = sql.adapt_datetime(now)
    rating = sql.rating.params({
        "level": level, "is_bad": False, "channel": channel, "stage": stage, "case_id": case.id,
        "item_id": case.item_id, "staff_id": case.staff_id, "window_id": case.window_id, "site_id": case.site_id,
        "department_id": case.department_id, "queue_ticket_id": case.queue_ticket_id, "unit_path": case.unit_path,
        "real_name": not anonymous, "rater_name": "" if anonymous else case.rater_name,
        "rater_phone": "" if anonymous else case.rater_phone, "idempotency_key": key, "created_at": created})
    route = outbox.rating_route(case.unit_path) if sql.outbox is not None else None
    if route is None:
        return Write(case.id, stage, key, rating, None)
    link_id, row = route
    values = row(case.number, stage, None, now, case.site_id, case.unit_path)  # (record_id: the new rating's id)
    values["day"] = sql.adapt_date(values["day"])
    values.update(link_id=link_id, created_at=created, next_attempt_at=created)
    return Write(case.id, stage, key, rating, {name: values[name] for name in OUTBOX_BOUND})


def _reset_connection() -> None:
    """After an error the connection may be mid-transaction or broken: the next request opens a fresh one."""
    try:
        connection.close()
    except Exception:
        logger.warning("rating fast lane: closing the connection failed", exc_info=True)

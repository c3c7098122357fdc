"""Rating use cases: the only place a rating is written (SPEC §5).

The token path is the hot one (hundreds of ratings a second in a busy province): the token is checked
without touching the database, the case is read with one query, and the rating is one INSERT whose
unique constraint (case, stage) is the 一次一评 guard. A retried submission finds its own row and gets it
back instead of a second one; a different second attempt is refused.
"""
from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from bianmin.cases.models import Case, CaseEvent
from bianmin.core import outbox, timeutil
from bianmin.core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from bianmin.core.inputs import text
from bianmin.orgs.roles import Action as Perm

from . import eligibility, events, tokens
from .models import (
    SUGGESTION_KEY,
    Answer,
    Channel,
    Device,
    Level,
    Question,
    Rating,
    RatingExclusion,
    RatingFlag,
    Stage,
)

logger = logging.getLogger(__name__)
MAX_COMMENT = 1000
# Channels a citizen may name when rating through a link (the rest are set by the system).
LINK_CHANNELS = frozenset({Channel.QR, Channel.PC, Channel.MOBILE, Channel.SMS})


class TokenExpired(DomainError):
    status = 410
    code = "expired"


class AlreadyRated(Conflict):
    code = "already_rated"


@dataclass(frozen=True)
class RatingLink:
    token: str
    url: str
    stage: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class RatingInput:
    level: str
    answers: dict
    comment: str


# ---------------------------------------------------------------- input

def clean_input(level, answers=None, comment=None) -> RatingInput:
    if level not in Level.values:
        raise InvalidInput("请选择评价等级（非常满意、满意、基本满意、不满意、非常不满意）。",
                           "Choose a level: " + ", ".join(Level.values) + ".", field="level")
    return RatingInput(level=level, answers=clean_answers(answers), comment=text(
        {"comment": comment}, "comment", "评价内容", "Comment", required=False, max_len=MAX_COMMENT))


def clean_answers(answers) -> dict:
    if answers in (None, ""):
        return {}
    if not isinstance(answers, dict):
        raise InvalidInput("问卷格式有误。", "Answers must be an object.", field="answers")
    out = {}
    for key, value in answers.items():
        if key == SUGGESTION_KEY:
            suggestion = text(answers, key, "改进意见", "Suggestion", required=False, max_len=MAX_COMMENT)
            if suggestion:
                out[key] = suggestion
        elif key in Question.values:
            if value in (None, ""):
                continue
            if value not in Answer.values:
                raise InvalidInput(f"问卷“{Question(key).label}”的回答无效。",
                                   f"Answer to {key} must be one of {', '.join(Answer.values)}.", field=f"answers.{key}")
            out[key] = value
        else:
            raise InvalidInput("问卷中有未知的问题。", f"Unknown question: {str(key)[:40]}.", field="answers")
    return out


# ---------------------------------------------------------------- links

def rated_stages(case: Case) -> set[str]:
    return set(Rating.objects.filter(case=case).values_list("stage", flat=True))


def rating_link(case: Case, *, stage: str | None = None, base_url: str | None = None) -> RatingLink:
    """The token (and its URL) a citizen uses to rate this case, for the receipt QR, the device, an SMS."""
    now = timeutil.now()
    stage = stage or eligibility.link_stage(case, rated_stages(case), now)
    deadline = eligibility.rating_deadline(case, stage)
    # A link made before the stage is reached (a receipt at acceptance) is bounded by a year; the real
    # period is checked on use, from the case.
    expires = deadline or now + dt.timedelta(days=365)
    token = tokens.encode(tokens.TokenClaims(case.pk, stage, int(expires.timestamp())), settings.SECRET_KEY)
    base = (base_url or settings.BIANMIN["PUBLIC_URL"]).rstrip("/")
    return RatingLink(token=token, url=base + reverse("rate:page", args=[token]), stage=stage, expires_at=expires)


def claims_of(token: str) -> tokens.TokenClaims:
    try:
        return tokens.decode(token, settings.SECRET_KEY)
    except tokens.BadToken:
        raise InvalidInput("评价链接无效，请核对后重试或联系窗口工作人员。",
                           "This rating link is not valid; check it or ask the window staff.",
                           code="invalid_token", field="token") from None


# The columns the token path reads (check_open, refuse_own_case, rating_for_case). Building and reading the full
# seven-table row was the largest CPU cost of POST /api/v1/ratings in Django; loading only these columns halves
# that (bench/ratings.py, docs/benchmarks.md). A column used but not listed still works; it costs one more query.
# `number` keys the rating's row in the national exchange's outbox (exchange/writer.py).
RATE_FIELDS = ("number", "status", "created_at", "accepted_at", "completed_at", "handled_by_id", "applicant_name",
               "applicant_phone", "site__unit__path", "item__accepting_unit_id", "window__id", "handled_by__staff__id")


def case_for_rating(case_id: int, *, fields: tuple[str, ...] | None = None) -> Case:
    cases = Case.objects.select_related("site", "site__unit", "item", "window", "handled_by__staff")
    if fields:
        cases = cases.only(*fields)
    # A primary-key lookup needs neither the ORDER BY of first() nor the LIMIT of get(): both make Django build more
    # and PostgreSQL plan this seven-table join longer (LIMIT: up to 2.5x the planning time, and planning is most
    # of what the lookup costs the database).
    case = next(iter(cases.filter(pk=case_id).order_by()), None)
    if case is None:
        raise NotFound("该办件不存在。", "No such case.")
    return case


def check_open(case: Case, stage: str, claims_expiry: int | None = None) -> None:
    """Refuse a rating outside its period: not reached yet (409), or over (410)."""
    now = timeutil.now()
    deadline = eligibility.rating_deadline(case, stage)
    if stage not in eligibility.configured_stages() and stage != Stage.FOLLOWUP:
        raise Conflict("该环节不开放评价。", "This stage is not open for rating.", code="stage_closed")
    if deadline is None:
        raise Conflict("办件尚未到可评价的环节，办结后即可评价。",
                       "This case cannot be rated yet; you can rate it once the service is finished.",
                       code="not_yet")
    if now > deadline or (claims_expiry is not None and now.timestamp() > claims_expiry):
        raise TokenExpired("评价期限已过，感谢您的关注。", "The rating period has ended. Thank you.")


def refuse_own_case(case: Case, user) -> None:
    """No coercion (SPEC §5): staff never rate a case they handled, whatever the channel."""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    if case.handled_by_id == user.pk or CaseEvent.objects.filter(case=case, actor=user).exists():
        raise PermissionDenied("工作人员不能评价自己经办的办件。", "Staff may not rate a case they handled.",
                               code="own_case")


# ---------------------------------------------------------------- writing

def rating_for_case(case: Case, stage: str, data: RatingInput, **fields) -> Rating:
    """An unsaved rating of `case` with every rated object filled from it (fields override)."""
    values = dict(
        level=data.level, answers=data.answers, comment=data.comment, stage=stage, case=case, item=case.item,
        staff=getattr(case.handled_by, "staff", None), window=case.window, site=case.site,
        department_id=case.item.accepting_unit_id, unit_path=case.site.unit.path, real_name=True,
        rater_name=case.applicant_name, rater_phone=case.applicant_phone, created_at=timeutil.now(),
    )
    # (A case being generated in bulk has no primary key yet and no ticket either.)
    if case.pk is not None and "queue_ticket" not in fields and "queue_ticket_id" not in fields:
        # Keyed to the visit's queue ticket too (issue 16): the ticket, the case and the clerk who served it.
        values["queue_ticket_id"] = case.queue_tickets.order_by("-pk").values_list("pk", flat=True).first()
    values.update(fields)
    return Rating(**values)


def store(rating: Rating) -> tuple[Rating, bool]:
    """Insert; on the (case, stage) or idempotency-key conflict, hand back the stored row if this is a
    retry of the same submission, else refuse. Returns (rating, created)."""
    write_outbox = outbox.prepare("rating", rating)
    try:
        if write_outbox is None and not transaction.get_connection().in_atomic_block:
            rating.save(force_insert=True)  # autocommit: one statement, durable when it returns
        else:
            # A transaction (a savepoint inside the caller's, so a conflict leaves it usable): the rating and its
            # row in the national exchange's outbox commit together (SPEC §10).
            with transaction.atomic():
                rating.save(force_insert=True)
                if write_outbox is not None:
                    write_outbox()
    except IntegrityError:
        return _stored_twin(rating), False
    events.send(events.rating_stored, Rating, rating=rating)  # a failing receiver is logged; the sweep catches up
    return rating, True


def _stored_twin(rating: Rating) -> Rating:
    """The row a conflicting insert ran into, if it is the same submission retried; else refuse."""
    existing = None
    if rating.idempotency_key:
        existing = Rating.objects.filter(idempotency_key=rating.idempotency_key).first()
        if existing is not None and existing.case_id != rating.case_id:
            raise InvalidInput("幂等键已被另一条评价使用。", "This idempotency key was used for another rating.",
                               field="idempotency_key")
    if existing is None and rating.case_id:
        existing = Rating.objects.filter(case_id=rating.case_id, stage=rating.stage).first()
    if existing is None and rating.followup_of_id:
        existing = Rating.objects.filter(followup_of_id=rating.followup_of_id).first()
    if existing is None:
        raise Conflict("评价未能保存，请重试。", "The rating could not be stored; please retry.")
    same_key = bool(rating.idempotency_key) and existing.idempotency_key == rating.idempotency_key
    same_content = (not rating.idempotency_key and existing.level == rating.level
                    and existing.comment == rating.comment and existing.answers == rating.answers)
    if same_key or same_content:
        return existing
    raise AlreadyRated("该办件在此环节已评价过，每次服务只能评价一次。",
                       "This service has already been rated; each service can be rated once.")


def submit_with_token(token: str, *, level, answers=None, comment=None, channel: str = Channel.QR,
                      idempotency_key: str | None = None, user=None, anonymous: bool = False) -> tuple[Rating, bool]:
    """A citizen's rating through a link or QR code. Returns (rating, created)."""
    claims = claims_of(token)
    data = clean_input(level, answers, comment)
    if channel not in LINK_CHANNELS:
        raise InvalidInput("评价渠道无效。", "Channel must be one of " + ", ".join(sorted(LINK_CHANNELS)) + ".",
                           field="channel")
    key = _clean_key(idempotency_key)
    if claims.stage == Stage.FOLLOWUP:  # 追评: the token names a rectification ticket, not a case
        if not events.followup_submit.available:
            raise Conflict("暂不支持追评。", "Follow-up ratings are not available.")
        return events.followup_submit(claims, data, channel, key)
    case = case_for_rating(claims.case_id, fields=RATE_FIELDS)
    check_open(case, claims.stage, claims.expires_at)
    refuse_own_case(case, user)
    rating = rating_for_case(case, claims.stage, data, channel=channel, idempotency_key=key)
    if anonymous:
        rating.real_name, rating.rater_name, rating.rater_phone = False, "", ""
    return store(rating)


def new_submission_key() -> str:
    """A fresh idempotency key for a rating form, so a double tap or a resent form stores one rating."""
    return "form_" + secrets.token_urlsafe(16)


def _clean_key(key) -> str | None:
    if key in (None, ""):
        return None
    if not isinstance(key, str) or len(key) > 80 or not key.isprintable():
        raise InvalidInput("幂等键无效（最多 80 个字符）。", "Idempotency key must be printable text of at most 80 "
                           "characters.", field="idempotency_key")
    return key


# ---------------------------------------------------------------- rating devices

def register_device(actor, *, window, name: str, kind: str = Channel.WINDOW_DEVICE) -> tuple[Device, str]:
    """A new device for a window; the key is returned once and only its hash is kept."""
    from bianmin.cases.services import may

    if not may(actor, Perm.MANAGE_DEVICES, site=window.site):
        raise PermissionDenied("您无权管理该窗口的评价器。", "You may not manage devices of this window.")
    name = text({"name": name}, "name", "设备名称", "Device name", max_len=60)
    if kind not in (Channel.WINDOW_DEVICE, Channel.HALL_TABLET):
        raise InvalidInput("设备类型无效。", "Kind must be window_device or hall_tablet.", field="kind")
    key = "dev_" + secrets.token_urlsafe(24)
    device = Device.objects.create(window=window, name=name, kind=kind, key_hash=Device.hash(key), created_by=actor)
    return device, key


def device_for_key(key: str) -> Device | None:
    if not key or len(key) > 100 or not key.startswith("dev_"):
        return None
    return Device.objects.select_related("window", "window__site").filter(key_hash=Device.hash(key), active=True).first()


def pending_case_for_device(device: Device, *, within_minutes: int = 30) -> tuple[Case, str] | None:
    """The case just served at the device's window that still awaits a rating: the most recent case
    there with an open, unrated stage reached within the last `within_minutes`."""
    now = timeutil.now()
    since = now - dt.timedelta(minutes=within_minutes)
    recent = (Case.objects.select_related("site", "site__unit", "item", "window", "handled_by__staff")
              .filter(window=device.window, created_at__gte=now - dt.timedelta(days=400))
              .order_by("-id")[:10])
    for case in recent:
        rated = rated_stages(case)
        for stage in reversed(eligibility.open_stages(case, now)):
            moment = eligibility.stage_moment(case, stage)
            if stage not in rated and moment and moment >= since:
                return case, stage
    return None


def submit_from_device(device: Device, *, case_id, level, answers=None, comment=None,
                       idempotency_key: str | None = None) -> tuple[Rating, bool]:
    data = clean_input(level, answers, comment)
    if not isinstance(case_id, int) or isinstance(case_id, bool):
        raise InvalidInput("请指定办件。", "case_id must be a number.", field="case_id")
    case = case_for_rating(case_id)
    if case.window_id != device.window_id:
        raise PermissionDenied("该办件不是在本窗口办理的。", "This case was not served at this device's window.",
                               code="other_window")
    now = timeutil.now()
    rated = rated_stages(case)
    stages = [s for s in eligibility.open_stages(case, now) if s not in rated]
    key = _clean_key(idempotency_key)
    if not stages and key:
        # A retry of a submission that was stored (a double tap, a resent request) gets its rating back.
        existing = Rating.objects.filter(idempotency_key=key, case=case, device=device).first()
        if existing is not None:
            return existing, False
    if not stages:
        check_open(case, eligibility.link_stage(case, rated, now))  # explains why (not yet / expired)
        raise AlreadyRated("该办件已评价过，每次服务只能评价一次。",
                           "This service has already been rated; each service can be rated once.")
    Device.objects.filter(pk=device.pk).update(last_seen_at=now)
    return store(rating_for_case(case, stages[-1], data, channel=device.kind, device=device,
                                  idempotency_key=key))


# ---------------------------------------------------------------- paper forms

def enter_paper_rating(actor, *, case: Case, level, answers=None, comment=None, stage: str | None = None) -> Rating:
    """A paper 评价表 keyed in by staff: marked as paper and by whom; never by the case's own handler."""
    from bianmin.cases.services import may

    if not may(actor, Perm.ENTER_RATING, site=case.site):
        raise PermissionDenied("您无权录入该场所的评价表。", "You may not enter rating forms for this site.")
    refuse_own_case(case, actor)
    data = clean_input(level, answers, comment)
    now = timeutil.now()
    rated = rated_stages(case)
    stage = stage or eligibility.link_stage(case, rated, now)
    if stage not in Stage.values:
        raise InvalidInput("评价环节无效。", "Unknown stage.", field="stage")
    check_open(case, stage)
    rating, created = store(rating_for_case(case, stage, data, channel=Channel.PAPER, entered_by=actor))
    if not created:
        raise AlreadyRated("该办件在此环节已评价过。", "This case has already been rated at this stage.")
    return rating


def deactivate_device(actor, device: Device) -> Device:
    """Revoke a device: its key stops working at once (a lost or replaced tablet). Idempotent."""
    from bianmin.cases.services import may

    if not may(actor, Perm.MANAGE_DEVICES, site=device.window.site):
        raise PermissionDenied("您无权管理该窗口的评价器。", "You may not manage devices of this window.")
    if device.active:
        Device.objects.filter(pk=device.pk).update(active=False)
        device.active = False
    return device


def touch_device(device: Device, *, every_seconds: int = 60) -> None:
    """Note that the device is alive (shown to its manager), at most one write a minute per device."""
    now = timeutil.now()
    stale = Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=now - dt.timedelta(seconds=every_seconds))
    Device.objects.filter(stale, pk=device.pk).update(last_seen_at=now)


# ---------------------------------------------------------------- honesty flags

def review_flag(actor, flag: RatingFlag, note) -> RatingFlag:
    """A supervisor records that a flagged rating was looked at, and what was found (Action.REVIEW_FLAGS says
    why a centre manager only sees the flags). The rating itself is kept and counted as it is; the flag keeps
    who reviewed it and when."""
    from .selectors import may_review_flags

    if not may_review_flags(actor, flag.rating):
        raise PermissionDenied("您无权核查该评价。", "You may not review this rating.")
    note = text({"note": note}, "note", "核查意见", "Review note", max_len=300)
    # One conditional UPDATE: two reviewers at once cannot both record a review.
    updated = RatingFlag.objects.filter(pk=flag.pk, reviewed_at__isnull=True).update(
        reviewed_by=actor, reviewed_at=timeutil.now(), review_note=note)
    if not updated:
        raise Conflict("该异常已核查过。", "This flag has already been reviewed.", code="already_reviewed")
    flag.refresh_from_db()
    return flag


# ---------------------------------------------------------------- counting in statistics

MAX_EXCLUSION_REASON = 200


def exclude(rating: Rating, reason: str, by=None) -> bool:
    """Take a rating out of every statistic (SPEC §6: an approved 误评/恶意差评 finding, an upheld appeal). The
    rating is kept and shown, marked with the reason; the change is recorded with who made it, and that record
    queues the rating's rollup days for the next statistics sweep. The caller has checked the right to decide
    (rectification.services). Returns False when the rating was already excluded (nothing changes)."""
    return _set_excluded(rating, True, reason, by)


def include(rating: Rating, reason: str, by=None) -> bool:
    """Count an excluded rating again (a wrong exclusion corrected): the reverse of `exclude`, recorded and
    recounted the same way. Returns False when the rating was counted already."""
    return _set_excluded(rating, False, reason, by)


def _set_excluded(rating: Rating, excluded: bool, reason: str, by) -> bool:
    reason = (reason or "")[:MAX_EXCLUSION_REASON]
    with transaction.atomic():
        # Conditional: of two deciders at once, one changes the rating and writes the one record.
        changed = Rating.objects.filter(pk=rating.pk, excluded=not excluded).update(
            excluded=excluded, excluded_reason=reason if excluded else "")
        if changed:
            RatingExclusion.objects.create(rating_id=rating.pk, excluded=excluded, reason=reason, by=by,
                                           at=timeutil.now())
    rating.excluded = excluded
    if changed:
        rating.excluded_reason = reason if excluded else ""
    return bool(changed)

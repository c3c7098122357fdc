"""监督查评: supervisors draw a random sample of raters for return-visit surveys (SPEC §5).

The population of a survey is every real-name rater with a phone who rated a service of the unit's
subtree in the period (local dates, both ends included) through a rating that counts
(Rating.objects.counted(): no follow-ups, no excluded or default good ratings); each phone counts once, through its earliest rating in the period. The sample is
`ceil(rate × population)` raters drawn with `random.Random(seed)` from the population ordered by
rating id, and the seed is stored: the same seed over the same data draws the same sample, so anyone
can check that a sample was not hand-picked.

Each sampled rater gets a visit: 已回访 with three scores of 1–5 (政策知悉度, 办事便利度, 服务满意度) or
未接通. An unreached visit can be tried again; a completed one is final.
"""
from __future__ import annotations

import datetime as dt
import math
import random
import secrets
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from bianmin.core import timeutil
from bianmin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bianmin.core.inputs import date as clean_date
from bianmin.core.inputs import text as clean_text
from bianmin.orgs.models import Unit
from bianmin.orgs.roles import Action as Perm

from .feedback_scope import unit_in_scope
from .models import Rating, Score, Survey, SurveyVisit

MAX_SEED = 2**63 - 1  # Survey.seed is a signed 64-bit column
SCORE_FIELDS = (("policy_awareness", "政策知悉度", "Policy awareness"),
                ("convenience", "办事便利度", "Convenience"),
                ("satisfaction", "服务满意度", "Satisfaction"))


def _require_scope(actor, unit: Unit) -> None:
    if not unit_in_scope(actor, Perm.SURVEY, unit):
        raise PermissionDenied("该单位不在您的监督查评范围内。", "This unit is outside your survey scope.")


def clean_rate(rate) -> Decimal:
    """A share of raters, 0 < rate ≤ 1, kept to four decimals (as stored); None → the setting."""
    if rate is None or rate == "":
        rate = settings.BIANMIN["SURVEY_SAMPLE_RATE"]
    if isinstance(rate, bool):
        raise InvalidInput("抽样比例应为数字。", "rate must be a number.", field="rate")
    try:
        value = Decimal(str(rate))
    except InvalidOperation:
        raise InvalidInput("抽样比例应为数字（如 0.05 表示 5%）。", "rate must be a number (0.05 means 5%).",
                           field="rate") from None
    if not value.is_finite() or not Decimal(0) < value <= Decimal(1):
        raise InvalidInput("抽样比例应大于 0 且不超过 1（如 0.05 表示 5%）。",
                           "rate must be above 0 and at most 1 (0.05 means 5%).", field="rate")
    value = value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    if value == 0:
        raise InvalidInput("抽样比例过小（最小 0.0001）。", "rate is too small (minimum 0.0001).", field="rate")
    return value


def clean_seed(seed) -> int:
    if seed is None or seed == "":
        # Drawn below 2**53 so the seed survives JSON clients that read numbers as doubles.
        return secrets.randbelow(2**53)
    if isinstance(seed, bool):
        raise InvalidInput("随机种子应为整数。", "seed must be a whole number.", field="seed")
    try:
        value = int(seed)
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput("随机种子应为非负整数。", "seed must be a non-negative whole number.", field="seed") from None
    if isinstance(seed, float) and not seed.is_integer():
        raise InvalidInput("随机种子应为整数。", "seed must be a whole number.", field="seed")
    if not 0 <= value <= MAX_SEED:
        raise InvalidInput(f"随机种子应在 0 到 {MAX_SEED} 之间。", f"seed must be between 0 and {MAX_SEED}.", field="seed")
    return value


def _local_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, end+1 00:00) in the site's time zone, so both dates count whole."""
    zone = timezone.get_default_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=zone),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone))


def population(unit: Unit, period_start: dt.date, period_end: dt.date) -> list[int]:
    """Ids of the ratings that stand for the eligible raters: one per phone (its earliest rating in
    the period), in id order."""
    since, until = _local_bounds(period_start, period_end)
    rows = (Rating.objects.counted().filter(unit_path__startswith=unit.path, created_at__gte=since,
                                            created_at__lt=until, real_name=True)
            .exclude(rater_phone="").order_by("created_at", "id").values_list("id", "rater_phone"))
    first: dict[str, int] = {}
    for rating_id, phone in rows.iterator(chunk_size=5000):
        first.setdefault(phone.strip(), rating_id)
    return sorted(first.values())


def sample_size(rate: Decimal, size: int) -> int:
    # Decimal, not float: 0.07 × 100 must be 7, not ceil(7.000000000000001) = 8.
    return min(size, math.ceil(rate * size)) if size else 0


def draw_sample(actor, *, unit: Unit, period_start, period_end, rate=None, seed=None, title: str = "") -> Survey:
    _require_scope(actor, unit)
    start = clean_date({"period_start": period_start}, "period_start", "评价日期起", "Period start")
    end = clean_date({"period_end": period_end}, "period_end", "评价日期止", "Period end")
    if start > end:
        raise InvalidInput("评价日期起不能晚于评价日期止。", "period_start is after period_end.", field="period_start")
    if start > timeutil.today():
        raise InvalidInput("评价日期起不能晚于今天。", "period_start is in the future.", field="period_start")
    rate = clean_rate(rate)
    seed = clean_seed(seed)
    title = clean_text({"title": title}, "title", "名称", "Title", required=False, max_len=100) or (
        f"{unit.name} {start:%Y-%m-%d}至{end:%Y-%m-%d} 回访抽样")[:100]
    ids = population(unit, start, end)
    if not ids:
        raise InvalidInput("该范围和期间内没有可抽样的实名评价（须留有电话、未被排除、非默认好评）。",
                           "No real-name ratings with a phone in this unit and period to sample from.",
                           code="empty_population")
    chosen = sorted(random.Random(seed).sample(ids, sample_size(rate, len(ids))))
    with transaction.atomic():
        survey = Survey.objects.create(title=title, unit=unit, period_start=start, period_end=end, rate=rate,
                                       seed=seed, population=len(ids), drawn_by=actor)
        SurveyVisit.objects.bulk_create([SurveyVisit(survey=survey, rating_id=rid) for rid in chosen])
    return survey


# ---------------------------------------------------------------- visits

def _clean_score(value, field: str, zh: str, en: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidInput(f"{zh}应为 1 到 5 的整数。", f"{en} must be a whole number from 1 to 5.", field=field)
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        number = None
    if number is None or (isinstance(value, float) and not value.is_integer()) or number not in Score.values:
        raise InvalidInput(f"{zh}应为 1 到 5 的整数（5 为很高，1 为很低）。",
                           f"{en} must be a whole number from 1 (very low) to 5 (very high).", field=field)
    return number


def record_visit(actor, visit: SurveyVisit, *, status, policy_awareness=None, convenience=None, satisfaction=None,
                 note="") -> SurveyVisit:
    survey = visit.survey
    _require_scope(actor, survey.unit)
    if status not in (SurveyVisit.Status.DONE, SurveyVisit.Status.UNREACHED):
        raise InvalidInput("请选择回访结果：已回访或未接通。", "status must be done or unreached.", field="status")
    given = {"policy_awareness": policy_awareness, "convenience": convenience, "satisfaction": satisfaction}
    scores = {field: _clean_score(given[field], field, zh, en) for field, zh, en in SCORE_FIELDS}
    if status == SurveyVisit.Status.DONE:
        missing = [zh for field, zh, _ in SCORE_FIELDS if scores[field] is None]
        if missing:
            first = next(field for field, _, _ in SCORE_FIELDS if scores[field] is None)
            raise InvalidInput("已回访须填写三项评分：" + "、".join(missing) + "。",
                               "A completed visit needs all three scores (1–5).", field=first)
    elif any(v is not None for v in scores.values()):
        raise InvalidInput("未接通的回访不填写评分。", "An unreached visit has no scores.", field="status")
    note = clean_text({"note": note}, "note", "回访记录", "Note", required=False, max_len=500)
    # Conditional update: a completed visit is final, and two people saving at once cannot both win.
    updated = (SurveyVisit.objects.filter(pk=visit.pk, status__in=[SurveyVisit.Status.PENDING,
                                                                   SurveyVisit.Status.UNREACHED])
               .update(status=status, note=note, visited_by=actor, visited_at=timeutil.now(), **scores))
    if not updated:
        raise Conflict("该回访已完成，不能再修改。", "This visit is already completed and cannot be changed.",
                       code="visit_done")
    visit.refresh_from_db()
    return visit


# ---------------------------------------------------------------- reading

def visible_surveys(user) -> QuerySet[Survey]:
    return (Survey.objects.for_user(user, Perm.SURVEY)
            .select_related("unit", "drawn_by").order_by("-drawn_at", "-id"))


def get_survey(user, survey_id: int) -> Survey:
    survey = visible_surveys(user).filter(pk=survey_id).first()
    if survey is None:
        raise NotFound("该抽样不存在或无权查看。", "No such survey, or you may not see it.")
    return survey


def get_visit(survey: Survey, visit_id: int) -> SurveyVisit:
    visit = survey.visits.select_related("rating", "survey", "survey__unit").filter(pk=visit_id).first()
    if visit is None:
        raise NotFound("该回访记录不存在。", "No such visit in this survey.")
    return visit


def visits(survey: Survey) -> QuerySet[SurveyVisit]:
    return survey.visits.select_related("rating", "rating__item", "rating__site", "rating__window",
                                        "visited_by").order_by("id")


def _average(value) -> float | None:
    return None if value is None else round(float(value), 2)


def figures(survey: Survey) -> dict:
    """Completion of a survey: counts by status, completion rate (completed / sampled, in %), the
    average of each score over completed visits."""
    done = SurveyVisit.Status.DONE
    agg = survey.visits.aggregate(
        total=Count("id"), done=Count("id", filter=Q(status=done)),
        unreached=Count("id", filter=Q(status=SurveyVisit.Status.UNREACHED)),
        pending=Count("id", filter=Q(status=SurveyVisit.Status.PENDING)),
        policy_awareness=Avg("policy_awareness", filter=Q(status=done)),
        convenience=Avg("convenience", filter=Q(status=done)),
        satisfaction=Avg("satisfaction", filter=Q(status=done)),
    )
    total = agg["total"]
    return {
        "total": total, "done": agg["done"], "unreached": agg["unreached"], "pending": agg["pending"],
        "completion_rate": round(100 * agg["done"] / total, 1) if total else 0.0,
        "averages": {field: _average(agg[field]) for field, _, _ in SCORE_FIELDS},
    }

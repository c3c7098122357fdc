"""Awards (S002 考核奖惩制度, issue 17 §3): the monthly 流动红旗 and star staff (服务之星), the annual 便民服务先进单位
and 便民服务先进个人, decided from the scores staffops.facts derived, and the worker job that awards them on the 1st.

Rules, as decided here:
- 流动红旗: among the site's windows, the highest monthly points (scores.window_scores); a tie is broken by the
  window's rating confidence bound of the month (the Wilson lower bound the stats league computes, no bound counting
  lowest), then by fewer overdue cases (cases of the window whose due moment fell in the month and whose clock ran
  past it), then by the window id (scoring.red_flag). A window with a standing award-barring deduction (−50) in the
  year up to the month is not eligible. The flag is held during the NEXT month (current_red_flag).
- 服务之星: up to policy.stars_per_month people posted at the site's windows (the front line; the centre's managers
  are not candidates), highest monthly score first, excluding anyone with a standing personal efficiency warning of
  the month or a standing award-barring deduction in the year; ties → the better rating bound of the month, then
  more ratings, then the work id.
- Annual: the window (先进单位) and the person (先进个人) with the highest annual score (scores.annual_scores), one
  each per site; excluded: annual < policy.award_min_annual (85), any standing −50 in the year, any standing
  warning in the year (personal; for a window a collective warning on one of its departments). Ties → rating
  bound of the year, then id / work id.

Every call is idempotent: rows that exist for the site and period are kept, never duplicated or re-decided.
`detail` records how the decision was made (the tie-break and the other candidates considered)."""
from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from bianmin.cases.models import Case
from bianmin.core import timeutil
from bianmin.core.errors import InvalidInput
from bianmin.orgs.models import Site, Staff, Window, WindowPost
from bianmin.stats import ranking
from bianmin.stats.metrics import Target

from . import rules, scores, scoring
from .models import Award, Deduction, EfficiencyWarning

MONTHLY = (Award.Kind.RED_FLAG, Award.Kind.STAR)
ANNUAL = (Award.Kind.ANNUAL_UNIT, Award.Kind.ANNUAL_PERSON)
# The job tries last year's annual awards during these months only: a site where nobody is eligible gets no row,
# and must not be decided again on every run of the rest of the year.
ANNUAL_MONTHS = (1, 2, 3)
SHOWN_CANDIDATES = 5  # the runners-up recorded in `detail`


# ---------------------------------------------------------------- periods and facts

def month_end(first: dt.date) -> dt.date:
    return scoring.next_month(first) - dt.timedelta(days=1)


def previous_month(day: dt.date) -> dt.date:
    return (scoring.month_start(day) - dt.timedelta(days=1)).replace(day=1)


def _aware(day: dt.date) -> dt.datetime:
    """Local midnight at the start of `day` (TIME_ZONE, Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _bounds(level: str, site: Site, ids: list[int], date_from: dt.date, date_to: dt.date) -> dict[int, dict]:
    """{id: league entry (ratings, wilson_lower …)} of the stats league of the site over the period; ids without
    counted ratings are absent."""
    if not ids:
        return {}
    table = ranking.league_page(Target(site=site), level, date_from, date_to, ids=ids)
    return {e["id"]: e for e in table.entries}


def overdue_counts(window_ids: list[int], month: dt.date, now: dt.datetime) -> dict[int, int]:
    """{window id: cases of the window whose due moment fell in the month and whose clock ran past it (stopped
    after it, or still not stopped now)}."""
    start, end = _aware(month), _aware(scoring.next_month(month))
    late = Q(clock__stopped_at__gt=F("clock__due_at")) | Q(clock__stopped_at__isnull=True, clock__due_at__lt=now)
    counts: dict[int, int] = {}
    for window_id in (Case.objects.filter(late, window_id__in=window_ids, clock__due_at__gte=start,
                                          clock__due_at__lt=end).values_list("window_id", flat=True)):
        counts[window_id] = counts.get(window_id, 0) + 1
    return counts


def _barred(key: str, ids: list[int], year: int, until: dt.date) -> set[int]:
    """Subjects with a standing award-barring deduction (−50) in the year up to `until`'s month."""
    hits = Q(hits_person=True) if key == "staff_id" else Q(hits_window=True)
    return set(Deduction.objects.filter(hits, bars_award=True, reversed=False, **{f"{key}__in": ids},
                                        month__gte=dt.date(year, 1, 1), month__lte=until)
               .values_list(key, flat=True))


def _warned_staff(ids: list[int], first: dt.date, last: dt.date) -> set[int]:
    """People with a standing personal efficiency warning whose month lies in [first, last]."""
    return set(EfficiencyWarning.objects.filter(kind=EfficiencyWarning.Kind.PERSONAL, staff_id__in=ids,
                                                withdrawn=False, period__gte=first, period__lte=last)
               .values_list("staff_id", flat=True))


def _warned_windows(windows: list[Window], first: dt.date, last: dt.date) -> set[int]:
    """Windows one of whose departments has a standing collective warning in [first, last]."""
    units = set(EfficiencyWarning.objects.filter(kind=EfficiencyWarning.Kind.COLLECTIVE, withdrawn=False,
                                                 period__gte=first, period__lte=last)
                .values_list("unit_id", flat=True))
    if not units:
        return set()
    return {w.pk for w in windows if units & {u.pk for u in w.departments.all()}}


# The 流动红旗 passes between the windows of a hall (seed 002): a site needs at least two to compete.
RED_FLAG_MIN_WINDOWS = 2


def site_windows(site: Site) -> list[Window]:
    return list(Window.objects.filter(site=site).prefetch_related("departments").order_by("number", "pk"))


def site_front_line(site: Site) -> list[Staff]:
    """The active people posted at the site's windows: the candidates for the people's awards."""
    posted = WindowPost.objects.filter(staff=OuterRef("pk"), window__site=site)
    return list(Staff.objects.filter(Exists(posted), active=True).order_by("work_id"))


def _bound(entry: dict | None) -> float | None:
    return entry["wilson_lower"] if entry else None


def _staff_key(person: Staff, points, entry: dict | None) -> tuple:
    bound = _bound(entry)
    return (-points, -(bound if bound is not None else -1.0), -(entry["ratings"] if entry else 0), person.work_id)


# ---------------------------------------------------------------- deciding

def _red_flag(site: Site, month: dt.date, now: dt.datetime) -> Award | None:
    windows = site_windows(site)
    if len(windows) < RED_FLAG_MIN_WINDOWS:
        return None  # a village station's one proxy window would win its own flag every month
    ids = [w.pk for w in windows]
    barred = _barred("window_id", ids, month.year, month)
    eligible = [w for w in windows if w.pk not in barred]
    if not eligible:
        return None
    points = scores.window_scores([w.pk for w in eligible], month)
    bounds = _bounds("window", site, [w.pk for w in eligible], month, month_end(month))
    overdue = overdue_counts([w.pk for w in eligible], month, now)
    candidates = [scoring.Candidate(key=w.pk, points=points[w.pk], bound=_bound(bounds.get(w.pk)),
                                    overdue=overdue.get(w.pk, 0), label=str(w)) for w in eligible]
    winner, decided_by = scoring.red_flag(candidates)
    ranked = sorted(candidates, key=scoring.flag_order)
    detail = {
        "decided_by": decided_by, "held_in": scoring.next_month(month).strftime("%Y-%m"),
        "bound": winner.bound, "overdue": winner.overdue,
        "candidates": [{"window_id": c.key, "window": c.label, "points": c.points, "bound": c.bound,
                        "overdue": c.overdue} for c in ranked[:SHOWN_CANDIDATES]],
        "excluded_barred": sorted(barred),
    }
    return Award(kind=Award.Kind.RED_FLAG, site=site, period=month, window_id=winner.key, points=winner.points,
                 rank=1, detail=detail, decided_at=now)


def _stars(site: Site, month: dt.date, now: dt.datetime, how_many: int) -> list[Award]:
    people = site_front_line(site)
    ids = [p.pk for p in people]
    excluded = _barred("staff_id", ids, month.year, month) | _warned_staff(ids, month, month)
    eligible = [p for p in people if p.pk not in excluded]
    if not eligible or how_many <= 0:
        return []
    points = scores.staff_scores([p.pk for p in eligible], month)
    entries = _bounds("staff", site, [p.pk for p in eligible], month, month_end(month))
    ranked = sorted(eligible, key=lambda p: _staff_key(p, points[p.pk], entries.get(p.pk)))
    return [Award(kind=Award.Kind.STAR, site=site, period=month, staff=p, points=points[p.pk], rank=rank,
                  detail={"bound": _bound(entries.get(p.pk)),
                          "ratings": entries[p.pk]["ratings"] if p.pk in entries else 0,
                          "tie_break": "score, rating bound, ratings, work id",
                          "excluded": sorted(excluded)}, decided_at=now)
            for rank, p in enumerate(ranked[:how_many], 1)]


def _save(rows: list[Award]) -> list[Award]:
    """Each row in its own savepoint: a row another run saved meanwhile (the unique constraints) is skipped."""
    saved = []
    for row in rows:
        try:
            with transaction.atomic():
                row.save()
            saved.append(row)
        except IntegrityError:
            continue
    return saved


def award_month(site: Site, month: dt.date, now: dt.datetime | None = None) -> list[Award]:
    """The 流动红旗 and star staff of `site` for `month` (any day of it), decided once: what exists is returned
    as it is, and only a missing part is decided. Returns the month's awards of the site."""
    month = scoring.month_start(month)
    now = now or timeutil.now()
    if month >= scoring.month_start(timezone.localtime(now).date()):
        raise InvalidInput("只能评定已经结束的月份。", "Only a month that has ended can be awarded.", field="month")
    with transaction.atomic():
        Site.objects.select_for_update().filter(pk=site.pk).first()  # one run per site at a time
        existing = Award.objects.filter(site=site, period=month, kind__in=MONTHLY)
        new: list[Award] = []
        if not existing.filter(kind=Award.Kind.RED_FLAG).exists():
            flag = _red_flag(site, month, now)
            new.extend([flag] if flag else [])
        if not existing.filter(kind=Award.Kind.STAR).exists():
            new.extend(_stars(site, month, now, rules.policy_for(site.unit).stars_per_month))
        _save(new)
    return list(Award.objects.filter(site=site, period=month, kind__in=MONTHLY)
                .select_related("window", "staff").order_by("kind", "rank"))


def _annual_unit(site: Site, year: int, now: dt.datetime, minimum: int) -> tuple[Award | None, dict]:
    windows = site_windows(site)
    ids = [w.pk for w in windows]
    annual = scores.annual_scores("window_id", ids, year)
    warned = _warned_windows(windows, dt.date(year, 1, 1), dt.date(year, 12, 1))
    bounds = _bounds("window", site, ids, dt.date(year, 1, 1), dt.date(year, 12, 31))
    why = {w.pk: ("barred" if annual[w.pk][1] else "warned" if w.pk in warned
                  else "below_minimum" if annual[w.pk][0] < minimum else "") for w in windows}
    eligible = [w for w in windows if not why[w.pk]]
    ranked = sorted(eligible, key=lambda w: (-annual[w.pk][0], -(_bound(bounds.get(w.pk)) or -1.0), w.pk))
    excluded = {str(k): v for k, v in why.items() if v}
    if not ranked:
        return None, excluded
    w = ranked[0]
    return Award(kind=Award.Kind.ANNUAL_UNIT, site=site, period=dt.date(year, 1, 1), window=w,
                 points=annual[w.pk][0], rank=1, decided_at=now,
                 detail={"minimum": minimum, "excluded": excluded, "tie_break": "annual score, rating bound, id",
                         "candidates": [{"window_id": c.pk, "window": str(c), "annual": str(annual[c.pk][0])}
                                        for c in ranked[:SHOWN_CANDIDATES]]}), excluded


def _annual_person(site: Site, year: int, now: dt.datetime, minimum: int) -> Award | None:
    people = site_front_line(site)
    ids = [p.pk for p in people]
    annual = scores.annual_scores("staff_id", ids, year)
    warned = _warned_staff(ids, dt.date(year, 1, 1), dt.date(year, 12, 1))
    bounds = _bounds("staff", site, ids, dt.date(year, 1, 1), dt.date(year, 12, 31))
    why = {p.pk: ("barred" if annual[p.pk][1] else "warned" if p.pk in warned
                  else "below_minimum" if annual[p.pk][0] < minimum else "") for p in people}
    eligible = [p for p in people if not why[p.pk]]
    ranked = sorted(eligible, key=lambda p: _staff_key(p, annual[p.pk][0], bounds.get(p.pk)))
    if not ranked:
        return None
    p = ranked[0]
    return Award(kind=Award.Kind.ANNUAL_PERSON, site=site, period=dt.date(year, 1, 1), staff=p,
                 points=annual[p.pk][0], rank=1, decided_at=now,
                 detail={"minimum": minimum, "excluded": {str(k): v for k, v in why.items() if v},
                         "tie_break": "annual score, rating bound, ratings, work id",
                         "candidates": [{"staff_id": c.pk, "annual": str(annual[c.pk][0])}
                                        for c in ranked[:SHOWN_CANDIDATES]]})


def award_year(site: Site, year: int, now: dt.datetime | None = None) -> list[Award]:
    """便民服务先进单位 and 便民服务先进个人 of `site` for `year`, decided once (existing rows are kept)."""
    now = now or timeutil.now()
    if year >= timezone.localtime(now).year:
        raise InvalidInput("只能评定已经结束的年度。", "Only a year that has ended can be awarded.", field="year")
    period = dt.date(year, 1, 1)
    minimum = rules.policy_for(site.unit).award_min_annual
    with transaction.atomic():
        Site.objects.select_for_update().filter(pk=site.pk).first()
        existing = Award.objects.filter(site=site, period=period, kind__in=ANNUAL)
        new: list[Award] = []
        if not existing.filter(kind=Award.Kind.ANNUAL_UNIT).exists():
            unit, _excluded = _annual_unit(site, year, now, minimum)
            new.extend([unit] if unit else [])
        if not existing.filter(kind=Award.Kind.ANNUAL_PERSON).exists():
            person = _annual_person(site, year, now, minimum)
            new.extend([person] if person else [])
        _save(new)
    return list(Award.objects.filter(site=site, period=period, kind__in=ANNUAL)
                .select_related("window", "staff").order_by("kind", "rank"))


# ---------------------------------------------------------------- reading

def current_red_flag(site: Site, today: dt.date | None = None) -> Award | None:
    """The 流动红旗 the site holds now: the one awarded for the previous month."""
    today = today or timeutil.today()
    return (Award.objects.filter(kind=Award.Kind.RED_FLAG, site=site, period=previous_month(today))
            .select_related("site", "window").first())


# ---------------------------------------------------------------- the worker job

def sites_due(month: dt.date):
    """Active sites with windows and no monthly award yet for `month`."""
    awarded = Award.objects.filter(site=OuterRef("pk"), period=month, kind__in=MONTHLY)
    return (Site.objects.filter(status=Site.Status.ACTIVE, windows__isnull=False).distinct()
            .exclude(Exists(awarded)).select_related("unit").order_by("pk"))


def sites_due_annual(year: int):
    """Sites assessed during `year` (a monthly award of that year) without their annual awards yet."""
    period = dt.date(year, 1, 1)
    assessed = Award.objects.filter(site=OuterRef("pk"), kind__in=MONTHLY, period__gte=period,
                                    period__lt=dt.date(year + 1, 1, 1))
    done = Award.objects.filter(site=OuterRef("pk"), kind__in=ANNUAL, period=period)
    return (Site.objects.filter(Exists(assessed), status=Site.Status.ACTIVE).exclude(Exists(done))
            .select_related("unit").order_by("pk"))


def award_due(today: dt.date | None = None) -> int:
    """The worker's job (staffops_awards, after the rollups): from the 1st on, last month's awards for every active
    site with windows that has none yet; from 1 January on (until March, ANNUAL_MONTHS), also last year's annual
    awards of the sites assessed that year. Two queries when
    nothing is due. Returns the number of award rows made."""
    today = today or timeutil.today()
    now = timeutil.now()
    made = 0
    last = previous_month(today)
    for site in sites_due(last):
        before = Award.objects.filter(site=site, period=last).count()
        made += len(award_month(site, last, now)) - before
    year = today.year - 1
    for site in (sites_due_annual(year) if today.month in ANNUAL_MONTHS else ()):
        made += len(award_year(site, year, now))
    return made

"""The analytics dashboard (workbench/stats/): figures with their definitions, trend, level distribution,
comparison of the next level down, a map of sites with coordinates, league tables with month-over-month
change and the 流动红旗 candidate. Drill-down: region → child region → site → windows and staff.

Everything is read from the rollups (DESIGN rule 5) through the same functions the API uses, and scoped by
scope.resolve: a unit or site outside the person's scope is a 404, as in the API.
"""
from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from bianmin.core import award_parts, timeutil
from bianmin.core.errors import NotFound, PermissionDenied
from bianmin.core.filter_forms import PeriodFilterForm
from bianmin.orgs.models import Unit
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import can
from bianmin.ratings.models import Level

from . import breakdown, metrics, periods, queue_metrics, ranking, scope
from .models import Dimension

MAX_DAYS = 3660
LEAGUE_ROWS = 10
# The headline figures, in the order a supervisor reads them; the rest follow in the full table.
HEADLINE = ["ratings", "good_rate", "satisfaction_index", "bad", "coverage", "rectified_rate", "on_time_rate",
            "overdue"]


MAX_ID = 2**63 - 1  # larger numbers would overflow the database's bigint: dropped as invalid


class DashboardFilterForm(PeriodFilterForm):
    unit = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    site = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)


def presets(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """Quick periods; each link's title names its dates. 近12个月 is the twelve whole months before this one
    (a rolling year that does not silently start on 1 January)."""
    first = today.replace(day=1)
    last_month_end = first - dt.timedelta(days=1)
    year_ago = (first - dt.timedelta(days=360)).replace(day=1)
    default_from, default_to = periods.default_period(today)
    return [(str(_("近30天")), default_from, default_to),
            (str(_("上月")), last_month_end.replace(day=1), last_month_end),
            (str(_("本月至今")), first, today), (str(_("近12个月")), year_ago, last_month_end),
            (str(_("今年")), today.replace(month=1, day=1), today)]


def _period(data: dict, today: dt.date) -> tuple[dt.date, dt.date]:
    """Default: periods.default_period (the last 30 days); a period longer than ten years is cut to its last
    ten years."""
    date_to = data.get("date_to") or periods.default_period(today)[1]
    date_from = data.get("date_from") or date_to - dt.timedelta(days=periods.DEFAULT_DAYS - 1)
    if (date_to - date_from).days >= MAX_DAYS:
        date_from = date_to - dt.timedelta(days=MAX_DAYS - 1)
    return date_from, date_to


def breadcrumbs(target: metrics.Target, top: metrics.Target) -> list[dict]:
    """From the broadest unit the person may see down to the target, each a link."""
    unit = target.site.unit if target.site else target.unit
    top_path = top.unit.path if top.unit else None
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    units = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    crumbs = [{"name": units[i].name, "unit": i} for i in ids if i in units
              and (top_path is None or units[i].path.startswith(top_path))]
    if target.site:
        crumbs.append({"name": target.site.name, "site": target.site.pk})
    return crumbs


def targets(user, data: dict) -> tuple[metrics.Target, metrics.Target]:
    """The broadest unit the person may see, and the unit or site asked for (403 / 404 as in the API)."""
    try:
        return scope.default_target(user), scope.resolve(user, data.get("unit"), data.get("site"))
    except PermissionDenied as exc:
        raise Forbidden(str(exc)) from exc
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def period_of(data: dict) -> tuple[dt.date, dt.date]:
    return _period(data, timeutil.today())


def target_query(target: metrics.Target) -> str:
    return f"site={target.site.pk}" if target.site else f"unit={target.unit.pk}"


@login_required
def dashboard(request):
    params = request.GET.copy()
    if not params.get("date_from") and not params.get("date_to"):
        # The date fields show the period on the page (they stayed empty while the default was applied).
        default_from, default_to = periods.default_period()
        params["date_from"], params["date_to"] = default_from.isoformat(), default_to.isoformat()
    form = DashboardFilterForm(params)
    data = form.valid_data()
    top, target = targets(request.user, data)
    today = timeutil.today()
    date_from, date_to = _period(data, today)
    summary = metrics.summary(target, date_from, date_to)
    counts = metrics.rating_counts(target, date_from, date_to)
    levels = [Dimension.WINDOW, Dimension.STAFF]
    if target.unit:
        levels.insert(0, Dimension.SITE)
    leagues = []
    for level in levels:
        table = ranking.league_with_change(target, level, date_from, date_to, limit=LEAGUE_ROWS)
        leagues.append({"level": level, "label": ranking.LEVEL_LABELS[level], "entries": table.entries,
                        "total": table.total, "red_flag": table.red_flag if level == Dimension.WINDOW else None})
    below = breakdown.children(target, date_from, date_to)
    chart_data = {
        "trend": breakdown.trend(target, date_from, date_to),
        "levels": [{"name": str(Level(d["level"]).label), "value": d["count"]}
                   for d in breakdown.distribution(counts)],
        "children": [{"name": c["name"], "satisfaction_index": c["satisfaction_index"], "good_rate": c["good_rate"],
                      "ratings": c["ratings"]} for c in below],
        "map": breakdown.map_points(target, date_from, date_to),
        "labels": {"ratings": str(_("评价数")), "bad": str(_("差评数")), "good_rate": str(_("好评率")),
                   "satisfaction_index": str(_("满意度指数")), "empty": str(_("暂无数据"))},
    }
    all_rows = metrics.rows(summary)
    return render(request, "stats/dashboard.html", {
        "queue": queue_section(target, date_from, date_to),
        "form": form, "target": target, "crumbs": breadcrumbs(target, top), "date_from": date_from,
        "date_to": date_to, "period_label": periods.describe(date_from, date_to, today), "presets": presets(today),
        "headline": metrics.rows(summary, HEADLINE),
        "figures": all_rows, "leagues": leagues, "children": below, "chart_data": chart_data,
        "has_ratings": summary.ratings > 0, "ranking_definition": ranking.DEFINITION,
        "target_query": target_query(target), "league_rows": LEAGUE_ROWS,
        "points": points_league(request.user, target, date_to),
        "open_alerts": open_alerts(request.user, target),
        "exchange": exchange_state(request.user),
    })


def open_alerts(user, target: metrics.Target) -> int:
    """Open early warnings (bianmin.alerts) of the target the person may see: the figure beside the links."""
    from bianmin.alerts.selectors import open_count

    return open_count(user, unit=target.unit, site=target.site)


def exchange_state(user) -> dict | None:
    """The national exchange's queue for the people who watch it: unsent, dead letters and the lag (issue 19)."""
    from bianmin.exchange import selectors as exchange

    if not can(user, exchange.VIEW):
        return None
    state = exchange.overview(user)
    return {"pending": state["counts"]["pending"], "dead": state["counts"]["dead"], "lag": exchange.lag_text(state)}


def points_league(user, target: metrics.Target, date_to: dt.date) -> dict | None:
    """The league by points of the month of `date_to` (issue 17 §7, staffops through core.award_parts), beside the
    rating league; for the people who may see assessments."""
    if not can(user, Action.VIEW_ASSESSMENT):
        return None
    return award_parts.part(award_parts.points_league, date_to.replace(day=1), site=target.site,
                            unit=None if target.site else target.unit, limit=LEAGUE_ROWS)


def queue_section(target: metrics.Target, date_from: dt.date, date_to: dt.date) -> dict:
    """The hall's queue figures (issue 16 §7) from the queue rollup: headline, waiting time by hour of issue (the
    chart, with its table for screen readers), and the figures per window of a site or per site of a unit."""
    figures = queue_metrics.figures(target, date_from, date_to)
    hours = queue_metrics.by_hour(target, date_from, date_to)
    per = queue_metrics.by_window(target, date_from, date_to) if target.site else queue_metrics.by_site(
        target, date_from, date_to)
    return {
        "has_data": bool(figures.tickets or figures.appointments), "figures": figures,
        "headline": queue_metrics.figure_rows(figures, queue_metrics.HEADLINE),
        "all": queue_metrics.figure_rows(figures), "hours": hours, "per": per, "per_site": not target.site,
        "days": queue_metrics.by_day(target, date_from, date_to),
        "chart": {"hours": [{"hour": h["name"], "tickets": h["tickets"], "average_wait_minutes": h["average_wait_minutes"],
                             "wait_within_target_rate": h["wait_within_target_rate"]} for h in hours],
                  "target_minutes": figures.target_minutes,
                  "labels": {"tickets": str(_("取号数")), "wait": str(_("平均等候（分钟）")),
                             "within": str(queue_metrics.label("wait_within_target_rate", figures)),
                             "target": str(_("等候目标"))}},
    }

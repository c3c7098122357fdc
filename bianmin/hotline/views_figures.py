"""The hotline's figures page: the five rates of figures.py over the orders the person may see, for the whole
scope and for each department, in a period, each with its definition (how it is counted)."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from bianmin.core import timeutil
from bianmin.orgs.models import Unit
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import can

from . import figures, selectors
from .forms import FiguresFilterForm
from .models import Assignment

# The columns of the table, in the order of the issue (#5 item 8), with the key of figures.DEFINITIONS.
COLUMNS = [
    ("response", "response_rate", _("响应率")),
    ("on_time_transfer", "on_time_transfer_rate", _("按时转派率")),
    ("on_time_reply", "on_time_reply_rate", _("按时答复率")),
    ("resolution", "resolution_rate", _("解决率")),
    ("satisfaction", "satisfaction_rate", _("满意率")),
    ("first_call_resolution", "first_call_resolution_rate", _("一次办结率")),
]


def _presets(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    first = today.replace(day=1)
    last_month_end = first - dt.timedelta(days=1)
    return [(str(_("本月")), first, today), (str(_("上月")), last_month_end.replace(day=1), last_month_end),
            (str(_("今年")), today.replace(month=1, day=1), today)]


def _cells(figs: figures.Figures) -> list:
    return [getattr(figs, attr) for attr, _key, _label in COLUMNS]


@login_required
def figures_page(request):
    user = request.user
    if not can(user, Perm.VIEW_WORKORDERS):
        raise Forbidden
    orders = selectors.visible_orders(user)
    departments = Unit.objects.filter(
        pk__in=Assignment.objects.filter(order__in=orders).values("department")).order_by("path")
    form = FiguresFilterForm(request.GET or None, departments=departments)
    data = form.valid_data()
    start, end = data.get("date_from"), data.get("date_to")
    chosen = data.get("department")
    rows = []
    if chosen is None:
        rows.append({"name": _("全部（您的范围）"), "total": True,
                     "cells": _cells(figures.compute(orders, None, start, end))})
    for unit in ([chosen] if chosen else departments):
        rows.append({"name": unit.name, "total": False, "cells": _cells(figures.compute(orders, unit, start, end))})
    return render(request, "hotline/figures.html", {
        "form": form, "rows": rows, "period": (start, end), "presets": _presets(timeutil.today()),
        "columns": [(label, figures.DEFINITIONS[key]) for _attr, key, label in COLUMNS],
    })

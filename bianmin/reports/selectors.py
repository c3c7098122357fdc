"""Reports a signed-in person may see: those of the units in their statistics scope (bianmin.stats.scope).

The rule is scope.resolve's for a unit, as a query: a superuser sees every unit, a unit membership with
VIEW_STATS covers that unit's subtree, and a membership limited to one site covers no unit (a centre
manager sees the figures of their site, not of the region it belongs to). Anything else is "not found".
"""
from __future__ import annotations

from django.conf import settings

from bianmin.orgs import scoping
from bianmin.stats import scope

from .models import Report
from .services import REPORT_UNIT_KINDS


def visible_reports(user):
    """Without the files: lists never read them."""
    return Report.objects.for_user(user, scope.ACTION).select_related("unit").defer("excel", "pdf")


def get_report(user, report_id: int) -> Report | None:
    return Report.objects.for_user(user, scope.ACTION).filter(pk=report_id).select_related("unit").first()


def units_for_form(user):
    """Units a person may ask a report for: regions and enterprises in scope, down to the lowest level that
    gets reports on the calendar."""
    conf = settings.BIANMIN
    levels = set(conf["REPORT_UNIT_LEVELS"]) | set(conf["REPORT_QUARTERLY_UNIT_LEVELS"])
    return (scoping.units_for(user, scope.ACTION).filter(kind__in=REPORT_UNIT_KINDS, level__in=levels)
            .order_by("path"))

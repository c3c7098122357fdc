"""The standardisation checklist shown on other apps' pages (the staff site page 中心概况, the stats dashboard)
through a template tag, so those apps import nothing of staffops (tests/test_import_cycles.py)."""
from django import template

from bianmin.orgs.models import Site

from .. import sitecheck

register = template.Library()
DASHBOARD_ROWS = 10


@register.inclusion_tag("staffops/checklist_card.html", takes_context=True)
def site_checklist_card(context, site):
    """The site's checklist score and the items that fail (workbench/site.html)."""
    found = sitecheck.checklist_summary([site])[0] if site is not None else None
    return {"row": found, "can_view_assessment": context.get("can_view_assessment")}


@register.inclusion_tag("staffops/checklist_dashboard.html", takes_context=True)
def checklist_dashboard_card(context, target):
    """The sites of a stats target (a site, or a unit's subtree) with their checklist score, those with failing
    items first (stats/dashboard.html)."""
    if getattr(target, "site", None) is not None:
        sites = [target.site]
    elif getattr(target, "unit", None) is not None:
        sites = list(Site.objects.filter(unit__path__startswith=target.unit.path)
                     .order_by("unit__path", "pk")[:500])
    else:
        sites = []
    rows = [r for r in sitecheck.checklist_summary(sites) if r["answered"]]
    failing = sorted([r for r in rows if r["failing"]], key=lambda r: (r["score"], r["site"].pk))
    return {"rows": failing[:DASHBOARD_ROWS], "more": max(len(failing) - DASHBOARD_ROWS, 0), "checked": len(rows),
            "sites": len(sites), "passing": len(rows) - len(failing),
            "can_view_assessment": context.get("can_view_assessment")}

"""Citizen pages: guide search, the guide itself and the printable one-time notification (SPEC §2, §4).

Everything shown is read from the guide version in effect (catalog.selectors), the same record the API
and the hall board use. Secret items and items without a published guide are 404 here.
"""
from __future__ import annotations

from itertools import groupby

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from bianmin.cases.models import Notice
from bianmin.cases.notices import notice_number
from bianmin.catalog import searchlog, selectors
from bianmin.catalog.models import GuideVersion, Item
from bianmin.core import award_parts, inputs, timeutil
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import can, own_site, sites_for

PAGE_SIZE = 20


def home(request):
    entries = selectors.with_versions(
        selectors.public_items().select_related("accepting_unit").order_by("accepting_unit__path", "search_pinyin"))
    departments = [(unit, list(group)) for unit, group in groupby(entries, key=lambda e: e.item.accepting_unit)]
    frequent = [e for e in entries if e.guide.get("flags", {}).get("high_frequency")]
    frequent.sort(key=lambda e: e.item.search_pinyin)
    # The 流动红旗 the sites hold this month (staffops, through core.award_parts; none when it is not installed).
    red_flags = award_parts.part(award_parts.red_flags_of_unit, None) or []
    return render(request, "portal/home.html", {"frequent": frequent, "departments": departments,
                                                "red_flags": red_flags})


def search(request):
    raw = (request.GET.get("q") or "").strip()
    q = raw[:selectors.MAX_QUERY]
    page = inputs.page_number(request.GET.get("page"))
    start = (page - 1) * PAGE_SIZE
    # One extra row tells whether a next page exists without counting the whole catalogue.
    rows = selectors.with_versions(selectors.search(q)[start:start + PAGE_SIZE + 1])
    if page == 1:  # count each search once, not each page of it (catalog.searchlog)
        searchlog.record(q, found=bool(rows))
    return render(request, "portal/search.html", {
        "q": q, "too_long": len(raw) > len(q), "results": [_summary(e) for e in rows[:PAGE_SIZE]],
        "page": page, "has_next": len(rows) > PAGE_SIZE,
        "close_matches": bool(rows) and getattr(rows[0].item, "close_match", False),
    })


def _published(code: str) -> tuple[Item, GuideVersion]:
    found = selectors.public_item(code)
    if found is None:
        raise Http404
    return found


def _summary(entry) -> dict:
    g = entry.guide
    return {"g": g, "committed": selectors.limit_text(g.get("committed_limit")),
            "flags": selectors.flag_labels(g.get("flags"))}


def _present(g: dict) -> dict:
    """Labels the templates need next to the snapshot (units, flags, channels)."""
    return {
        "statutory": selectors.limit_text(g.get("statutory_limit")),
        "committed": selectors.limit_text(g.get("committed_limit")),
        "flags": selectors.flag_labels(g.get("flags")),
        "channels": selectors.channel_labels(g.get("channels")),
    }


def _windows(item: Item, site=None) -> list[dict]:
    """Windows that accept the item: those of the issuing staff member's site first, else all."""
    windows = item.windows.select_related("site").order_by("site__name", "number")
    if site is not None and windows.filter(site=site).exists():
        windows = windows.filter(site=site)
    return [{"site": w.site.name, "site_id": w.site_id, "number": w.number, "name": w.name, "address": w.site.address,
             "hours": w.site.opening_hours} for w in windows]


def _notice_content(item: Item, version, site=None) -> dict:
    """The one-time notification: the guide snapshot plus the version it came from and where to go."""
    return {**version.content, "version": version.number, "effective_date": version.effective_date.isoformat(),
            "windows": _windows(item, site)}


def guide(request, code: str):
    item, version = _published(code)
    g = version.content
    return render(request, "portal/guide.html", {
        "g": g, "version": version, "windows": _windows(item), **_present(g),
    })


def _issuing_site(user):
    """The site the staff member works at, from a membership that lets them handle cases."""
    return own_site(user, Action.HANDLE_CASE)


@require_http_methods(["GET", "POST"])
def notice(request, code: str):
    item, version = _published(code)
    may_issue = request.user.is_authenticated and can(request.user, Action.HANDLE_CASE)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        site = _issuing_site(request.user) if may_issue else None
        if site is None:
            raise PermissionDenied
        issued = Notice.objects.create(
            kind=Notice.Kind.ONE_TIME, number=notice_number(Notice.Kind.ONE_TIME, timeutil.today().year),
            item=item, site=site, created_by=request.user, content=_notice_content(item, version, site),
        )
        return redirect("portal:issued_notice", notice_id=issued.pk)
    g = _notice_content(item, version)
    return render(request, "portal/notice.html", {"g": g, "may_issue": may_issue, "site": None,
                                                  "date": timeutil.today(), **_present(g)})


def issued_notice(request, notice_id: int):
    """A numbered notification, reprinted exactly as issued (its own snapshot, not today's guide)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can(request.user, Action.HANDLE_CASE):
        raise PermissionDenied
    issued = get_object_or_404(Notice.objects.select_related("site", "item"), pk=notice_id,
                               kind=Notice.Kind.ONE_TIME, case__isnull=True,
                               site__in=sites_for(request.user, Action.HANDLE_CASE))
    g = issued.content
    return render(request, "portal/notice.html", {
        "g": g, "notice": issued, "site": issued.site, "date": timezone.localtime(issued.created_at).date(),
        "may_issue": False, **_present(g),
    })


def result_notices(request):
    """办结公告: the results the law requires to be published, while their notice period runs (no personal data
    beyond the applicant as the notice names them)."""
    from bianmin.cases import result_notices as board

    notices = board.current().order_by("-published_at", "-id")
    page = Paginator(notices, 30).get_page(inputs.page_number(request.GET.get("page")))
    return render(request, "portal/result_notices.html", {"page": page})

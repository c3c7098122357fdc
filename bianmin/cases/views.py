"""Staff workbench pages: the clerk's queue, case pages with every transition, printed notices,
the first-contact log and the manager's view of the site. They call the same services as the API."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.catalog.models import Item
from bianmin.core import timeutil
from bianmin.core.clocks import state_of
from bianmin.core.errors import DomainError
from bianmin.core.privacy import log_unmask
from bianmin.orgs import scoping
from bianmin.orgs.models import Site, Unit, Window
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.roles import Role
from bianmin.orgs.scoping import can, own_site, sites_for

from . import notices as case_notices
from . import page_parts, returns, selectors, services, special_procedures
from .forms import ItemNotChosen, action_data, item_options, resolve_item
from .models import ACTION_LABELS, Case, Delivery, FirstContact, Notice, RejectionGround, ReturnGround, SpecialProcedure
from .states import OPEN, Action, Status, is_allowed
from .views_first_contacts import FIRST_CONTACTS_PER_PAGE  # noqa: F401  (the page moved; earlier callers import it here)

# The cases a window is working on: not those waiting for the applicant's materials or followed at a higher site.
AT_THE_WINDOW = [Status.REGISTERED, Status.ACCEPTED, Status.HANDED_OVER, Status.RESULT_RETURNED]


def _site_of(user) -> Site | None:
    return own_site(user, Perm.VIEW_SITE)


@login_required
def home(request):
    if not can(request.user, Perm.VIEW_CASE):
        # A 12345 agent has no counter cases: their workbench is the hotline's work-order list.
        if can(request.user, Perm.TAKE_CALL) or can(request.user, Perm.VIEW_WORKORDERS):
            return redirect("hotline:orders")
        return render(request, "workbench/no_role.html", status=403)
    buckets = selectors.queue(request.user)
    q = (request.GET.get("q") or "").strip()[:50]
    found = None
    if q:
        found = selectors.with_states(selectors.visible_cases(request.user).filter(
            Q(number__icontains=q) | Q(applicant_name__icontains=q) | Q(item__name__icontains=q))
            .prefetch_related("clock__pauses")[:50])
    return render(request, "workbench/home.html", {
        "buckets": buckets, "site": _site_of(request.user), "q": q, "found": found,
        "can_register": can(request.user, Perm.HANDLE_CASE),
    })


def _items_for_site(site: Site):
    return Item.objects.filter(windows__site=site).distinct().order_by("name")


@login_required
def new_case(request):
    site = _site_of(request.user)
    if site is None or not services.may(request.user, Perm.HANDLE_CASE, site=site):
        raise Http404
    items = _items_for_site(site)
    windows = Window.objects.filter(site=site).order_by("number")
    ctx = {"site": site, "items": items, "item_options": item_options(items), "windows": windows, "form": request.POST}
    # 受理 from the calling panel (/workbench/queue/): the called ticket prefills the item and window, and the
    # case registered here is linked to it (queueing.services.link_case).
    ticket = _queue_ticket(request, site)
    if ticket is not None and request.method != "POST":
        ctx["form"] = {"item_code": ticket.item.code if ticket.item_id else "",
                       "window_id": str(ticket.window_id or "")}
    ctx["ticket"] = ticket
    if request.method == "POST":
        post = request.POST
        try:
            # A suggestion picked after an ambiguous entry (item_choice) wins over the words typed.
            item = resolve_item(post.get("item_choice") or post.get("item_code", ""), items)
            entrustment = None
            if post.get("is_proxy"):
                entrustment = {"agent_name": post.get("agent_name", ""), "agent_phone": post.get("agent_phone", ""),
                               "scope": post.get("agent_scope", ""), "due_date": post.get("agent_due_date", "")}
            case = services.register_case(
                request.user, site=site, item=item,
                applicant={"name": post.get("applicant_name", ""), "phone": post.get("applicant_phone", ""),
                           "id_number": post.get("applicant_id_number", ""), "org": post.get("applicant_org", "")},
                window_id=int(post["window_id"]) if post.get("window_id", "").isdigit() else None,
                urgent=bool(post.get("urgent")), entrustment=entrustment, question=post.get("question", ""))
        except DomainError as exc:
            ctx["error"] = exc
            ctx["item_choices"] = exc.choices if isinstance(exc, ItemNotChosen) else []
            return render(request, "workbench/new_case.html", ctx, status=exc.status)
        messages.success(request, _("已登记办件 %(number)s。") % {"number": case.number})
        if ticket is not None:
            from bianmin.queueing.services import link_case

            try:
                link_case(request.user, ticket.pk, case)
            except DomainError as exc:  # the case stands; only the link to the ticket failed
                messages.warning(request, exc.en if request.LANGUAGE_CODE == "en" else exc.zh)
        return redirect("workbench:case", case_id=case.pk)
    return render(request, "workbench/new_case.html", ctx)


def _queue_ticket(request, site: Site):
    """The queue ticket named by `?ticket=` (or the form's `ticket` field) at the clerk's site, else None."""
    from bianmin.queueing.models import QueueTicket

    raw = request.POST.get("ticket") or request.GET.get("ticket") or ""
    if not raw.isdigit() or len(raw) > 18:
        return None
    return (QueueTicket.objects.for_user(request.user, Perm.HANDLE_CASE).select_related("item")
            .filter(pk=int(raw), site=site).first())


def _case_context(request, case: Case, **extra) -> dict:
    state = state_of(case.clock) if case.clock else None
    hstate = state_of(case.handover_clock) if case.handover_clock_id else None
    actions = services.available_actions(case, request.user)
    # Who may be named to approve an extension: the managers and supervisors whose grant reaches the site.
    approvers = scoping.people([Role.MANAGER, Role.SUPERVISOR], case.site, scoping.SITES)
    return {
        "case": case, "state": state, "hstate": hstate, "actions": actions,
        "action_labels": {a.value: ACTION_LABELS[a] for a in Action},
        "may_handle": services.may(request.user, Perm.HANDLE_CASE, site=case.site),
        "may_return": bool(case.handover_department_id and services.may(
            request.user, Perm.RETURN_RESULT, department=case.handover_department)),
        "may_unmask": services.may(request.user, Perm.UNMASK, site=case.site),
        "events": case.events.select_related("actor", "actor__staff"),
        "notices": case.notices.all(),
        "joint_tasks": [(t, state_of(t.clock)) for t in case.joint_tasks.select_related("department", "clock")],
        "departments": Unit.objects.filter(kind=Unit.Kind.DEPARTMENT,
                                           path__startswith=_county_path(case.site.unit)).order_by("name"),
        "upper_sites": Site.objects.filter(unit__path__in=_ancestor_paths(case.site.unit)).exclude(unit=case.site.unit),
        "approvers": approvers,
        "rejection_grounds": RejectionGround.choices,
        "return_grounds": ReturnGround.choices,
        "special_kinds": SpecialProcedure.Kind.choices,
        "special_procedures": [(p, special_procedures.overran(p)) for p in case.special_procedures.all()],
        "returns": case.returns.select_related("notice", "review_clock"),
        # Shown while a return can still be decided (the state table's rule).
        "return_decision_due": (returns.decision_due(case)
                                if is_allowed(Action.RETURN_APPLICATION, case.status) else None),
        "review_days": settings.BIANMIN["RETURN_REVIEW_WORKDAYS"],
        "result_notice": getattr(case, "result_notice", None),
        "deliveries": Delivery.choices,
        "today": timeutil.today(),
        "rating_panel": page_parts.part(page_parts.rating_panel, request.user, case),
        "delay_panel": page_parts.part(page_parts.delay_panel, request.user, case),
        "completion_receipt": case_notices.has_completion_receipt(case),
        **extra,
    }


def case_page_response(request, case: Case, *, status: int = 200, **extra):
    """The case page, also re-rendered by other apps' forms on it (a paper rating) to show an error."""
    return render(request, "workbench/case.html", _case_context(request, case, **extra), status=status)


def _ancestor_paths(unit: Unit) -> list[str]:
    parts = [p for p in unit.path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _county_path(unit: Unit) -> str:
    """Departments offered for hand-over: those of the county (or the nearest region above) of the site."""
    node = unit
    while node.level not in (Unit.Level.COUNTY, Unit.Level.CITY, Unit.Level.PROVINCE) and node.parent_id:
        node = node.parent
    return node.path


@login_required
def case_page(request, case_id: int):
    case = selectors.get_case(request.user, case_id)
    if case is None:
        raise Http404
    return case_page_response(request, case)


@login_required
def case_action(request, case_id: int, action: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    case = selectors.get_case(request.user, case_id)
    if case is None:
        raise Http404
    try:
        case = services.transition(case.pk, action, request.user, action_data(action, request.POST))
    except DomainError as exc:
        case.refresh_from_db()
        ctx = _case_context(request, case, error=exc, failed_action=action, form=request.POST)
        return render(request, "workbench/case.html", ctx, status=exc.status)
    messages.success(request, _("操作成功：%(action)s") % {"action": ACTION_LABELS[Action(action)]})
    return redirect("workbench:case", case_id=case.pk)


@login_required
def case_unmask(request, case_id: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    case = selectors.get_case(request.user, case_id)
    if case is None or not services.may(request.user, Perm.UNMASK, site=case.site):
        raise Http404
    try:
        log_unmask(request.user, case, request.POST.get("reason", ""))
    except DomainError as exc:
        return render(request, "workbench/case.html", _case_context(request, case, error=exc), status=exc.status)
    return render(request, "workbench/case.html", _case_context(request, case, unmasked=True))


@login_required
def notice_print(request, notice_id: int):
    notice = get_object_or_404(Notice.objects.select_related("case", "item", "site"), pk=notice_id)
    if notice.case_id and selectors.get_case(request.user, notice.case_id) is None:
        raise Http404
    if notice.kind == Notice.Kind.ONE_TIME:
        # One-time notifications are rendered from the guide snapshot by the portal, in one place.
        return redirect("portal:issued_notice", notice_id=notice.pk)
    case = notice.case
    state = state_of(case.clock) if case and case.clock else None
    rating_qr = page_parts.part(page_parts.receipt_qr, case) if notice.kind == Notice.Kind.RECEIPT and case else None
    extra = {}
    if notice.kind == Notice.Kind.RETURN:
        extra = {"copies": [_("第一联（窗口存根）"), _("第二联（交服务对象）")],
                 "ground": dict(ReturnGround.choices).get(notice.content.get("ground"), "")}
    elif notice.kind == Notice.Kind.SPECIAL:
        extra = {"kind_label": dict(SpecialProcedure.Kind.choices).get(notice.content.get("kind"), "")}
    return render(request, f"print/{notice.kind}.html", {"notice": notice, "case": case, "state": state,
                                                         "item": notice.item, "site": notice.site,
                                                         "rating_qr": rating_qr, **extra})


@login_required
def completion_receipt(request, case_id: int):
    """办结签收单: the result, how it is delivered, and the lines the applicant signs on collecting it."""
    case = selectors.get_case(request.user, case_id)
    if case is None or not case_notices.has_completion_receipt(case):
        raise Http404
    return render(request, "print/completion.html", {
        "case": case, "item": case.item, "site": case.site,
        "state": state_of(case.clock) if case.clock else None,
        "rating_qr": page_parts.part(page_parts.receipt_qr, case),
    })


@login_required
def site_overview(request):
    site_id = request.GET.get("site")
    managed = sites_for(request.user, Perm.MANAGE_SITE)
    site = managed.filter(pk=site_id).first() if site_id and site_id.isdigit() else _site_of(request.user)
    if site is None or not managed.filter(pk=site.pk).exists():
        site = managed.first()
    if site is None:
        raise Http404
    today = timeutil.today()
    cases = selectors.visible_cases(request.user).filter(site=site)
    start_of_day = timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()))
    counts = cases.aggregate(
        open=Count("id", filter=Q(status__in=sorted(OPEN))),
        registered_today=Count("id", filter=Q(created_at__gte=start_of_day)),
        completed_today=Count("id", filter=Q(completed_at__gte=start_of_day, status=Status.COMPLETED)),
        awaiting=Count("id", filter=Q(status=Status.AWAITING_SUPPLEMENT)),
    )
    buckets = selectors.queue(request.user)
    overdue = [c for c in buckets["overdue"] if c.site_id == site.pk]
    due_soon = [c for c in buckets["due_soon"] if c.site_id == site.pk]
    windows = (Window.objects.filter(site=site).prefetch_related("posts__staff", "departments")
               .annotate(open_cases=Count("cases", filter=Q(cases__status__in=AT_THE_WINDOW)))
               .order_by("number"))
    return render(request, "workbench/site.html", {
        "site": site, "sites": managed, "counts": counts, "overdue": overdue, "due_soon": due_soon,
        "windows": windows, "contacts_today": FirstContact.objects.filter(site=site, at__gte=start_of_day).count(),
    })

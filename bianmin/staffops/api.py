"""Assessment API (issue 17 contract): staff in scope, a person's or a window's monthly score with each line, manual
deductions, and efficiency warnings with their acknowledgement. Scoping is staffops.selectors'; every change goes
through staffops.services, the same functions as the pages."""
from __future__ import annotations

from django.db.models import Prefetch
from ninja import Query, Router
from ninja.responses import Status as HttpStatus

from bianmin.core.auth import STAFF_AUTH
from bianmin.core.errors import PermissionDenied
from bianmin.orgs.models import WindowPost
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import can

from . import scores, selectors
from .schemas import (
    AssessDeductionIn,
    AssessDeductionOut,
    AssessMonthFilter,
    AssessScoreOut,
    AssessStaffFilter,
    AssessStaffOut,
    AssessWarningFilter,
    AssessWarningOut,
    deduction_dict,
    sheet_dict,
    warning_dict,
)
from .subjects import a_post_window

router = Router(tags=["staffops"])


def _require(user, action: str, zh: str, en: str) -> None:
    if not can(user, action):
        raise PermissionDenied(zh, en)


@router.get("/staff", response=list[AssessStaffOut], auth=STAFF_AUTH, summary="Staff in your assessment scope",
            description="Managers (their sites) and supervisors (their subtree). `windows`: the labels of the "
                        "windows where the person holds a post, A posts first; `window_ids` the same windows' ids.")
def list_staff(request, filters: Query[AssessStaffFilter]):
    _require(request.auth, Action.VIEW_ASSESSMENT, "您无权查看工作人员考核。", "You may not see staff assessments.")
    rows = selectors.search_staff(request.auth, filters.site, filters.q).prefetch_related(
        Prefetch("posts", queryset=WindowPost.objects.select_related("window").order_by("post", "window__number")))
    return [{"id": s.pk, "name": s.name, "work_id": s.work_id, "username": s.user.username if s.user else None,
             "windows": [str(p.window) for p in s.posts.all()], "window_ids": [p.window_id for p in s.posts.all()]}
            for s in rows[:500]]


@router.get("/staff/{staff_id}/score", response=AssessScoreOut, auth=STAFF_AUTH,
            summary="A person's monthly score and its lines",
            description="Your own, or a staff member in your assessment scope (else 404).")
def staff_score(request, staff_id: int, filters: Query[AssessMonthFilter]):
    month = selectors.parse_month(filters.month)
    staff = selectors.staff_for(request.auth, staff_id)
    return sheet_dict(scores.staff_sheet(staff, month), staff=staff)


@router.get("/windows/{window_id}/score", response=AssessScoreOut, auth=STAFF_AUTH,
            summary="A window's monthly score and its lines",
            description="A window of a site in your assessment scope (else 404); `warnings` are those of the "
                        "window's posted staff.")
def window_score(request, window_id: int, filters: Query[AssessMonthFilter]):
    month = selectors.parse_month(filters.month)
    window = selectors.window_for(request.auth, window_id)
    return sheet_dict(scores.window_sheet(window, month), window=window)


@router.post("/staff/{staff_id}/deductions", response={201: AssessDeductionOut}, auth=STAFF_AUTH,
             summary="Enter a manual deduction (manager)",
             description="`rule`: a code of the person's schedule (unknown or switched off → 422); someone outside "
                         "your scope → 404. The deduction counts in the month of `at` (default now).")
def add_deduction(request, staff_id: int, payload: AssessDeductionIn):
    from . import services

    _require(request.auth, Action.ASSESS, "您无权扣分。", "You may not enter deductions.")
    staff = selectors.staff_for(request.auth, staff_id, Action.ASSESS)
    if payload.window is not None:
        window = selectors.window_for(request.auth, payload.window, Action.ASSESS)
    else:  # the window the person answers for (their A post), so a rule that hits the window reaches it
        window = a_post_window(staff)
    row = services.add_deduction(request.auth, staff, payload.rule, payload.note, at=payload.at, window=window)
    return HttpStatus(201, deduction_dict(row))


@router.get("/warnings", response=list[AssessWarningOut], auth=STAFF_AUTH, summary="Efficiency warnings (效能告诫)",
            description="Your own; a site manager's site; a supervisor's subtree. `from`/`to`: YYYY-MM-DD on the "
                        "warning's date; `unit`: within that unit's subtree. Each has `staff` (personal) or only "
                        "`unit` (collective).")
def list_warnings(request, filters: Query[AssessWarningFilter]):
    rows = selectors.warnings_for(request.auth, unit_id=filters.unit,
                                  start=selectors.parse_day(filters.from_, "from"),
                                  end=selectors.parse_day(filters.to, "to"))
    return [warning_dict(w) for w in rows[:1000]]


@router.post("/warnings/{warning_id}/acknowledge", response=AssessWarningOut, auth=STAFF_AUTH,
             summary="Acknowledge (签收) an efficiency warning",
             description="The person warned; for a collective warning a manager of the department's site.")
def acknowledge_warning(request, warning_id: int):
    from . import services

    selectors.warning_for(request.auth, warning_id)  # 404 for what the person cannot see
    services.acknowledge_warning(request.auth, warning_id)
    return warning_dict(selectors.warning_for(request.auth, warning_id))

"""Read queries of the hall: the windows with who is on duty, the hours as published, the hall board, and whose
attendance a person may read."""
from __future__ import annotations

import datetime as dt

from django.db.models import Q

from bianmin.core import timeutil
from bianmin.core.errors import InvalidInput, NotFound
from bianmin.core.worktime.loader import get_calendar
from bianmin.orgs.models import Site, Staff, Window, WindowPost
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import sites_for

from . import attendance, hours, presence
from .models import DutyDay, LeaveRequest, OpeningSession, Outing
from .services import site_staff, staff_of


def windows_with_staff(site: Site) -> list[tuple[Window, list[Staff]]]:
    at = presence.on_duty_by_window(site)
    return [(w, at.get(w.pk, [])) for w in Window.objects.filter(site=site).order_by("number")]


def day_name(day: dt.date) -> str:
    """The day's name on the working-day calendar (国庆节, 调休上班 …), or empty where the calendar says nothing."""
    try:
        return get_calendar().name(day)
    except Exception:  # a year the calendar does not cover: no name, the weekday rule still holds
        return ""


def weekday_sessions(site: Site) -> list[dict]:
    """The stored sessions, or the defaults when none are stored (what hall.hours applies)."""
    rows = list(OpeningSession.objects.filter(site=site).prefetch_related("windows").order_by("start"))
    if not rows:
        return [{"kind": "regular", "start": f"{s:%H:%M}", "end": f"{e:%H:%M}", "windows": []}
                for s, e in hours.DEFAULT_SESSIONS]
    return [{"kind": r.kind, "start": f"{r.start:%H:%M}", "end": f"{r.end:%H:%M}",
             "windows": sorted(w.pk for w in r.windows.all())} for r in rows]


def duty_days(site: Site, since: dt.date, limit: int = 100) -> list[DutyDay]:
    return list(DutyDay.objects.filter(site=site, date__gte=since).prefetch_related("windows", "staff")
                .order_by("date")[:limit])


def hours_of(site: Site, today: dt.date) -> dict:
    return {"weekdays": weekday_sessions(site), "duty_days": [
        {"date": d.date, "name": day_name(d.date), "closed": d.closed,
         "start": None if d.closed else f"{d.start:%H:%M}", "end": None if d.closed else f"{d.end:%H:%M}",
         "windows": sorted(w.pk for w in d.windows.all()), "note": d.note} for d in duty_days(site, today)]}


def managed_staff(user):
    """Staff of the sites the person manages (MANAGE_SITE)."""
    sites = sites_for(user, Action.MANAGE_SITE)
    return (Staff.objects.filter(Q(posts__window__site__in=sites) | Q(user__memberships__site__in=sites))
            .distinct().order_by("work_id"))


def attendance_subject(user, work_id: str | None, month: str | None) -> tuple[Staff, tuple[int, int]]:
    """Whose attendance for which month: one's own, or a staff member of a site one manages."""
    parsed = attendance.parse_month(month, timeutil.today())
    if parsed is None:
        raise InvalidInput("月份格式应为 YYYY-MM。", "month must be written YYYY-MM.", field="month")
    if not work_id:
        return staff_of(user), parsed
    # By work id (工号, what clock-in machines know), else by staff id.
    subject = Staff.objects.filter(work_id=work_id).first()
    if subject is None and work_id.isdigit() and len(work_id) < 19:
        subject = Staff.objects.filter(pk=int(work_id)).first()
    if subject is not None and subject.user_id is not None and subject.user_id == user.pk:
        return subject, parsed
    found = subject if subject is not None and (
        user.is_superuser or managed_staff(user).filter(pk=subject.pk).exists()) else None
    if found is None:
        raise NotFound("工作人员不存在或无权查看其考勤。", "No such staff member, or you may not see their attendance.")
    return found, parsed


def board(site: Site, now: dt.datetime | None = None) -> dict:
    """Every window of the site now: who is at it (with their A/B post), its A/B posts away (leave, out, not
    signed in), and whether it stands empty while open (red)."""
    now = now or timeutil.now()
    at = presence.on_duty_by_window(site, now)
    posts: dict[int, list[WindowPost]] = {}
    for p in WindowPost.objects.filter(window__site=site).select_related("staff").order_by("post", "staff__work_id"):
        posts.setdefault(p.window_id, []).append(p)
    staff_ids = {p.staff_id for ps in posts.values() for p in ps}
    leave = {lr.staff_id: lr for lr in LeaveRequest.objects.filter(
        staff_id__in=staff_ids | set(site_staff(site).values_list("pk", flat=True)),
        status=LeaveRequest.Status.APPROVED, starts_at__lte=now, ends_at__gt=now).select_related("staff", "cover")}
    out = {o.staff_id: o for o in Outing.objects.filter(site=site, returned_at__isnull=True).select_related("staff")}
    present_ids = {s.pk for people in at.values() for s in people}
    windows = []
    for w in Window.objects.filter(site=site).order_by("number"):
        post_of = {p.staff_id: p.post for p in posts.get(w.pk, [])}
        here = [{"staff": s, "post": post_of.get(s.pk, "")} for s in at.get(w.pk, [])]
        away = []
        for p in posts.get(w.pk, []):
            if p.staff_id in present_ids:
                continue
            status = ("leave" if p.staff_id in leave else "out" if p.staff_id in out else "absent")
            away.append({"staff": p.staff, "post": p.post, "status": status,
                         "leave": leave.get(p.staff_id), "outing": out.get(p.staff_id)})
        is_open = hours.open_at(site, now, w.pk)
        windows.append({"window": w, "here": here, "away": away, "open": is_open, "empty": is_open and not here})
    return {"site": site, "now": now, "windows": windows, "on_leave": list(leave.values()),
            "outings": list(out.values()), "sessions": hours.sessions_on(site, timeutil.today())}

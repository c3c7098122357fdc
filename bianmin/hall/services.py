"""Hall use cases: signing in and out, outings, leave, the hours a manager edits, clock-in imports and the AB-post
call. Every change of a leave request's status happens here, with its history row in the same transaction.
Who is at which window is read through hall.presence; when a site is open through hall.hours."""
from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import re

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.core import timeutil
from bianmin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bianmin.core.inputs import integer, text
from bianmin.core.notify import message, notify
from bianmin.orgs.models import Site, Staff, Window, WindowPost
from bianmin.orgs.roles import Action, Role
from bianmin.orgs.scoping import SITES, may, own_site, people, sites_for

from . import hours, presence, signals, states
from .models import DutyDay, HallSettings, LeaveEvent, LeaveRequest, OpeningSession, Outing, Presence, WindowAlert

HALL_LINK = "/workbench/hall/"


# ---------------------------------------------------------------- who

def staff_of(user) -> Staff:
    """The signed-in person's staff record, working at a site; anybody else has no presence, leave or outings in
    the hall (a department's handler has a staff record but no window and no site)."""
    found = Staff.objects.filter(user=user, active=True).first() if getattr(user, "is_authenticated", False) else None
    if found is None or site_of(found) is None:
        raise PermissionDenied("您不是服务场所的在岗工作人员，无法签到、请假或登记去向。",
                               "You are not a staff member of a site, so you cannot sign in, ask for leave or go out.")
    return found


def site_of(staff: Staff) -> Site | None:
    """The site a staff member works at: the site of their first window post, else of their site-limited grant."""
    post = WindowPost.objects.filter(staff=staff).select_related("window__site").order_by("post", "pk").first()
    if post is not None:
        return post.window.site
    if staff.user_id:
        return own_site(staff.user, Action.VIEW_SITE, or_reachable=False)
    return None


def site_staff(site: Site):
    """The staff members who work at `site`: posted at one of its windows or holding a grant limited to it."""
    return (Staff.objects.filter(Q(posts__window__site=site) | Q(user__memberships__site=site), active=True)
            .distinct().order_by("work_id"))


def post_windows(staff: Staff) -> list[Window]:
    """The windows a staff member may sign in at: their A and B posts' windows, A posts first."""
    posts = WindowPost.objects.filter(staff=staff).select_related("window__site").order_by("post", "window__number")
    return [p.window for p in posts]


def managed_site(user, site_id) -> Site:
    """A site the person manages (MANAGE_SITE), or a 404 that says nothing about sites they do not manage."""
    site = None
    with contextlib.suppress(TypeError, ValueError):
        site = sites_for(user, Action.MANAGE_SITE).filter(pk=int(site_id)).first()
    if site is None:
        raise NotFound("服务场所不存在或您无权管理。", "No such site, or you do not manage it.")
    return site


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%m-%d %H:%M}"


# ---------------------------------------------------------------- AB posts

def call_b_posts(window: Window, absent: Staff, reason) -> int:
    """Ask the B posts of `window` to cover it (请到X号窗口顶岗) when its A post `absent` is away, unless somebody
    is at the window already. Only while the window is open: signing out at closing time calls nobody."""
    now = timeutil.now()
    if not hours.open_at(window.site, now, window.pk):
        return 0
    if any(s.pk != absent.pk for s in presence.on_duty(window)):
        return 0
    covers = [p.staff.user for p in WindowPost.objects.filter(window=window, post=WindowPost.Post.B)
              .exclude(staff=absent).select_related("staff__user") if p.staff.user and p.staff.active]
    return notify(covers, message(_("%(name)s%(reason)s，请到%(number)s号窗口顶岗。"), name=absent.name,
                                  reason=reason, number=window.number), HALL_LINK)


def _a_post_windows(staff: Staff) -> list[Window]:
    return [p.window for p in WindowPost.objects.filter(staff=staff, post=WindowPost.Post.A).select_related("window__site")]


# ---------------------------------------------------------------- signing in and out

def _latest(staff: Staff):
    return presence._latest_today([staff.pk]).get(staff.pk)


def sign(user, kind: str, window_id=None, source: str = Presence.Source.WORKBENCH) -> Presence:
    """Sign the person in (at one of their posts' windows; default their A post's) or out."""
    staff = staff_of(user)
    if kind not in Presence.Kind.values:
        raise InvalidInput("类型应为 in（签到）或 out（签退）。", "kind must be in or out.", field="kind")
    now = timeutil.now()
    latest = _latest(staff)
    signed_in = latest is not None and latest.kind == Presence.Kind.IN
    allowed = post_windows(staff)
    if kind == Presence.Kind.OUT:
        if not signed_in:
            raise Conflict("您今天尚未签到，无需签退。", "You are not signed in today.")
        if window_id not in (None, "") and str(window_id) != str(latest.window_id):
            raise InvalidInput("您不在该窗口签到。", "You are not signed in at that window.", field="window")
        with transaction.atomic():
            row = Presence.objects.create(staff=staff, window=latest.window, kind=kind, at=now, source=source)
            if latest.window and latest.window in _a_post_windows(staff):
                call_b_posts(latest.window, staff, _("已签退"))
        return row
    window = None
    if window_id not in (None, ""):
        window = next((w for w in allowed if str(w.pk) == str(window_id)), None)
        if window is None:
            raise InvalidInput("只能在您的 A/B 岗窗口签到。", "You may sign in only at the windows of your posts.",
                               field="window")
    elif allowed:
        window = allowed[0]
    if signed_in and latest.window_id == (window.pk if window else None):
        raise Conflict("您已在该窗口签到。", "You are already signed in at that window.")
    with transaction.atomic():
        if signed_in and latest.window_id:
            # Moving to another window: leave the first one on the record, so its empty time starts now.
            Presence.objects.create(staff=staff, window=latest.window, kind=Presence.Kind.OUT, at=now, source=source)
        row = Presence.objects.create(staff=staff, window=window, kind=kind, at=now, source=source)
        if signed_in and latest.window and latest.window in _a_post_windows(staff):
            call_b_posts(latest.window, staff, _("已离开本窗口"))
    return row


# ---------------------------------------------------------------- outings (去向登记)

def _datetime(data: dict, key: str, zh: str, en: str) -> dt.datetime:
    value = data.get(key)
    if isinstance(value, dt.datetime):
        moment = value
    else:
        raw = str(value or "").strip()
        if not raw:
            raise InvalidInput(f"请填写{zh}。", f"{en} is required.", field=key)
        moment = parse_moment(raw)
        if moment is None:
            raise InvalidInput(f"{zh}格式应为 YYYY-MM-DD HH:MM。", f"{en} must be written YYYY-MM-DD HH:MM.", field=key)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def register_outing(user, data: dict) -> Outing:
    staff = staff_of(user)
    site = site_of(staff)
    destination = text(data, "destination", "去向", "Destination", max_len=100)
    purpose = text(data, "purpose", "事由", "Purpose", max_len=200)
    now = timeutil.now()
    back_by = _datetime(data, "back_by", "预计返回时间", "Back by")
    if back_by <= now:
        raise InvalidInput("预计返回时间应晚于现在。", "Back by must be later than now.", field="back_by")
    if Outing.objects.filter(staff=staff, returned_at__isnull=True).exists():
        raise Conflict("您有一条外出登记尚未返回，请先登记返回。", "You are still out; record your return first.")
    latest = _latest(staff)
    window = latest.window if latest is not None and latest.kind == Presence.Kind.IN else None
    with transaction.atomic():
        outing = Outing.objects.create(staff=staff, site=site, window=window, destination=destination,
                                       purpose=purpose, out_at=now, back_by=back_by)
        if latest is not None and latest.kind == Presence.Kind.IN:
            Presence.objects.create(staff=staff, window=window, kind=Presence.Kind.OUT, at=now)
            if window and window in _a_post_windows(staff):
                call_b_posts(window, staff, message(_("外出（%(where)s）"), where=destination))
    return outing


def return_from_outing(user, outing_id: int) -> Outing:
    """The person is back: the outing is closed and they are signed in again at the window they left."""
    staff = staff_of(user)
    outing = Outing.objects.filter(pk=outing_id, staff=staff).first()
    if outing is None:
        raise NotFound("外出登记不存在。", "No such outing.")
    if outing.returned_at is not None:
        raise Conflict("该外出已登记返回。", "This outing has already been closed.")
    now = timeutil.now()
    with transaction.atomic():
        if Outing.objects.filter(pk=outing.pk, returned_at__isnull=True).update(returned_at=now) != 1:
            raise Conflict("该外出已登记返回。", "This outing has already been closed.")
        outing.returned_at = now
        if outing.window_id and timezone.localtime(outing.out_at).date() == timezone.localtime(now).date():
            latest = _latest(staff)
            if latest is None or latest.kind == Presence.Kind.OUT:
                Presence.objects.create(staff=staff, window=outing.window, kind=Presence.Kind.IN, at=now)
    return outing


# ---------------------------------------------------------------- leave

def request_leave(user, data: dict) -> LeaveRequest:
    staff = staff_of(user)
    site = site_of(staff)
    kind = data.get("kind")
    if kind not in LeaveRequest.Kind.values:
        raise InvalidInput("请选择假别。", f"Choose a kind of leave: {', '.join(LeaveRequest.Kind.values)}.",
                           field="kind")
    starts_at = _datetime(data, "starts_at", "开始时间", "Start")
    ends_at = _datetime(data, "ends_at", "结束时间", "End")
    if ends_at <= starts_at:
        raise InvalidInput("结束时间应晚于开始时间。", "The end must be after the start.", field="ends_at")
    if ends_at - starts_at > dt.timedelta(days=366):
        raise InvalidInput("请假时间过长（最长一年）。", "Leave longer than a year.", field="ends_at")
    reason = text(data, "reason", "事由", "Reason", max_len=200)
    cover = None
    if data.get("cover") not in (None, ""):
        cover = site_staff(site).filter(pk=integer(data, "cover", "顶岗人员", "Cover", lo=1, hi=2**62)).first()
        if cover is None or cover.pk == staff.pk:
            raise InvalidInput("顶岗人员应为本场所的其他工作人员。", "The cover must be another staff member of your site.",
                               field="cover")
    if LeaveRequest.objects.filter(staff=staff, status__in=[states.REQUESTED, states.APPROVED],
                                   starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        raise Conflict("该时段已有请假申请。", "You already asked for leave in that time.")
    now = timeutil.now()
    with transaction.atomic():
        leave = LeaveRequest.objects.create(staff=staff, site=site, kind=kind, starts_at=starts_at, ends_at=ends_at,
                                            reason=reason, cover=cover, created_at=now)
        LeaveEvent.objects.create(leave=leave, actor=user, to_status=leave.status, at=now)
        notify([u for u in people([Role.MANAGER], site, SITES) if u.pk != user.pk],
               message(_("%(name)s申请请假（%(start)s 至 %(end)s），请审批。"), name=staff.name,
                       start=_local(starts_at), end=_local(ends_at)), HALL_LINK + "leave/")
    return leave


def visible_leave(user, leave_id) -> LeaveRequest:
    leave = (LeaveRequest.objects.for_user(user, [Action.VIEW_SITE, Action.VIEW_CASE])
             .select_related("staff__user", "site", "cover__user").filter(pk=leave_id).first())
    if leave is None:
        raise NotFound("请假申请不存在或无权查看。", "No such leave request, or you may not see it.")
    return leave


def decide_leave(user, leave_id, action: str, note: str = "") -> LeaveRequest:
    """approve / reject (the site's manager, not for their own leave) or cancel (the requester)."""
    if action not in states.ACTIONS:
        raise NotFound("没有这个操作。", "No such action.")
    leave = visible_leave(user, leave_id)
    own = leave.staff.user_id == user.pk
    if action in states.MANAGER_ACTIONS:
        if not may(user, Action.MANAGE_SITE, leave):
            raise PermissionDenied("只有本场所负责人可以审批请假。", "Only the site's manager decides leave.")
        if own and not user.is_superuser:
            raise PermissionDenied("不能审批本人的请假。", "You cannot decide your own leave.")
    elif not own:
        raise PermissionDenied("只能撤销本人的请假申请。", "You may cancel only your own leave request.")
    note = (note or "").strip()[:200]
    if action == "reject" and not note:
        raise InvalidInput("请填写不批准的理由。", "Give the reason for rejecting.", field="note")
    target = states.next_status(leave.status, action)
    if target is None:
        raise Conflict("该请假申请当前状态不能执行此操作。", "The leave request's status does not allow this.")
    now = timeutil.now()
    previous = leave.status
    with transaction.atomic():
        if LeaveRequest.objects.filter(pk=leave.pk, status=leave.status).update(status=target) != 1:
            raise Conflict("该请假申请已被他人处理。", "Someone else has just changed this leave request.")
        LeaveEvent.objects.create(leave=leave, actor=user, from_status=leave.status, to_status=target, note=note,
                                  at=now)
        leave.status = target
        if action != "cancel":
            notify([leave.staff.user], message(_("您的请假申请（%(start)s 起）%(status)s。"),
                                               start=_local(leave.starts_at), status=leave.get_status_display()),
                   HALL_LINK + "leave/")
        if target == states.APPROVED:
            _call_cover_for_leave(leave)
    if states.APPROVED in (previous, target):  # approved leave excuses lateness and absence: re-derive them
        signals.attendance_changed.send(sender=LeaveRequest, pairs=_leave_days(leave))
    return leave


def _leave_days(leave: LeaveRequest) -> set[tuple[int, dt.date]]:
    first, last = timezone.localtime(leave.starts_at).date(), timezone.localtime(leave.ends_at).date()
    return {(leave.staff_id, first + dt.timedelta(days=n)) for n in range((last - first).days + 1)}


def _call_cover_for_leave(leave: LeaveRequest) -> None:
    """An approved leave calls the named cover and the B posts of each window where the staff member is A post."""
    period = message(_("请假（%(start)s 至 %(end)s）"), start=_local(leave.starts_at), end=_local(leave.ends_at))
    for window in _a_post_windows(leave.staff):
        covers = {p.staff.user for p in WindowPost.objects.filter(window=window, post=WindowPost.Post.B)
                  .exclude(staff=leave.staff).select_related("staff__user") if p.staff.user and p.staff.active}
        if leave.cover and leave.cover.user:
            covers.add(leave.cover.user)
        notify(covers, message(_("%(name)s%(reason)s，请到%(number)s号窗口顶岗。"), name=leave.staff.name,
                               reason=period, number=window.number), HALL_LINK)


def on_leave_now(staff_ids, at: dt.datetime | None = None) -> set[int]:
    now = at or timeutil.now()
    return set(LeaveRequest.objects.filter(staff_id__in=staff_ids, status=states.APPROVED, starts_at__lte=now,
                                           ends_at__gt=now).values_list("staff_id", flat=True))


# ---------------------------------------------------------------- hours (the manager's page)

def _time(raw, key: str, zh: str, en: str) -> dt.time:
    if isinstance(raw, dt.time):
        return raw
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})(?::\d{2})?\s*", str(raw or ""))
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise InvalidInput(f"{zh}格式应为 HH:MM。", f"{en} must be written HH:MM.", field=key)
    return dt.time(int(match.group(1)), int(match.group(2)))


def _site_windows(site: Site, ids, key: str) -> list[Window]:
    ids = [str(i) for i in (ids or []) if str(i).strip()]
    found = list(Window.objects.filter(site=site, pk__in=[i for i in ids if i.isdigit()]))
    if len(found) != len(set(ids)):
        raise InvalidInput("所选窗口不属于该场所。", "A chosen window is not a window of this site.", field=key)
    return found


def save_sessions(user, site: Site, rows: list[dict]) -> list[OpeningSession]:
    """Replace the site's opening sessions. Rows with neither start nor end are left out; no rows at all means
    the default hours (hall.hours.DEFAULT_SESSIONS)."""
    if not may(user, Action.MANAGE_SITE, site, SITES):
        raise PermissionDenied("您无权修改该场所的办公时间。", "You may not change this site's hours.")
    kept = []
    for i, row in enumerate(rows):
        if not str(row.get("start") or "").strip() and not str(row.get("end") or "").strip():
            continue
        kind = row.get("kind") or OpeningSession.Kind.REGULAR
        if kind not in OpeningSession.Kind.values:
            raise InvalidInput("时段类型有误。", "Unknown kind of session.", field=f"kind-{i}")
        start = _time(row.get("start"), f"start-{i}", "开始时间", "Start")
        end = _time(row.get("end"), f"end-{i}", "结束时间", "End")
        if end <= start:
            raise InvalidInput("结束时间应晚于开始时间。", "A session must end after it starts.", field=f"end-{i}")
        kept.append((kind, start, end, _site_windows(site, row.get("windows"), f"windows-{i}")))
    regular = sorted((s, e) for k, s, e, _w in kept if k == OpeningSession.Kind.REGULAR)
    if any(b[0] < a[1] for a, b in itertools.pairwise(regular)):
        raise InvalidInput("正常办公时段相互重叠。", "Regular sessions overlap.", field="start-0")
    if len(kept) > 12:
        raise InvalidInput("时段过多（最多 12 个）。", "Too many sessions (12 at most).")
    with transaction.atomic():
        OpeningSession.objects.filter(site=site).delete()
        saved = []
        for kind, start, end, windows in kept:
            session = OpeningSession.objects.create(site=site, kind=kind, start=start, end=end)
            if windows:
                session.windows.set(windows)
            saved.append(session)
    return saved


SETTING_LIMITS = {
    "wait_target_minutes": (1, 240), "unattended_alert_minutes": (1, 240), "no_show_grace_minutes": (1, 120),
    "green_lane_run": (1, 20), "recall_cooldown_seconds": (0, 3600), "max_recalls": (1, 20),
    "sms_when_ahead": (0, 50), "batch_weekday": (0, 6),
}


def save_settings(user, site: Site, data: dict) -> HallSettings:
    if not may(user, Action.MANAGE_SITE, site, SITES):
        raise PermissionDenied("您无权修改该场所的设置。", "You may not change this site's settings.")
    current = hours.settings_for(site)
    values = {}
    for name, (lo, hi) in SETTING_LIMITS.items():
        label = str(HallSettings._meta.get_field(name).verbose_name)
        values[name] = integer(data, name, label, name, lo=lo, hi=hi, default=getattr(current, name))
    row, _created = HallSettings.objects.update_or_create(site=site, defaults=values)
    return row


def save_duty_day(user, site: Site, data: dict) -> DutyDay:
    """Add or change the duty day of a date. A duty day opens a rest day of the working-day calendar; on a working
    day only `closed` (an emergency closing) makes sense."""
    if not may(user, Action.MANAGE_SITE, site, SITES):
        raise PermissionDenied("您无权修改该场所的值班安排。", "You may not change this site's duty rota.")
    from bianmin.core.inputs import date as parse_date

    day = parse_date(data, "date", "日期", "Date")
    closed = str(data.get("closed") or "").lower() in ("1", "true", "on", "yes")
    if not closed and hours.is_working_day(day):
        raise InvalidInput(f"{day:%Y-%m-%d} 是工作日，值班日只能安排在休息日（工作日闭厅请勾选“当日闭厅”）。",
                           f"{day:%Y-%m-%d} is a working day: duty days are rest days (tick 'closed' to close "
                           "on a working day).", field="date")
    start = _time(data.get("start") or "09:00", "start", "开始时间", "Start")
    end = _time(data.get("end") or "12:00", "end", "结束时间", "End")
    if end <= start:
        raise InvalidInput("结束时间应晚于开始时间。", "The end must be after the start.", field="end")
    windows = _site_windows(site, data.get("windows"), "windows")
    staff_ids = [str(i) for i in (data.get("staff") or []) if str(i).strip()]
    staff = list(site_staff(site).filter(pk__in=[i for i in staff_ids if i.isdigit()]))
    if len(staff) != len(set(staff_ids)):
        raise InvalidInput("所选值班人员不属于该场所。", "A chosen staff member does not work at this site.",
                           field="staff")
    note = text(data, "note", "说明", "Note", required=False, max_len=200)
    with transaction.atomic():
        duty, _created = DutyDay.objects.update_or_create(
            site=site, date=day, defaults={"closed": closed, "start": start, "end": end, "note": note})
        duty.windows.set(windows)
        duty.staff.set(staff)
    return duty


def delete_duty_day(user, site: Site, duty_id) -> None:
    if not may(user, Action.MANAGE_SITE, site, SITES):
        raise PermissionDenied("您无权修改该场所的值班安排。", "You may not change this site's duty rota.")
    try:
        deleted, _rows = DutyDay.objects.filter(site=site, pk=int(duty_id)).delete()
    except (TypeError, ValueError):
        deleted = 0
    if not deleted:
        raise NotFound("值班日不存在。", "No such duty day.")


# ---------------------------------------------------------------- clock-in import

MOMENT_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
                  "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")


def parse_moment(raw) -> dt.datetime | None:
    """A punch time as clock-in machines write it (local time), or None."""
    if isinstance(raw, dt.datetime):
        return raw
    value = str(raw or "").strip()
    for fmt in MOMENT_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def import_punches(user, rows: list[tuple[int, object, object]]) -> dict:
    """Store clock-in punches [(row number, work id, time)] as Presence rows (source "import") at each person's A
    post window. Rows that cannot be read are reported with a bilingual reason; a punch already stored is skipped.
    Whether a punch is a sign-in or a sign-out follows from the person's rows that day (alternating)."""
    sites = list(sites_for(user, Action.MANAGE_SITE))
    if not sites:
        raise PermissionDenied("只有中心负责人可以导入考勤。", "Only a site manager may import clock-in punches.")
    allowed = {s.pk: s for s in Staff.objects.filter(
        Q(posts__window__site__in=sites) | Q(user__memberships__site__in=sites)).distinct()}
    by_work_id = {s.work_id: s for s in allowed.values()}
    rejected, punches = [], []
    now = timeutil.now()
    for number, work_id, raw in rows:
        if isinstance(work_id, float) and work_id.is_integer():
            work_id = int(work_id)  # a spreadsheet's number cell
        work_id = str(work_id if work_id is not None else "").strip()
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if not work_id:
            rejected.append(_reject(number, "缺少工号", "work_id is missing"))
            continue
        staff = by_work_id.get(work_id)
        if staff is None:
            rejected.append(_reject(number, f"工号 {work_id[:20]} 不存在或不在您管理的场所",
                                    f"work id {work_id[:20]} is unknown or not at a site you manage"))
            continue
        moment = parse_moment(raw)
        if moment is None:
            rejected.append(_reject(number, "时间无法识别（应为 YYYY-MM-DD HH:MM）",
                                    "time cannot be read (write YYYY-MM-DD HH:MM)"))
            continue
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        if moment > now + dt.timedelta(minutes=5):
            rejected.append(_reject(number, "时间晚于现在", "time is in the future"))
            continue
        punches.append((staff, moment))
    imported = 0
    touched: set[tuple[int, dt.date]] = set()
    with transaction.atomic():
        for staff, moment in punches:
            if Presence.objects.filter(staff=staff, at=moment).exists():
                continue  # already imported (or signed at the same moment)
            windows = _a_post_windows(staff)
            Presence.objects.create(staff=staff, window=windows[0] if windows else None, kind=Presence.Kind.IN,
                                    at=moment, source=Presence.Source.IMPORT)
            imported += 1
            touched.add((staff.pk, timezone.localtime(moment).date()))
        for staff_id, day in touched:
            _settle_import_kinds(staff_id, day)
    if touched:  # staff assessment re-derives late, early and absent days of those months
        signals.attendance_changed.send(sender=Presence, pairs=touched)
    return {"imported": imported, "rejected": rejected}


def _reject(number: int, zh: str, en: str) -> dict:
    return {"row": number, "reason": zh, "reason_en": en}


def _settle_import_kinds(staff_id: int, day: dt.date) -> None:
    """Imported punches alternate sign-in, sign-out through the day, around what was signed at the workbench."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    signed_in = False
    for row in Presence.objects.filter(staff_id=staff_id, at__gte=start, at__lt=start + dt.timedelta(days=1)) \
            .order_by("at", "pk"):
        if row.source == Presence.Source.IMPORT:
            kind = Presence.Kind.OUT if signed_in else Presence.Kind.IN
            if row.kind != kind:
                Presence.objects.filter(pk=row.pk).update(kind=kind)
            signed_in = kind == Presence.Kind.IN
        else:
            signed_in = row.kind == Presence.Kind.IN


# ---------------------------------------------------------------- the unattended-window alert (worker job)

def _gap_start(window: Window, session_start: dt.datetime, rows_by_staff: dict[int, list]) -> dt.datetime:
    """When the window was last left (the end of the last stay of anybody there today), or the session's start."""
    left = session_start
    for rows in rows_by_staff.values():
        for here, after in itertools.pairwise(rows):
            if here.kind == Presence.Kind.IN and here.window_id == window.pk and after.at > left:
                left = after.at
    return left


def alert_unattended() -> int:
    """Alert the managers of a site once per gap when a staffed window has stood empty during its opening hours
    for longer than the site's HallSettings.unattended_alert_minutes."""
    now = timeutil.now()
    local = timezone.localtime(now)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    alerted = 0
    staffed = Window.objects.filter(posts__isnull=False).distinct().select_related("site")
    by_site: dict[int, list[Window]] = {}
    for window in staffed:
        by_site.setdefault(window.site_id, []).append(window)
    for windows in by_site.values():
        site = windows[0].site
        sessions = hours.sessions_on(site, local.date())
        if not sessions:
            continue
        at_windows = presence.on_duty_by_window(site, now)
        rows_by_staff: dict[int, list] = {}
        for row in Presence.objects.filter(at__gte=day_start, at__lte=now,
                                           staff__in=Presence.objects.filter(window__site=site, at__gte=day_start)
                                           .values("staff")).order_by("at", "pk"):
            rows_by_staff.setdefault(row.staff_id, []).append(row)
        limit = dt.timedelta(minutes=hours.settings_for(site).unattended_alert_minutes)
        for window in windows:
            if at_windows.get(window.pk) or not hours.open_at(site, now, window.pk):
                continue
            session = next(s for s in sessions if s.contains(local.time()) and s.serves(window.pk))
            session_start = timezone.make_aware(dt.datetime.combine(local.date(), session.start))
            gap_start = _gap_start(window, session_start, rows_by_staff)
            if now - gap_start < limit:
                continue
            try:
                with transaction.atomic():
                    WindowAlert.objects.create(window=window, gap_started_at=gap_start, alerted_at=now)
                    notify(people([Role.MANAGER], site, SITES),
                           message(_("%(number)s号窗口自 %(since)s 起无人在岗，已超过 %(minutes)s 分钟。"),
                                   number=window.number, since=f"{timezone.localtime(gap_start):%H:%M}",
                                   minutes=limit.seconds // 60), HALL_LINK + f"board/?site={site.pk}")
                alerted += 1
            except IntegrityError:
                continue  # another sweep alerted this gap already
    return alerted

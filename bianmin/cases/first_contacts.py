"""首问负责 until done (seeds 002 L521-603, 003 L133-137; SPEC §4): whoever is asked first owns the enquiry until it
is answered, accepted as a case, or handed to a named window and person who confirms taking it over.

An entry is *open* while `closed_at` is empty. An open entry has a limit (`due_at`: the end of the
FIRST_CONTACT_LIMIT_WORKDAYS-th working day after the contact, from the working-day calendar); the worker warns its
owner and the site's managers once it has passed (`warn_overdue`), and staff assessment counts "left open past its
limit" as a first-contact failure (staffops.efficiency). Every change of an entry happens here; the API and the
workbench page call these functions.
"""
from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from bianmin.core import timeutil
from bianmin.core.errors import CalendarNotCovered, Conflict, InvalidInput, NotFound, PermissionDenied
from bianmin.core.inputs import choice as _choice
from bianmin.core.inputs import text as _text
from bianmin.core.masking import mask_name
from bianmin.core.notify import message, notify
from bianmin.core.worktime.loader import get_calendar
from bianmin.orgs import scoping
from bianmin.orgs.models import Site, Window
from bianmin.orgs.people import name_of
from bianmin.orgs.roles import ROLE_ACTIONS, Role, role_allows
from bianmin.orgs.roles import Action as Perm

from .models import FirstContact

Outcome = FirstContact.Outcome
# Outcomes a logged contact may have; "case" entries are made by services.register_case with their case.
LOGGED_OUTCOMES = (Outcome.PENDING, Outcome.ANSWERED, Outcome.GUIDED)
# Who watches a site's entries besides their owners: its managers (and the regions above, for assessment).
WATCH = (Perm.MANAGE_SITE, Perm.VIEW_ASSESSMENT)
_PHONE = re.compile(r"[0-9+\- ]{0,20}")
BATCH = 200


# ---------------------------------------------------------------- limits and reading

def due_for(at: dt.datetime) -> dt.datetime | None:
    """End of the FIRST_CONTACT_LIMIT_WORKDAYS-th working day after the contact, local time (counting from the
    next day, S001:L219); None while the calendar does not cover that year yet (the entry then never warns)."""
    day = timezone.localtime(at).date()
    try:
        due = get_calendar().add_working_days(day, settings.BIANMIN["FIRST_CONTACT_LIMIT_WORKDAYS"])
    except CalendarNotCovered:
        return None
    return timezone.make_aware(dt.datetime.combine(due, dt.time(23, 59, 59)))


def age_workdays(entry: FirstContact, now: dt.datetime | None = None) -> int | None:
    """Working days since the contact (0 on its own day); None when the calendar does not cover the span."""
    start = timezone.localtime(entry.at).date()
    today = timezone.localtime(now or timeutil.now()).date()
    try:
        return get_calendar().working_days_between(start, today)
    except CalendarNotCovered:
        return None


def is_overdue(entry: FirstContact, now: dt.datetime | None = None) -> bool:
    return entry.closed_at is None and entry.due_at is not None and entry.due_at < (now or timeutil.now())


def _watched(user) -> Q:
    return scoping.scope_q(user, WATCH, FirstContact.scope)


def visible(user) -> QuerySet:
    """Entries the person follows: their own, those handed to them, and (managers, supervisors) those of the sites
    they watch — within what the person may see at all (orgs.scoping, FirstContact.scope)."""
    mine = (Q(owner=user) | Q(handed_to=user)) if getattr(user, "is_authenticated", False) else scoping.NOTHING
    return (FirstContact.objects.for_user(user, Perm.VIEW_CASE).filter(mine | _watched(user))
            .select_related("owner__staff", "handed_to__staff", "guided_to_window", "case", "site"))


def open_entries(user) -> QuerySet:
    """The open list: the person's own open entries (and those awaiting their confirmation), or the site's for a
    manager; oldest first, as the work to do."""
    return visible(user).filter(closed_at__isnull=True).order_by("at", "pk")


def awaiting_confirmation(user) -> QuerySet:
    """Open entries handed to this person that they have not confirmed yet (待我确认)."""
    return open_entries(user).filter(handed_to=user, confirmed_at__isnull=True)


def get(user, entry_id: int) -> FirstContact:
    entry = visible(user).filter(pk=entry_id).first()
    if entry is None:
        raise NotFound("首问登记不存在或无权查看。", "No such first-contact entry, or you may not see it.")
    return entry


def handover_candidates(site: Site, exclude=None) -> list:
    """Active people who may handle cases at the site (orgs.scoping.people): whom an entry may be handed to."""
    roles = [role for role in ROLE_ACTIONS if role_allows(role, Perm.HANDLE_CASE)]
    people = scoping.people(roles, site, scoping.SITES)
    return sorted((u for u in people if exclude is None or u.pk != exclude.pk), key=lambda u: u.pk)


# ---------------------------------------------------------------- guards

def _require_handle(actor, site: Site) -> None:
    if not scoping.may(actor, Perm.HANDLE_CASE, site, scoping.SITES):
        raise PermissionDenied("您无权在该场所登记首问。", "You may not log first contacts at this site.")


def _may_follow(actor, entry: FirstContact) -> bool:
    """The owner, the person it was handed to, or a manager of the site may answer or hand it on."""
    return actor.pk in (entry.owner_id, entry.handed_to_id) or scoping.may(actor, Perm.MANAGE_SITE, entry.site,
                                                                           scoping.SITES)


def _lock(actor, entry_id: int) -> FirstContact:
    get(actor, entry_id)  # 404 for an entry the person cannot see
    entry = FirstContact.objects.select_for_update().select_related("site").get(pk=entry_id)
    if entry.closed_at is not None:
        raise Conflict("该首问登记已办结。", "This first-contact entry is already closed.", code="closed")
    return entry


def phone_number(value, field: str = "visitor_phone") -> str:
    """A contact phone as typed (digits, spaces, "+" and "-"; at most 20 characters), or ""."""
    phone = (value or "").strip() if isinstance(value, str) or value is None else None
    if phone is None or not _PHONE.fullmatch(phone) or (phone and not any(c.isdigit() for c in phone)):
        raise InvalidInput("联系电话只能包含数字（最多 20 位）。", "The phone number may contain digits only (max 20).",
                           field=field)
    return phone


def _person_for(site: Site, user, owner) -> None:
    if user is None:
        raise InvalidInput("请指定接手人员。", "Name the person who takes it over.", field="handed_to")
    if not user.is_active or not scoping.may(user, Perm.HANDLE_CASE, site, scoping.SITES):
        raise InvalidInput("接手人员须为本中心可办理业务的在岗人员。",
                           "The person taking over must be active staff who handle cases at this site.",
                           field="handed_to")
    if owner is not None and user.pk == owner.pk:
        raise InvalidInput("不能转交给首问责任人本人。", "An entry cannot be handed to its own owner.", field="handed_to")


def _window_for(site: Site, window: Window | None) -> Window:
    if window is None or window.site_id != site.pk:
        raise InvalidInput("转交时须指明本中心的窗口。", "Name a window of this site to hand it to.",
                           field="guided_to_window")
    return window


# ---------------------------------------------------------------- use cases

@transaction.atomic
def log(actor, *, site: Site, visitor_name: str, visitor_phone: str = "", question: str, outcome: str,
        channel: str = "counter", answer: str = "", guided_to_window: Window | None = None,
        guided_to_person: str = "", handed_to=None) -> FirstContact:
    """Log a first contact. `outcome`: pending (keep following; open until done), answered (closed now), or guided:
    with `handed_to` (a user) a hand-over that stays open until that person confirms it; with only a person's name
    (`guided_to_person`, the earlier form) the visitor was taken to that window and person on the spot (closed)."""
    _require_handle(actor, site)
    data = {"visitor_name": visitor_name, "question": question, "outcome": outcome, "channel": channel,
            "answer": answer, "guided_to_person": guided_to_person}
    name = _text(data, "visitor_name", "来访人", "Visitor", max_len=100)
    q = _text(data, "question", "咨询/办理事项", "Question", max_len=500)
    if outcome not in LOGGED_OUTCOMES:
        raise InvalidInput("请选择处理方式（跟踪办理、当场答复或转交窗口）。",
                           "Choose how the contact was handled: pending, answered or guided.", field="outcome")
    channel = _choice(data, "channel", FirstContact.Channel, "渠道", "channel")
    phone = phone_number(visitor_phone)
    reply = _text(data, "answer", "答复内容", "Answer", required=False, max_len=2000)
    now = timeutil.now()
    fields: dict = {}
    if outcome == Outcome.ANSWERED:
        fields["closed_at"] = now
    elif outcome == Outcome.GUIDED:
        window = _window_for(site, guided_to_window)
        if handed_to is not None:
            _person_for(site, handed_to, actor)
            fields.update(guided_to_window=window, guided_to_person=name_of(handed_to)[:40], handed_to=handed_to,
                          handed_at=now)
        else:
            person = _text(data, "guided_to_person", "接待人员", "Receiving person", max_len=40)
            fields.update(guided_to_window=window, guided_to_person=person, closed_at=now)
    entry = FirstContact.objects.create(site=site, owner=actor, visitor_name=name, visitor_phone=phone, question=q,
                                        outcome=outcome, channel=channel, answer=reply, due_at=due_for(now), **fields)
    # `at` is auto_now_add (Django's clock): the services' clock is the one every limit counts from.
    FirstContact.objects.filter(pk=entry.pk).update(at=now)
    entry.at = now
    if entry.handed_to_id:
        _tell_handed(entry)
    return entry


@transaction.atomic
def answer(actor, entry_id: int, *, text: str) -> FirstContact:
    """The enquiry is answered (当场或事后答复): the entry is done."""
    entry = _lock(actor, entry_id)
    if not _may_follow(actor, entry):
        raise PermissionDenied("只有首问责任人、接手人员或中心负责人可以答复。",
                               "Only the owner, the person it was handed to or a site manager may answer it.")
    reply = _text({"answer": text}, "answer", "答复内容", "Answer", max_len=2000)
    entry.outcome, entry.answer, entry.closed_at = Outcome.ANSWERED, reply, timeutil.now()
    entry.save(update_fields=["outcome", "answer", "closed_at"])
    return entry


@transaction.atomic
def hand_over(actor, entry_id: int, *, window: Window | None, to_user) -> FirstContact:
    """Hand the entry to a named window and person of the same site. It stays open (on the owner's list) until
    that person confirms; handing it again names someone else and needs their confirmation instead."""
    entry = _lock(actor, entry_id)
    if not _may_follow(actor, entry):
        raise PermissionDenied("只有首问责任人或中心负责人可以转交。",
                               "Only the owner or a site manager may hand the entry over.")
    window = _window_for(entry.site, window)
    _person_for(entry.site, to_user, entry.owner)
    entry.outcome, entry.guided_to_window, entry.guided_to_person = Outcome.GUIDED, window, name_of(to_user)[:40]
    entry.handed_to, entry.handed_at, entry.confirmed_at = to_user, timeutil.now(), None
    entry.save(update_fields=["outcome", "guided_to_window", "guided_to_person", "handed_to", "handed_at",
                              "confirmed_at"])
    _tell_handed(entry)
    return entry


@transaction.atomic
def confirm(actor, entry_id: int) -> FirstContact:
    """The named person confirms taking the entry over: the first contact is done."""
    entry = _lock(actor, entry_id)
    if entry.handed_to_id is None:
        raise Conflict("该首问登记尚未转交。", "This entry has not been handed over.", code="not_handed")
    if entry.handed_to_id != actor.pk:
        raise PermissionDenied("只有被指定的接手人员可以确认。", "Only the person it was handed to may confirm it.")
    now = timeutil.now()
    entry.confirmed_at = entry.closed_at = now
    entry.save(update_fields=["confirmed_at", "closed_at"])
    return entry


def _link() -> str:
    return reverse("workbench:first_contacts")


def _tell_handed(entry: FirstContact) -> None:
    notify([entry.handed_to], message(gettext_lazy("首问转交待您确认：%(visitor)s 的“%(question)s”。"),
                                      visitor=mask_name(entry.visitor_name), question=entry.question[:60]), _link())


# ---------------------------------------------------------------- the worker's sweep

def warn_overdue() -> int:
    """Warn the owner and the site's managers, once, of each open entry past its limit. The conditional update on
    `warned_at` makes one worker the one that warns, however many run."""
    now = timeutil.now()
    warned = 0
    while True:
        ids = list(FirstContact.objects.filter(closed_at__isnull=True, warned_at__isnull=True, due_at__lt=now)
                   .order_by("due_at", "pk").values_list("pk", flat=True)[:BATCH])
        for pk in ids:
            with transaction.atomic():
                if not FirstContact.objects.filter(pk=pk, warned_at__isnull=True, closed_at__isnull=True).update(
                        warned_at=now):
                    continue
                entry = FirstContact.objects.select_related("site", "owner").get(pk=pk)
                managers = scoping.people([Role.MANAGER.value], entry.site, scoping.SITES)
                when = timezone.localtime(entry.at)
                notify({u.pk: u for u in [entry.owner, *managers]}.values(),
                       message(gettext_lazy("首问登记超过跟踪期限仍未办结：%(visitor)s 的“%(question)s”"
                                            "（%(date)s 登记，首问责任人 %(owner)s）。"),
                               visitor=mask_name(entry.visitor_name), question=entry.question[:60],
                               date=f"{when:%Y-%m-%d %H:%M}", owner=name_of(entry.owner)), _link())
                warned += 1
        if len(ids) < BATCH:
            return warned


def left_open_past_limit(now: dt.datetime) -> Q:
    """Entries left open past their limit: still open after it, or closed only after it (the first-contact failure
    staff assessment counts, staffops.efficiency)."""
    return Q(due_at__lt=now) & (Q(closed_at__isnull=True) | Q(closed_at__gt=F("due_at")))

"""Set-based writing of the demo history's ordinary counter cases (demo/history.py).

Most generated cases go the plain way: registered, accepted, completed and rated well (or registered and
answered as a consultation, or refused at once). Sending each of them
through the case services costs about thirty queries (row lock, permission checks, sequence rows, clock
refreshes, notices), which made `manage.py demo` take minutes. For these cases only, this module writes
the very rows the services would write — the case, its first contact, its register/accept/complete events,
its clock and its receipt (or rejection) notice — in memory at each event's moment, and inserts them in bulk at the end.
The rules stay where they live: statuses come from the case state machine (cases/states.py), limits from
the item as cases/services.py reads them, due moments and lateness from the clock arithmetic
(core/worktime/clock.py), numbers from the same sequence names. Every other case (supplements, joint items
and every case with a bad rating) still goes through the services.

Numbers: case and notice numbers are counted here and written back to their core.Sequence rows before any
service call runs (`sync`), so numbers never repeat and stay in order of the day, as `next_value` gives them.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from bianmin.cases import states
from bianmin.cases.models import Case, CaseEvent, FirstContact, Notice
from bianmin.cases.notices import PREFIX
from bianmin.cases.services import MAX_TEXT
from bianmin.catalog.models import HandlingType, Item
from bianmin.core import inputs, timeutil
from bianmin.core.models import Clock, Sequence
from bianmin.core.worktime.clock import ClockFacts, ClockState, LimitUnit, evaluate
from bianmin.core.worktime.loader import get_calendar

BATCH = 500


class CaseWriter:
    def __init__(self) -> None:
        self.cal = get_calendar()
        self.share = settings.BIANMIN["WARNING_SHARE"]
        self.counters: dict[str, int] = {}
        self.dirty: set[str] = set()
        self.clocks: list[Clock] = []
        self.cases: list[Case] = []
        self.contacts: list[FirstContact] = []
        self.events: list[CaseEvent] = []
        self.notices: list[Notice] = []

    # -- numbers ------------------------------------------------------------------------------------------
    def next_value(self, name: str) -> int:
        if name not in self.counters:
            self.counters[name] = Sequence.objects.filter(name=name).values_list("value", flat=True).first() or 0
        self.counters[name] += 1
        self.dirty.add(name)
        return self.counters[name]

    def sync(self) -> None:
        """Write the counted numbers back, before a service takes the next number from the same rows."""
        for name in sorted(self.dirty):
            Sequence.objects.update_or_create(name=name, defaults={"value": self.counters[name]})
        self.dirty.clear()
        self.counters.clear()  # a service may count on from here: read again next time

    # -- the three steps, each at its moment (inside timeutil.travel_to) ------------------------------------
    def register(self, actor, *, site, item: Item, window, applicant: dict[str, str], question: str = "") -> Case:
        now, today = timeutil.now(), timeutil.today()
        case = Case(number=f"BJ{today:%Y%m%d}{self.next_value(f'case-{today:%Y%m%d}'):05d}", site=site,
                    window=window, item=item, handling_type=item.handling_type, urgent=False,
                    applicant_name=applicant["name"], applicant_phone=applicant.get("phone", ""),
                    applicant_id_number=applicant.get("id_number", ""), applicant_org=applicant.get("org", ""),
                    handled_by=actor, status=states.Status.REGISTERED.value, created_at=now)
        self.cases.append(case)
        self.contacts.append(FirstContact(site=site, owner=actor, visitor_name=case.applicant_name,
                                          visitor_phone=case.applicant_phone, question=(question or item.name)[:500],
                                          outcome=FirstContact.Outcome.CASE, case=case, at=now))
        self._event(case, "register", actor, "", data={"window": window.number, "proxy": False})
        return case

    def accept(self, case: Case, actor) -> None:
        now = timeutil.now()
        if case.item.handling_type == HandlingType.INSTANT:  # as cases.services._limit_for
            amount, unit = settings.BIANMIN["INSTANT_LIMIT_MINUTES"], LimitUnit.MINUTES.value
        else:
            amount, unit = case.item.committed_limit, case.item.committed_unit
        clock = Clock(start=now, amount=amount, unit=LimitUnit(unit).value, purpose="case")
        state = self._state(clock, now)
        clock.due_at, clock.yellow_at = state.due_at, state.yellow_at
        clock.status = Clock.Status.PAUSED if state.paused else Clock.Status.RUNNING
        clock.warning = state.warning.value
        self.clocks.append(clock)
        case.clock, case.accepted_at = clock, now
        self._move(case, states.Action.ACCEPT, actor, data={"limit": amount, "unit": unit})
        self._notice(case, Notice.Kind.RECEIPT, actor, {
            "due_date": state.due_date.isoformat() if state.due_date else "", "limit": amount, "unit": unit,
            "provisional": state.provisional})

    def complete(self, case: Case, actor, data: dict[str, Any]) -> None:
        """As cases.services._complete: the clock stops (its due moment frozen there), the result is kept."""
        now = timeutil.now()
        clock = case.clock
        running = self._state(clock, now)
        clock.status, clock.stopped_at = Clock.Status.STOPPED, now
        clock.due_at, clock.yellow_at = running.due_at, running.yellow_at
        state = self._state(clock, now)
        clock.warning = state.warning.value
        result = inputs.text(data, "result", "办理结果", "Result")
        case.result, case.approved, case.delivery = result, True, data["delivery"]
        case.delivery_address = inputs.text(data, "delivery_address", "邮寄地址", "Mailing address", required=False,
                                            max_len=200)
        case.completed_at = now
        case.delivered_on = inputs.date(data, "delivered_on", "送达日期", "Delivery date", required=False)
        self._move(case, states.Action.COMPLETE, actor, reason=result,
                   data={"on_time": not state.finished_late, "overdue_days": state.overdue_days})

    def answer(self, case: Case, actor, answer: str) -> None:
        """As cases.services._answer_consultation: a consultation answered at the window."""
        answer = inputs.text({"answer": answer}, "answer", "答复内容", "Answer")
        case.answer, case.completed_at = answer, timeutil.now()
        self._move(case, states.Action.ANSWER_CONSULTATION, actor, reason=answer)

    def reject(self, case: Case, actor, ground: str, reason: str) -> None:
        """As cases.services._reject for a case not yet accepted (no clock): the decision and its notice."""
        reason = inputs.text({"reason": reason}, "reason", "书面理由", "Written reason")
        case.rejection_ground, case.rejection_reason, case.completed_at = ground, reason, timeutil.now()
        self._move(case, states.Action.REJECT, actor, reason=reason)
        self._notice(case, Notice.Kind.REJECTION, actor, {"ground": ground, "reason": reason})

    # -- writing ----------------------------------------------------------------------------------------
    def flush(self) -> int:
        """Insert everything held (clocks first: cases point at them; events and notices last)."""
        self.sync()
        with _stamps_as_given(Case, CaseEvent, FirstContact, Notice):
            Clock.objects.bulk_create(self.clocks, batch_size=BATCH)
            for case in self.cases:
                case.clock = case.clock  # the clock's new primary key onto the case
            Case.objects.bulk_create(self.cases, batch_size=BATCH)
            for model, rows in ((FirstContact, self.contacts), (CaseEvent, self.events), (Notice, self.notices)):
                for row in rows:
                    row.case = row.case
                model.objects.bulk_create(sorted(rows, key=_moment), batch_size=BATCH)
        n = len(self.cases)
        self.clocks, self.cases, self.contacts, self.events, self.notices = [], [], [], [], []
        return n

    # -- helpers ----------------------------------------------------------------------------------------
    def _state(self, clock: Clock, now: dt.datetime) -> ClockState:
        """core.clocks.state_of for a clock without pauses, extensions or a promised date (none has one here)."""
        stopped = clock.stopped_at if clock.status == Clock.Status.STOPPED else None
        frozen = (clock.due_at, clock.yellow_at) if stopped and clock.due_at and clock.yellow_at else None
        facts = ClockFacts(start=timezone.localtime(clock.start), amount=clock.amount, unit=LimitUnit(clock.unit),
                           stopped_at=timezone.localtime(stopped) if stopped else None,
                           stopped_due=tuple(timezone.localtime(m) for m in frozen) if frozen else None)
        return evaluate(self.cal, facts, timezone.localtime(now), self.share)

    def _notice(self, case: Case, kind: str, actor, content: dict) -> None:
        """As cases.notices.issue: numbered per kind and year."""
        year = timeutil.today().year
        number = self.next_value(f"notice-{kind}-{year}")
        self.notices.append(Notice(kind=kind, number=f"{PREFIX[Notice.Kind(kind)]}字〔{year}〕第{number:06d}号", case=case,
                                   item=case.item, site=case.site, created_by=actor, created_at=timeutil.now(),
                                   content=content))

    def _move(self, case: Case, action: states.Action, actor, *, reason: str = "", data: dict | None = None) -> None:
        old = case.status
        case.status = states.target(action, old).value
        self._event(case, action.value, actor, old, reason, data)

    def _event(self, case: Case, action: str, actor, from_status: str, reason: str = "",
               data: dict | None = None) -> None:
        self.events.append(CaseEvent(case=case, action=action, from_status=from_status, to_status=case.status,
                                     actor=actor, reason=reason[:MAX_TEXT], data=data or {}, at=timeutil.now()))


def _moment(row: models.Model) -> dt.datetime:
    return getattr(row, "at", None) or row.created_at


@contextmanager
def _stamps_as_given(*model_classes: type[models.Model]):
    """bulk_create would stamp every auto_now_add field with one "now"; these rows carry their own moments."""
    fields = [f for m in model_classes for f in m._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True

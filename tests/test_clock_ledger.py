"""建立台账、限期整改 (seed 001: 情况复杂、一时难以解决的，建立台账，限期整改): the rater gets a first answer — what
will be done, by when — within the 15-working-day rectification limit; from then on the ledger deadline is the
clock that warns and escalates (issue 13). A missing first answer is escalated as before."""
import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bianmin.core import sms
from bianmin.core.jobs import run_once
from bianmin.core.models import Notification
from bianmin.rectification import figures
from bianmin.rectification import services as s
from bianmin.rectification.models import Appeal, Ticket

from .ticket_helpers import bad_rating, do, ticket_of

pytestmark = pytest.mark.django_db

DEADLINE = "2027-01-29"  # a Friday, six weeks after the rectification limit (11 December 2026)


@pytest.fixture(autouse=True)
def _texts_kept_in_memory(memory_sms):
    """Text messages go to `sms.outbox` (tests/conftest.py)."""


def act(world, ticket, action, **data):
    return s.transition(ticket.pk, action, world.clerk_a, data)


def escalations(ticket) -> list[str]:
    return list(ticket.events.filter(action="escalate").values_list("note", flat=True))


def ledger_ticket(world, set_now, answer_on=dt.datetime(2026, 11, 25, 10)) -> Ticket:
    set_now(dt.datetime(2026, 11, 20, 10))  # Friday: verify by Monday 23rd, answer by Friday 11 December
    ticket = ticket_of(bad_rating(world))
    act(world, ticket, "verify", channel="phone", reached=True, note="需改造叫号系统")
    set_now(answer_on)
    act(world, ticket, "resolve", outcome="ledger", note="改造叫号系统，增设老年人窗口", deadline=DEADLINE)
    return Ticket.objects.get(pk=ticket.pk)


def test_the_plan_is_the_first_answer_and_the_ledger_deadline_takes_over(world, set_now,
                                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ledger_ticket(world, set_now)
    assert ticket.status == "rectifying" and ticket.ledger_deadline == dt.date(2027, 1, 29)
    assert ticket.rectify_clock.status == "stopped"
    assert ticket.rectify_clock.stopped_at == timezone.make_aware(dt.datetime(2026, 11, 25, 10))
    assert ticket.ledger_clock.status == "running"
    assert timezone.localtime(ticket.ledger_clock.due_at) == timezone.make_aware(dt.datetime(2027, 1, 29, 23, 59, 59))
    # The rater is told what will be done and by when.
    # (The other message is the case's own completion notice, sent when the rated case was finished.)
    told = [m["text"] for m in sms.outbox if "整改台账" in m["text"]]
    assert len(told) == 1 and "2027年01月29日" in told[0]


def test_a_ledger_answered_in_time_is_not_escalated_until_its_deadline_passes(world, set_now, client_for):
    ticket = ledger_ticket(world, set_now)
    for day in (dt.datetime(2026, 12, 14, 9), dt.datetime(2026, 12, 31, 9), dt.datetime(2027, 1, 15, 9)):
        set_now(day)  # well past the 15-working-day limit, before the ledger deadline
        run_once()
        ticket.refresh_from_db()
        assert ticket.escalation == 0, day
    html = client_for(world.supervisor).get(f"/workbench/tickets/{ticket.pk}/").content.decode()
    rectify = re.search(r'data-test="rectify-due">(.*?)</dd>', html, re.DOTALL).group(1)
    ledger = re.search(r'data-test="ledger-due">(.*?)</dd>', html, re.DOTALL).group(1)
    assert 'data-test="on-time"' in rectify and "超期" not in rectify
    assert "2027-01-29" in ledger and 'data-test="provisional"' in ledger and "超期" not in ledger
    set_now(dt.datetime(2027, 1, 20, 9))  # 80 % of the ledger period used: the handler is warned, once
    run_once()
    run_once()
    assert Notification.objects.filter(user=world.clerk_a, text__startswith="预警").count() == 1
    set_now(dt.datetime(2027, 1, 29, 18))  # the deadline day itself: still in time
    run_once()
    ticket.refresh_from_db()
    assert ticket.escalation == 0
    set_now(dt.datetime(2027, 2, 1, 9))  # Monday after the deadline: overdue → centre manager
    run_once()
    ticket.refresh_from_db()
    assert ticket.escalation == 1 and escalations(ticket) == ["超过台账整改期限"]
    sup = client_for(world.supervisor)
    assert ticket.number in sup.get("/workbench/tickets/?due=overdue").content.decode()
    html = sup.get(f"/workbench/tickets/{ticket.pk}/").content.decode()
    assert "超期 1 个工作日" in re.search(r'data-test="ledger-due">(.*?)</dd>', html, re.DOTALL).group(1)


def test_no_first_answer_within_the_limit_is_escalated_as_before(world, set_now):
    set_now(dt.datetime(2026, 11, 20, 10))
    ticket = ticket_of(bad_rating(world))
    act(world, ticket, "verify", channel="phone", reached=True)
    set_now(dt.datetime(2026, 12, 14, 9))  # the rectification limit (11 December) has passed, no answer
    run_once()
    ticket.refresh_from_db()
    assert ticket.escalation == 1 and escalations(ticket) == ["整改反馈超期"]
    act(world, ticket, "resolve", outcome="ledger", note="改造叫号系统", deadline=DEADLINE)
    ticket.refresh_from_db()
    assert ticket.rectify_clock.status == "stopped"  # answered, late
    set_now(dt.datetime(2026, 12, 16, 9))
    run_once()
    ticket.refresh_from_db()
    assert ticket.escalation == 1  # the ledger deadline is valid: nothing more until it passes


def test_the_final_answer_stops_the_ledger_clock(world, set_now, client_for):
    ticket = ledger_ticket(world, set_now)
    set_now(dt.datetime(2027, 1, 22, 10))
    act(world, ticket, "progress", note="设备已到货")
    act(world, ticket, "rectified", note="叫号系统已上线")
    act(world, ticket, "feedback", channel="phone", message="已整改到位，感谢监督")
    ticket.refresh_from_db()
    assert ticket.ledger_clock.status == "stopped" and ticket.status == "answered"
    set_now(dt.datetime(2027, 3, 1, 9))
    run_once()
    ticket.refresh_from_db()
    assert ticket.escalation == 0
    on_time = figures.compute(Ticket.objects.all(), Appeal.objects.none()).on_time
    assert (on_time.numerator, on_time.denominator) == (1, 1)
    ws = load_workbook(io.BytesIO(client_for(world.supervisor).get("/workbench/tickets/export.xlsx").content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][rows[0].index("是否超期")] == "否"


def test_a_ledger_deadline_the_calendar_cannot_cover_is_refused(world, api_for, set_now):
    set_now(dt.datetime(2026, 11, 20, 10))
    ticket = ticket_of(bad_rating(world))
    clerk = api_for(world.clerk_a)
    do(clerk, ticket, "verify", {"channel": "phone", "reached": True})
    body = do(clerk, ticket, "resolve", {"outcome": "ledger", "note": "x", "deadline": "2029-06-01"}, expect=422)
    assert body["code"] == "calendar_not_covered"
    ticket.refresh_from_db()
    assert ticket.status == "verifying" and ticket.ledger_clock_id is None
    assert ticket.rectify_clock.status == "running"

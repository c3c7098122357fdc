"""Demo 好差评: ratings of the finished demo cases and the bad-review tickets they open, at each stage of
the loop, so every page has something real to show.

Everything goes through the same services a citizen and a clerk use (rating tokens, ticket
transitions), each step at its own moment in the past (timeutil.travel_to), so clocks, due dates and
history read as they would in a real centre. The three most recently finished cases stay unrated:
a visitor can rate them (e.g. 非常不满意) and follow the loop from the start.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from bianmin.cases.models import Case
from bianmin.cases.states import Status as CaseStatus
from bianmin.core import timeutil
from bianmin.core.errors import DomainError
from bianmin.core.jobs import sweep_deadlines
from bianmin.ratings import services as rating_services
from bianmin.ratings.models import Channel, Level, Rating, Stage
from bianmin.rectification import followups
from bianmin.rectification import services as tickets
from bianmin.rectification.jobs import escalate_overdue
from bianmin.rectification.models import ContactChannel
from bianmin.rectification.states import Outcome

LEAVE_UNRATED = 3


@dataclass(frozen=True)
class DemoRating:
    level: str
    channel: str = Channel.QR
    comment: str = ""
    answers: dict = field(default_factory=dict)
    minutes_after: int = 6
    # Ticket steps for a bad rating: (working hours after the rating, action, data); "followup" is the rater.
    loop: tuple = ()


GOOD = [
    DemoRating(Level.VERY_SATISFIED, Channel.WINDOW_DEVICE),
    DemoRating(Level.SATISFIED, Channel.QR, "材料一次就齐了，工作人员讲得很清楚"),
    DemoRating(Level.VERY_SATISFIED, Channel.WINDOW_DEVICE),
    DemoRating(Level.BASIC, Channel.MOBILE, "排队时间有点长", {"process_convenient": "partly"}),
    DemoRating(Level.SATISFIED, Channel.WINDOW_DEVICE),
    DemoRating(Level.VERY_SATISFIED, Channel.QR, "帮办代办很贴心，不用再跑一趟"),
]

# The bad reviews, oldest first: closed after a good follow-up, answered (waiting for the rater),
# ledger rectification in progress, and just received (the handler still has to call back).
BAD = [
    DemoRating(Level.VERY_DISSATISFIED, Channel.QR, "窗口说材料不全让我回去拿，可一次性告知书上没写",
               {"guide_clear": "no", "suggestion": "告知书写全所需材料"}, loop=(
                   (2, "verify", {"channel": ContactChannel.PHONE, "reached": True, "note": "电话联系评价人，核实为窗口未一次性告知"}),
                   (3, "resolve", {"outcome": Outcome.RECTIFIED_NOW, "note": "当日补充完善告知书，对窗口人员批评教育"}),
                   (4, "feedback", {"channel": ContactChannel.PHONE, "message": "您反映的一次性告知不到位问题已整改，告知书已补充完整，"
                                    "向您致歉，感谢监督。"}),
                   (20, "followup", {"level": Level.SATISFIED, "comment": "态度诚恳，问题解决了"}),
               )),
    DemoRating(Level.DISSATISFIED, Channel.MOBILE, "等了一个多小时才叫到号", {"process_convenient": "no"}, loop=(
        (1, "verify", {"channel": ContactChannel.PHONE, "reached": True, "note": "评价人反映高峰期等候时间长"}),
        (2, "resolve", {"outcome": Outcome.EXPLAINED, "note": "当日为月底高峰，已说明可网上预约"}),
        (3, "feedback", {"channel": ContactChannel.SMS, "message": "感谢您的反馈。月底为办理高峰，建议通过网上预约错峰办理，"
                         "我们已在高峰时段增开一个综合窗口。"}),
    )),
    DemoRating(Level.VERY_DISSATISFIED, Channel.QR, "办理人员玩手机，态度冷淡", loop=(
        (1, "verify", {"channel": ContactChannel.PHONE, "reached": False, "note": "第一次电话未接通"}),
        (3, "verify", {"channel": ContactChannel.PHONE, "reached": True, "note": "第二次联系上，核实属实"}),
        (4, "resolve", {"outcome": Outcome.LEDGER, "note": "纳入作风整改台账，组织窗口礼仪培训",
                        "deadline": "+10"}),
        (8, "progress", {"note": "已完成第一期窗口礼仪培训"}),
    )),
    DemoRating(Level.VERY_DISSATISFIED, Channel.MOBILE, "同一个材料让我复印了三次", {"guide_clear": "no"}),
]


@dataclass
class Result:
    created: int = 0
    tickets: int = 0
    notes: list[str] = field(default_factory=list)


def _rate(case: Case, spec: DemoRating, at: dt.datetime) -> Rating:
    with timeutil.travel_to(at):
        if spec.channel in rating_services.LINK_CHANNELS:  # the citizen's phone, through the receipt's QR code
            link = rating_services.rating_link(case)
            rating, _ = rating_services.submit_with_token(link.token, level=spec.level, answers=spec.answers,
                                                          comment=spec.comment, channel=spec.channel)
        else:  # the window's rating device, right after the case was finished
            data = rating_services.clean_input(spec.level, spec.answers, spec.comment)
            rating, _ = rating_services.store(rating_services.rating_for_case(
                case, Stage.COMPLETE, data, channel=spec.channel, created_at=timeutil.now()))
    return rating


def _run_loop(rating: Rating, spec: DemoRating, actor, now: dt.datetime) -> None:
    from bianmin.rectification.models import Ticket

    ticket = Ticket.objects.get(rating=rating)
    for hours, action, data in spec.loop:
        at = rating.created_at + dt.timedelta(hours=hours * 6)  # spread over working days
        if at >= now:
            return
        with timeutil.travel_to(at):
            if action == "followup":
                rating_services.submit_with_token(followups.token_for(ticket), channel=Channel.SMS, **data)
                continue
            if data.get("deadline", "").startswith("+"):
                data = {**data, "deadline": (at.date() + dt.timedelta(days=int(data["deadline"][1:]))).isoformat()}
            tickets.transition(ticket.pk, action, actor, data)


def load() -> Result:
    """Rate the finished demo cases once; later runs leave existing ratings alone."""
    result = Result()
    finished = list(Case.objects.filter(status=CaseStatus.COMPLETED, completed_at__isnull=False,
                                        number__startswith="BJ")
                    .select_related("handled_by").order_by("completed_at", "id"))
    if Rating.objects.filter(case__in=finished).exists():
        return result
    now = timeutil.now()
    candidates = finished[:-LEAVE_UNRATED] if len(finished) > LEAVE_UNRATED else []
    # The oldest finished cases get the bad reviews, so their tickets have had time to move on.
    plan = list(zip(candidates, BAD + GOOD * (len(candidates) // len(GOOD) + 1)))
    manager = get_user_model().objects.filter(username="demo-manager").first()
    for case, spec in plan:
        at = case.completed_at + dt.timedelta(minutes=spec.minutes_after)
        if at >= now:
            continue
        try:
            with transaction.atomic():
                rating = _rate(case, spec, at)
                result.created += 1
                if rating.is_bad:
                    result.tickets += 1
                    _run_loop(rating, spec, case.handled_by or manager, now)
        except DomainError as exc:  # e.g. a due date in a year the calendar does not cover yet
            result.notes.append(f"演示评价 {case.number} 未能生成：{exc}")
    if result.tickets:  # warn and escalate as the worker would have done by now
        sweep_deadlines()
        escalate_overdue()
    return result

"""办结公告 (result notices, seed 002: "办结公告"): an item whose law requires its result to be made public publishes it
at completion on the centre's notice board page and the public portal for the item's notice period
(Item.result_notice_workdays working days). The notice names the applicant only as the law requires: an
organisation by its name, a person by a masked name; a notice text with a phone or ID number is refused.
"""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bianmin.core import timeutil
from bianmin.core.errors import InvalidInput
from bianmin.core.masking import mask_name, mask_text
from bianmin.core.worktime.loader import get_calendar

from .models import Case, ResultNotice


def required(case: Case) -> bool:
    return case.item.result_notice_workdays > 0


def check_text(value: str) -> str:
    """A notice is public: it must not carry a phone or ID number (SPEC §11, personal data)."""
    if mask_text(value) != value:  # the masking rule found a phone or ID number in it
        raise InvalidInput("公告内容不能包含身份证号码或手机号码。",
                           "A public notice must not contain an ID or mobile number.", field="public_notice")
    return value


def default_text(case: Case) -> str:
    verdict = "准予" if case.approved is not False else "不予"
    return f"{case.item.name}：经审查，{verdict}办理。"


def publish(case: Case, text: str, at: dt.datetime | None = None) -> ResultNotice:
    at = at or timeutil.now()
    until = get_calendar().add_working_days(timezone.localtime(at).date(), case.item.result_notice_workdays)
    return ResultNotice.objects.create(
        case=case, site=case.site, item=case.item,
        applicant_shown=case.applicant_org or mask_name(case.applicant_name),
        approved=case.approved, text=check_text(text or default_text(case)), published_at=at, until=until)


def current(today: dt.date | None = None):
    """Notices on the board today: published, not withdrawn, within their period. Secret items never show."""
    today = today or timezone.localtime(timeutil.now()).date()
    return (ResultNotice.objects.filter(until__gte=today, withdrawn_at__isnull=True, item__secret=False,
                                        published_at__lte=timeutil.now())
            .select_related("site", "item", "case"))

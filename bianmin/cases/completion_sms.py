"""The text message that tells the applicant their case is finished (办结告知), sent as soon as it is completed.

The rating invitation (ratings/invitations.py) follows days later and is a separate message: the applicant
should not wait three days to learn that the result is ready. Sent after the commit (a rolled-back completion
texts nobody); a failed send is logged without the number and never undoes the completion. Cases carry no
language of the applicant, so the text is Chinese, like every other text to an applicant.
"""
from __future__ import annotations

import logging

from django.db import transaction

from bianmin.core import sms

from .models import Case, Delivery

logger = logging.getLogger("bianmin.worker")
RESULT_CHARS = 60  # one or two SMS segments in all, the rest is on the completion receipt


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= RESULT_CHARS else text[: RESULT_CHARS - 1] + "…"


def _delivery_line(case: Case) -> str:
    if case.delivery == Delivery.MAIL:
        return "办理结果将邮寄至您登记的地址，请注意查收。"
    if case.delivery == Delivery.ONLINE:
        return "办理结果已电子送达，请登录政务服务平台查看。"
    place = f"{case.site.name}{case.window.number}号窗口" if case.window_id else case.site.name
    return f"请凭受理通知书或身份证件到{place}领取办理结果。"


def message(case: Case) -> str:
    result = f"办理结果：{_short(case.result)}。" if case.result.strip() else ""
    return (f"【{case.site.name}】您办理的“{case.item.name}”（办件编号 {case.number}）已办结。"
            f"{result}{_delivery_line(case)}")


def text_on_commit(case: Case) -> None:
    if case.applicant_phone:
        transaction.on_commit(lambda: _send(case.pk))


def _send(case_id: int) -> bool:
    case = Case.objects.select_related("site", "item", "window").get(pk=case_id)
    try:
        sms.send(case.applicant_phone, message(case))
    except Exception:  # the case stays finished; the receipt and the case page still tell the result
        logger.exception("could not text the completion of case %s", case_id)
        return False
    return True

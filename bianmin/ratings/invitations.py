"""补充评价 invitations (SPEC §5): a case not rated on site gets one text message with its rating link,
RATING_INVITE_AFTER_DAYS after completion, while the rating period is still open.

The Invitation row (unique per case and stage) is the claim: written before sending, so two workers
never text the same person twice; a failed send is recorded on the row, not retried in a loop.
"""
from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from bianmin.cases.models import Case
from bianmin.cases.states import FINAL
from bianmin.core import sms, timeutil

from . import eligibility, services
from .models import Invitation, Stage

logger = logging.getLogger("bianmin.worker")
BATCH = 200


def message(case: Case, url: str, deadline: dt.datetime) -> str:
    day = timezone.localtime(deadline).strftime("%m月%d日")
    return (f"【{case.site.name}】您办理的“{case.item.name}”已办结。诚邀您对本次服务进行评价，"
            f"{day}前有效：{url}?via=sms")


def due_cases(now: dt.datetime):
    cfg = settings.BIANMIN
    invite_before = now - dt.timedelta(days=cfg["RATING_INVITE_AFTER_DAYS"])
    still_open_after = now - dt.timedelta(days=cfg["RATING_PERIOD_DAYS"] + 1)
    return (Case.objects.select_related("site", "item")
            .filter(status__in=[s.value for s in FINAL], completed_at__lte=invite_before,
                    completed_at__gte=still_open_after)
            .exclude(applicant_phone="")
            .exclude(ratings__stage=Stage.COMPLETE)
            .exclude(rating_invitations__stage=Stage.COMPLETE)
            .order_by("completed_at")[:BATCH])


def send_due() -> int:
    if Stage.COMPLETE not in eligibility.configured_stages():
        return 0
    now = timeutil.now()
    sent = 0
    for case in due_cases(now):
        deadline = eligibility.rating_deadline(case, Stage.COMPLETE)
        if deadline is None or now > deadline:
            continue
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(case=case, stage=Stage.COMPLETE, status=Invitation.Status.SENT)
        except IntegrityError:
            continue  # another worker claimed it
        link = services.rating_link(case, stage=Stage.COMPLETE)
        try:
            sms.send(case.applicant_phone, message(case, link.url, deadline))
            sent += 1
        except Exception as exc:  # the gateway failed: record it on the row, never lose track
            logger.warning("rating invitation for case %s failed: %s", case.pk, type(exc).__name__)
            Invitation.objects.filter(pk=invitation.pk).update(status=Invitation.Status.FAILED,
                                                              error=type(exc).__name__[:200])
    return sent

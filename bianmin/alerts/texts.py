"""What an alert says, in the reader's language: the notification and the list page compose the same sentence
from the alert's kind and detail (core.notify.message: translated for each recipient when it is written)."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bianmin.core.notify import message

from .models import Alert, Kind

SENTENCES = {
    Kind.DAILY_COMPLAINTS: _("%(unit)s %(date)s 收到投诉 %(count)s 件，达到日投诉量预警值 %(threshold)s 件。"),
    Kind.REPEATED_PERSON: _("%(subject)s 近 %(days)s 天内被投诉 %(count)s 次，达到重复投诉预警值 %(threshold)s 次。"),
    Kind.REPEATED_MATTER: _("%(unit)s “%(subject)s”近 %(days)s 天内被投诉 %(count)s 次，"
                            "达到重复投诉预警值 %(threshold)s 次。"),
    Kind.HOT_TERM: _("%(unit)s 投诉热词“%(subject)s”%(date)s 出现 %(count)s 次，日常水平每天 %(usual)s 次，"
                     "升幅达到预警倍数 %(factor)s 倍。"),
    Kind.REPEATED_BAD_REVIEWS: _("%(subject)s 近 %(days)s 天内差评/投诉查证属实 %(count)s 次，"
                                 "达到预警值 %(threshold)s 次，请落实责任追究。"),
}
NOTICE = _("预警：%(text)s")


def sentence(alert: Alert):
    """The alert in one sentence (lazy: composed in the language active when it is shown or stored)."""
    d = alert.detail or {}
    params = {"unit": alert.unit.name, "subject": alert.subject, "date": d.get("date", ""), "count": d.get("count", ""),
              "threshold": d.get("threshold", ""), "days": d.get("days", ""), "usual": d.get("usual", ""),
              "factor": d.get("factor", "")}
    return message(SENTENCES[Kind(alert.kind)], **params)


def notice(alert: Alert):
    return message(NOTICE, text=sentence(alert))

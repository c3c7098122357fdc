"""Documents issued for a case: the numbered notices (receipt, supplement, rejection, extension) and the
completion receipt (办结签收单), which is printed from the finished case itself and needs no number of its own:
the case number identifies it, and it can be reprinted (a lost slip) without issuing anything new."""
from __future__ import annotations

from bianmin.core.sequences import next_value

from .models import Case, Notice
from .states import Status

PREFIX = {
    Notice.Kind.RECEIPT: "受",
    Notice.Kind.SUPPLEMENT: "补",
    Notice.Kind.REJECTION: "退",
    Notice.Kind.ONE_TIME: "告",
    Notice.Kind.EXTENSION: "延",
    Notice.Kind.RETURN: "退回",
    Notice.Kind.REVIEW: "复核",
    Notice.Kind.URGENT: "急",
    Notice.Kind.SPECIAL: "特",
}


def notice_number(kind: str, year: int) -> str:
    value = next_value(f"notice-{kind}-{year}")
    return f"{PREFIX[Notice.Kind(kind)]}字〔{year}〕第{value:06d}号"


def issue(case: Case, kind: str, actor, content: dict, year: int) -> Notice:
    return Notice.objects.create(kind=kind, number=notice_number(kind, year), case=case, item=case.item,
                                 site=case.site, created_by=actor, content=content)


def has_completion_receipt(case: Case) -> bool:
    """办结签收单: only a completed case has a result to hand over (a rejection has its own notice)."""
    return case.status == Status.COMPLETED

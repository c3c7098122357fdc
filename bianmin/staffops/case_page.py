"""What staff assessment adds to the case page (provided to bianmin.cases.page_parts in StaffopsConfig.ready(), so
the cases app does not import this app): the 超时说明 panel of a case that ran past its time limit."""
from __future__ import annotations

from bianmin.core import timeutil

from .models import DelayExplanation
from .services import may_explain
from .subjects import ran_past_due


def delay_panel(user, case) -> dict | None:
    """The recorded explanation, else whether this user may write it; None while the case keeps its limit."""
    if not ran_past_due(case, timeutil.now()):
        return None
    explanation = DelayExplanation.objects.filter(case=case).select_related("by").first()
    return {"explanation": explanation, "may_explain": explanation is None and may_explain(user, case)}

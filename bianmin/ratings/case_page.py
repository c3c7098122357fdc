"""What the ratings app adds to the case page and to the printed receipt (provided to bianmin.cases.page_parts
in RatingsConfig.ready(), so the cases app does not import this app): the 服务评价 panel and the receipt's QR code.
"""
from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from bianmin.cases.services import may
from bianmin.core import timeutil
from bianmin.core.errors import DomainError
from bianmin.orgs.roles import Action as Perm

from . import eligibility, services
from .models import Level, Rating, Stage
from .qr import rating_qr

STAGE_LABELS = dict(Stage.choices)


def case_panel(user, case) -> dict | None:
    """The 服务评价 panel of a case page: QR code and link, each configured stage rated or not, and
    whether this user may key in a paper form. None when no stage is configured for rating."""
    stages = eligibility.configured_stages()
    if not stages:
        return None
    now = timeutil.now()
    ratings = {r.stage: r for r in Rating.objects.filter(case=case).select_related("entered_by", "device")}
    rows, open_unrated = [], []
    for stage in stages:
        deadline = eligibility.rating_deadline(case, stage)
        if stage in ratings:
            state = "rated"
        elif deadline is None:
            state = "not_yet"
        elif now > deadline:
            state = "expired"
        else:
            state = "open"
            open_unrated.append(stage)
        rows.append({"stage": stage, "label": STAGE_LABELS[stage], "state": state, "rating": ratings.get(stage),
                     "deadline": deadline})
    link = services.rating_link(case)
    link_deadline = eligibility.rating_deadline(case, link.stage)
    # Nothing left to rate (each stage rated or its period over): no QR code to hand out.
    waiting = any(r["state"] in ("open", "not_yet") for r in rows)
    try:
        services.refuse_own_case(case, user)
        own_case = False
    except DomainError:
        own_case = True
    return {
        "rows": rows, "qr": rating_qr(link, label=_("服务评价二维码")) if waiting else None,
        "link_ready": link_deadline is not None, "deadline": link_deadline,
        "period_days": settings.BIANMIN["RATING_PERIOD_DAYS"],
        "paper_stages": [(s, STAGE_LABELS[s]) for s in open_unrated],
        "may_enter": bool(open_unrated) and not own_case and may(user, Perm.ENTER_RATING, site=case.site),
        "own_case": own_case and bool(open_unrated),
        "levels": Level.choices,
    }


def receipt_qr(case) -> dict:
    """The QR code printed on a receipt (受理通知书): the link works once the rated stage is reached."""
    link = services.rating_link(case)
    return {**rating_qr(link, scale=3, label=_("服务评价二维码")),
            "ready": eligibility.rating_deadline(case, link.stage) is not None}

"""The site standardisation checklist, read by anybody (issue 17 API contract): it describes the premises (hall
area, signs, counters, notice board, windows), not people, like the public site list and hours of the hall API."""
from __future__ import annotations

from ninja import Field, Router, Schema

from bianmin.core.errors import NotFound
from bianmin.core.masking import mask_text
from bianmin.orgs.models import Site

from . import sitecheck

router = Router(tags=["staffops"])


class ChecklistItemOut(Schema):
    code: str = Field(..., description="The item's code (stable), e.g. hall_area, counter, has_sign")
    label: str = Field(..., description="The item, in the language of the request (S004's standard)")
    passed: bool | None = Field(..., description="true: meets the standard · false: does not · null: not checked yet")
    note: str = Field(..., description="The inspector's note (phone and ID numbers masked)")


class ChecklistOut(Schema):
    score: int | None = Field(..., description="The share of checked items that pass, ×100, rounded; null when no "
                                                "item has been checked")
    items: list[ChecklistItemOut] = Field(..., description="Every item for the site's kind: a township or county "
                                                           "centre S004's facilities, a village point the six "
                                                           "elements (六有)")


@router.get("/sites/{site_id}/checklist", response=ChecklistOut,
            summary="A site's standardisation checklist (public)",
            description="Public, like the site's hours: the answers describe the premises, not people. Active sites "
                        "only; an unknown site (or one still in pilot) is a 404.")
def site_checklist(request, site_id: int):
    site = (Site.objects.filter(pk=site_id, status=Site.Status.ACTIVE).first()
            if 0 < site_id < 2**63 else None)  # a bigger number would overflow the database's bigint
    if site is None:
        raise NotFound("服务场所不存在。", "No such site.")
    found = sitecheck.site_checklist(site)
    return {"score": found["score"],
            "items": [{"code": r["code"], "label": r["label"], "passed": r["passed"], "note": mask_text(r["note"]) or ""}
                      for r in found["items"]]}

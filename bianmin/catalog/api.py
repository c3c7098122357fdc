"""Public catalogue API: item search and full guides (SPEC §2).

Both endpoints are open (auth=None) and read only the published version in effect, so the API says
exactly what the portal page and the printed guide say. Secret items answer 404 as if unknown.
"""
from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema

from bianmin.core.errors import NotFound

from . import searchlog, selectors

router = Router(tags=["items"])


class LimitOut(Schema):
    amount: int
    unit: str = Field(..., description="workdays | days | hours")


class FlagsOut(Schema):
    at_most_once: bool = False
    online: bool = False
    bookable: bool = False
    tolerant: bool = False
    high_frequency: bool = False


class ItemSummary(Schema):
    code: str
    name: str
    item_type: str
    item_type_label: str
    handling_type: str
    handling_type_label: str
    committed_limit: LimitOut
    accepting_unit: str
    flags: FlagsOut


class MaterialOut(Schema):
    name: str
    role: str = Field(..., description="main 主件 | supporting 附件")
    role_label: str
    form: str = Field(..., description="original | copy | both | electronic")
    form_label: str
    count: int
    template: str = ""
    source: str = ""
    common_mistakes: str = ""


class GuideOut(ItemSummary):
    version: int
    effective_date: dt.date
    basic_code: str
    legal_basis: str = ""
    channels: list[str] = []
    conditions: list[str]
    materials: list[MaterialOut]
    procedure: list[str] = []
    statutory_limit: LimitOut
    fee_basis: str = ""
    fee_standard: str = ""
    consult_phone: str = ""
    supervision_phone: str = ""
    evaluation_channels: str = ""


class SearchParams(Schema):
    q: str = Field("", max_length=selectors.MAX_QUERY, description="事项名称（中文）、常用简称（如 低保、社保）、拼音或拼音首字母，如 hz、dibao")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=100_000)


@router.get("", response=list[ItemSummary], auth=None, summary="Search public service items")
def search_items(request, params: Query[SearchParams]):
    page = selectors.search(params.q)[params.offset:params.offset + params.limit]
    found = [entry.guide for entry in selectors.with_versions(page)]
    if params.offset == 0:  # count each search once, not each page of it
        searchlog.record(params.q, found=bool(found))
    return found


@router.get("/{code}", response=GuideOut, auth=None, summary="The guide of an item, as in effect today")
def get_item(request, code: str):
    found = selectors.public_item(code)
    if found is None:
        raise NotFound("未找到该事项，或该事项不公开。", "No such public service item.", field="code")
    _, version = found
    return {**version.content, "version": version.number, "effective_date": version.effective_date}

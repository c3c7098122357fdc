"""Hot spots API (堵点难点): recurring themes of a unit subtree or a site and a period, and the records of one
theme. Scoped like the other statistics (stats.scope); record excerpts are masked (no names or phones)."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema

from bianmin.core.auth import STAFF_AUTH
from bianmin.core.errors import InvalidInput

from . import hotspots, scope
from .api import SummaryFilter, period
from .hotspot_display import describe
from .hotspot_sources import KINDS

router = Router(tags=["stats"], auth=STAFF_AUTH)

PAGE_SIZE = 50
MAX_PAGE = 10_000


class HotspotFilter(SummaryFilter):
    source: Literal["rating", "complaint", "hotline"] | None = None


class RecordFilter(HotspotFilter):
    term: str = Field(..., min_length=1, max_length=40, description="A theme: one term, or two separated by a space")
    page: int = Field(1, ge=1, le=MAX_PAGE)


class PlaceOut(Schema):
    name: str
    records: int


class ThemeOut(Schema):
    term: str
    records: int = Field(..., description="Distinct records containing the term")
    share: float = Field(..., description="records ÷ records read")
    items: list[PlaceOut]
    units: list[PlaceOut]


class PairOut(Schema):
    terms: list[str]
    records: int
    share: float


class GroupThemeOut(Schema):
    term: str
    records: int


class GroupOut(Schema):
    key: str = Field(..., description="item:<id>, category:<id> (hotline), site:<id> or unit:<id>")
    name: str
    records: int
    themes: list[GroupThemeOut]


class HotspotsOut(Schema):
    unit: int
    unit_name: str
    site: int | None
    date_from: str = Field(..., alias="from")
    date_to: str = Field(..., alias="to")
    source: str | None
    records: int = Field(..., description="Records read (those with text)")
    by_source: dict[str, int]
    capped: bool = Field(..., description="More records than `cap`: only the newest `cap` were read")
    cap: int
    since: dt.datetime | None = Field(None, description="When capped: the time of the oldest record read")
    min_support: int
    themes: list[ThemeOut]
    pairs: list[PairOut]
    by_item: list[GroupOut]
    by_unit: list[GroupOut]


class LinkOut(Schema):
    label: str
    url: str


class RecordOut(Schema):
    source: str
    id: int
    at: dt.datetime
    item: str
    unit: str
    excerpt: str = Field(..., description="Text around the theme, personal data masked")
    links: list[LinkOut]


class RecordsOut(Schema):
    term: str
    total: int
    page: int
    pages: int
    records: list[RecordOut]


def _resolve(request, filters: HotspotFilter):
    if filters.unit is not None and filters.site is not None:
        raise InvalidInput("请只指定单位或服务场所之一。", "Give either `unit` or `site`, not both.", field="unit")
    date_from, date_to = period(filters.date_from, filters.date_to)
    kinds = (filters.source,) if filters.source else KINDS
    return scope.resolve(request.auth, filters.unit, filters.site), date_from, date_to, kinds


def _places(pairs) -> list[dict]:
    return [{"name": name, "records": n} for name, n in pairs]


def _groups(groups) -> list[dict]:
    return [{"key": g.key, "name": g.label, "records": g.records,
             "themes": [{"term": t, "records": n} for t, n in g.themes]} for g in groups]


@router.get("/stats/hotspots", response=HotspotsOut, by_alias=True,
            summary="Hot spots: recurring themes in bad reviews, complaints and hotline orders",
            description="Themes (terms after Chinese word segmentation and a stop-word list, and frequent pairs) "
                        "ranked by the number of distinct records containing them, overall, per item (hotline: "
                        "dispatch category) and per unit. `unit` (its subtree) or `site`, default the broadest unit "
                        "you may see; `from`/`to` inclusive (default: last 30 days); `source`: rating, complaint or "
                        "hotline (default: all). Only the newest HOTSPOT_MAX_RECORDS records are read (`capped`).")
def get_hotspots(request, filters: Query[HotspotFilter]):
    target, date_from, date_to, kinds = _resolve(request, filters)
    a = hotspots.analyse(target, date_from, date_to, kinds)
    return {
        "unit": target.unit.pk if target.unit else target.site.unit_id,
        "unit_name": target.unit.name if target.unit else target.site.unit.name,
        "site": target.site.pk if target.site else None,
        "from": date_from.isoformat(), "to": date_to.isoformat(), "source": filters.source,
        "records": a.records, "by_source": {k: a.by_kind.get(k, 0) for k in kinds}, "capped": a.capped,
        "cap": a.cap, "since": a.since, "min_support": a.min_support,
        "themes": [{"term": t.term, "records": t.records, "share": round(t.share, 4), "items": _places(t.items),
                    "units": _places(t.units)} for t in a.themes],
        "pairs": [{"terms": list(p.terms), "records": p.records, "share": round(p.share, 4)} for p in a.pairs],
        "by_item": _groups(a.by_item), "by_unit": _groups(a.by_unit),
    }


@router.get("/stats/hotspots/records", response=RecordsOut,
            summary="The records of one hot-spot theme, newest first, with masked excerpts and links",
            description="Same filters as /stats/hotspots plus `term` (one term, or two separated by a space) and "
                        f"`page` ({PAGE_SIZE} records a page).")
def get_hotspot_records(request, filters: Query[RecordFilter]):
    target, date_from, date_to, kinds = _resolve(request, filters)
    words = hotspots.term_words(filters.term)
    if not words or len(words) > hotspots.MAX_TERM_WORDS or any(ord(c) < 32 or c == "\x7f" for c in filters.term):
        raise InvalidInput("主题应为一个词，或以空格分隔的两个词。", "`term` must be one word, or two separated by a space.",
                           field="term")
    since = hotspots.analyse(target, date_from, date_to, kinds).since
    found = hotspots.records_with(target, date_from, date_to, filters.term, kinds, since=since)
    start = (filters.page - 1) * PAGE_SIZE
    out = []
    for r in found[start:start + PAGE_SIZE]:
        d = describe(r, words)
        out.append({"source": d["kind"], "id": d["id"], "at": d["at"], "item": d["item"], "unit": d["unit"],
                    "excerpt": "".join(text for text, _hit in d["excerpt"]),
                    "links": [{"label": link.label, "url": link.url} for link in d["links"]]})
    return {"term": " ".join(words), "total": len(found), "page": filters.page,
            "pages": max(1, -(-len(found) // PAGE_SIZE)), "records": out}

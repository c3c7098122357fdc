"""API of the other 好差评 channels: 综合点评 comments, third-party assessment imports and 监督查评 surveys.

`POST /comments` is public: anyone may leave a comment (channel "portal"), throttled per address.
Staff calling it with a bearer token and the ENTER_COMMENT permission may name any channel
(mailbox, hotline, email, supervision, media) for what they received elsewhere. A session cookie
never counts as staff here (the endpoint takes no CSRF token), so a page cannot be tricked into
filing a "hotline" comment in someone's name.
"""

import datetime as dt

from django.db.models import Count
from ninja import Field, File, Form, Query, Router, Schema
from ninja.errors import AuthenticationError
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status as HttpStatus
from pydantic import model_validator

from bianmin.core import throttle
from bianmin.core.auth import STAFF_AUTH, BearerAuth
from bianmin.core.errors import NotFound, PermissionDenied
from bianmin.core.masking import mask_name, mask_phone, mask_text
from bianmin.core.openapi import errors
from bianmin.orgs.models import Unit
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import can

from . import assessments, comments, surveys
from .models import SurveyVisit

router = Router(tags=["feedback"])


# ---------------------------------------------------------------- comments

class CommentTarget(Schema):
    unit_id: int | None = Field(None, description="The unit the comment is about")
    item_code: str | None = Field(None, max_length=100, description="The item (实施编码) the comment is about")

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value):
        # ninja reads attributes off any Python value; in a JSON body only an object is a target.
        value = getattr(value, "_obj", value)
        if not isinstance(value, dict | CommentTarget):
            raise ValueError("target must be an object")
        return value


class CommentIn(Schema):
    channel: str = Field("portal", max_length=40, description="portal (the public) · staff with ENTER_COMMENT: "
                                                              "mailbox, hotline, email, supervision, media")
    text: str = Field(..., max_length=20000, description="The comment, at most 2000 characters")
    target: CommentTarget | None = None
    contact_name: str | None = Field(None, max_length=1000)
    contact_phone: str | None = Field(None, max_length=100, description="Mobile 13812345678 or landline 0571-87654321")
    is_complaint: bool = False
    level: str | None = Field(None, max_length=40, description="Optional: very_satisfied … very_dissatisfied")


class CreatedOut(Schema):
    id: int


class CommentRow(Schema):
    id: int
    source: str
    is_complaint: bool
    level: str
    target_unit_id: int | None
    target_unit: str | None
    target_item_code: str | None
    target_item: str | None
    text: str
    contact_name: str
    contact_phone: str
    entered_by: str | None
    created_at: dt.datetime


def comment_row(c) -> dict:
    return {
        "id": c.pk, "source": c.source, "is_complaint": c.is_complaint, "level": c.level,
        "target_unit_id": c.target_unit_id, "target_unit": c.target_unit.name if c.target_unit_id else None,
        "target_item_code": c.target_item.code if c.target_item_id else None,
        "target_item": c.target_item.name if c.target_item_id else None, "text": mask_text(c.text),
        "contact_name": mask_name(c.contact_name), "contact_phone": mask_phone(c.contact_phone),
        "entered_by": c.entered_by.get_username() if c.entered_by_id else None, "created_at": c.created_at,
    }


def _bearer_user(request):
    """The staff member behind a bearer token, None without one; a token that is not valid is a 401."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    user = BearerAuth().authenticate(request, token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise AuthenticationError()
    return user


@router.post("/comments", response={201: CreatedOut}, auth=None,
             summary="Leave a comment (综合点评); public, throttled per address",
             description="The public may only use channel `portal`. Staff sending a bearer token with the "
                         "ENTER_COMMENT permission may use any channel. Too many requests from one address "
                         "within a minute answer 429.",
             openapi_extra=errors(401, 403, 429))
def create_comment(request, payload: CommentIn):
    user = _bearer_user(request)
    actor = user if user is not None and can(user, Perm.ENTER_COMMENT) else None
    if actor is None:
        address = throttle.client_address(request)
        if throttle.is_limited(comments.THROTTLE_PURPOSE, address):
            raise comments.too_many()
        throttle.hit(comments.THROTTLE_PURPOSE, address)
    target = payload.target or CommentTarget()
    unit, item = comments.resolve_target(unit_id=target.unit_id, item_code=target.item_code, public=actor is None)
    comment = comments.add_comment(
        actor, source=payload.channel, text=payload.text, target_unit=unit, target_item=item,
        contact_name=payload.contact_name or "", contact_phone=payload.contact_phone or "",
        is_complaint=payload.is_complaint, level=payload.level or "")
    return HttpStatus(201, {"id": comment.pk})


class CommentFilter(Schema):
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")
    complaint: bool | None = None
    source: str | None = Field(None, max_length=20)


@router.get("/comments", response=list[CommentRow], auth=STAFF_AUTH,
            summary="Comments about the units in your scope (contact masked)")
@paginate(LimitOffsetPagination)
def list_comments(request, filters: Query[CommentFilter]):
    if not comments.may_read(request.auth):
        raise PermissionDenied("您无权查看综合点评。", "You may not view comments.")
    return [comment_row(c) for c in comments.filtered(request.auth, filters.dict())]


# ---------------------------------------------------------------- assessments

class ImportOut(Schema):
    id: int
    file_name: str
    assessor: str
    row_count: int
    imported_at: dt.datetime


class ResultOut(Schema):
    unit_id: int
    unit: str
    division_code: str
    period_start: dt.date
    period_end: dt.date
    score: float
    remark: str


class ImportDetail(ImportOut):
    results: list[ResultOut]


def import_out(batch) -> dict:
    return {"id": batch.pk, "file_name": batch.file_name, "assessor": batch.assessor, "row_count": batch.row_count,
            "imported_at": batch.imported_at}


@router.post("/assessments/import", response={201: ImportOut}, auth=STAFF_AUTH,
             summary="Import third-party assessment results (CSV or .xlsx, multipart: file, assessor)",
             description="Columns 单位 (9-digit division code or exact unit name), 评估期起, 评估期止, 得分 (0–100, "
                         "two decimals), 评估意见 (optional). All or nothing: any bad row answers 422 with every "
                         "problem in `errors` (row, column, message, message_en) and nothing is stored.")
def import_assessments(request, file: File[UploadedFile] = None, assessor: Form[str] = ""):
    batch = assessments.import_assessments(request.auth, file, assessor)
    return HttpStatus(201, import_out(batch))


@router.get("/assessments", response=list[ImportOut], auth=STAFF_AUTH,
            summary="Assessment imports with results in your scope")
@paginate(LimitOffsetPagination)
def list_imports(request):
    if not can(request.auth, Perm.SURVEY):
        raise PermissionDenied("您无权查看第三方评估结果。", "You may not view assessment results.")
    return [import_out(b) for b in assessments.visible_imports(request.auth)]


@router.get("/assessments/{batch_id}", response=ImportDetail, auth=STAFF_AUTH,
            summary="One import and its results in your scope")
def get_import(request, batch_id: int):
    batch = assessments.visible_imports(request.auth).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound("该导入记录不存在或无权查看。", "No such import, or you may not see it.")
    results = assessments.visible_results(request.auth).filter(batch=batch)
    return {**import_out(batch), "results": [
        {"unit_id": r.unit_id, "unit": r.unit.name, "division_code": r.unit.division_code,
         "period_start": r.period_start, "period_end": r.period_end, "score": float(r.score), "remark": r.remark}
        for r in results]}


# ---------------------------------------------------------------- surveys

class SurveyIn(Schema):
    unit_id: int
    period_start: str = Field(..., max_length=40, description="YYYY-MM-DD, local date, included")
    period_end: str = Field(..., max_length=40, description="YYYY-MM-DD, local date, included")
    rate: float | None = Field(None, description="Share of raters to draw, 0 < rate ≤ 1; default the setting (0.05)")
    seed: int | None = Field(None, description="Random seed; the same seed over the same data draws the same sample")
    title: str | None = Field(None, max_length=1000)


class VisitIn(Schema):
    status: str = Field(..., max_length=20, description="done · unreached")
    policy_awareness: int | None = Field(None, description="1–5, required when done")
    convenience: int | None = Field(None, description="1–5, required when done")
    satisfaction: int | None = Field(None, description="1–5, required when done")
    note: str | None = Field(None, max_length=5000)


class VisitOut(Schema):
    id: int
    rating_id: int
    rated_at: dt.datetime
    level: str
    item: str | None
    site: str | None
    rater_name: str
    rater_phone: str
    status: str
    policy_awareness: int | None
    convenience: int | None
    satisfaction: int | None
    note: str
    visited_at: dt.datetime | None


class Figures(Schema):
    total: int
    done: int
    unreached: int
    pending: int
    completion_rate: float = Field(..., description="Completed visits / sampled raters, in %")
    averages: dict[str, float | None]


class SurveyRow(Schema):
    id: int
    title: str
    unit_id: int
    unit: str
    period_start: dt.date
    period_end: dt.date
    rate: float
    seed: int
    population: int
    sampled: int
    drawn_by: str
    drawn_at: dt.datetime


class SurveyDetail(SurveyRow):
    figures: Figures
    visits: list[VisitOut]


def visit_out(v: SurveyVisit) -> dict:
    r = v.rating
    return {"id": v.pk, "rating_id": r.pk, "rated_at": r.created_at, "level": r.level,
            "item": r.item.name if r.item_id else None, "site": r.site.name if r.site_id else None,
            "rater_name": mask_name(r.rater_name), "rater_phone": mask_phone(r.rater_phone), "status": v.status,
            "policy_awareness": v.policy_awareness, "convenience": v.convenience, "satisfaction": v.satisfaction,
            "note": mask_text(v.note), "visited_at": v.visited_at}


def survey_row(s, sampled: int) -> dict:
    return {"id": s.pk, "title": s.title, "unit_id": s.unit_id, "unit": s.unit.name, "period_start": s.period_start,
            "period_end": s.period_end, "rate": float(s.rate), "seed": s.seed, "population": s.population,
            "sampled": sampled, "drawn_by": s.drawn_by.get_username(), "drawn_at": s.drawn_at}


def survey_detail(s) -> dict:
    figures = surveys.figures(s)
    return {**survey_row(s, figures["total"]), "figures": figures,
            "visits": [visit_out(v) for v in surveys.visits(s)]}


@router.post("/surveys", response={201: SurveyDetail}, auth=STAFF_AUTH,
             summary="Draw a reproducible random sample of raters for return visits (监督查评)")
def create_survey(request, payload: SurveyIn):
    unit = Unit.objects.filter(pk=payload.unit_id).first()
    if unit is None:
        raise NotFound("单位不存在。", "No such unit.")
    survey = surveys.draw_sample(request.auth, unit=unit, period_start=payload.period_start,
                                 period_end=payload.period_end, rate=payload.rate, seed=payload.seed,
                                 title=payload.title or "")
    return HttpStatus(201, survey_detail(surveys.get_survey(request.auth, survey.pk)))


@router.get("/surveys", response=list[SurveyRow], auth=STAFF_AUTH, summary="Surveys of the units in your scope")
@paginate(LimitOffsetPagination)
def list_surveys(request):
    if not can(request.auth, Perm.SURVEY):
        raise PermissionDenied("您无权查看监督查评。", "You may not view surveys.")
    rows = surveys.visible_surveys(request.auth).annotate(sampled=Count("visits"))
    return [survey_row(s, s.sampled) for s in rows]


@router.get("/surveys/{survey_id}", response=SurveyDetail, auth=STAFF_AUTH,
            summary="A survey: completion figures and visits (phones masked)")
def get_survey(request, survey_id: int):
    return survey_detail(surveys.get_survey(request.auth, survey_id))


@router.post("/surveys/{survey_id}/visits/{visit_id}", response=VisitOut, auth=STAFF_AUTH,
             summary="Record a return visit: done (three scores 1–5) or unreached")
def record_visit(request, survey_id: int, visit_id: int, payload: VisitIn):
    survey = surveys.get_survey(request.auth, survey_id)
    visit = surveys.record_visit(request.auth, surveys.get_visit(survey, visit_id), status=payload.status,
                                 policy_awareness=payload.policy_awareness, convenience=payload.convenience,
                                 satisfaction=payload.satisfaction, note=payload.note or "")
    return visit_out(surveys.get_visit(survey, visit.pk))

"""Pages of 综合点评 (comments), third-party assessment imports and 监督查评 (return-visit surveys).

The citizen's comment form needs no sign-in and is throttled per address; the staff pages check the
same permissions as the API (ENTER_COMMENT, VIEW_RATINGS, SURVEY) and call the same services.
Phones are masked everywhere; "查看号码" asks for a reason, logs it, and shows the number in that one
response only (never in a URL or the session).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from bianmin.catalog.models import Item
from bianmin.core import throttle, timeutil
from bianmin.core.errors import DomainError, InvalidInput
from bianmin.core.privacy import log_unmask
from bianmin.orgs.models import Site, Unit
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import can

from . import assessments, comments, surveys
from .feedback_scope import units_in_scope
from .models import Comment, CommentSource, Level, Score, SurveyVisit

PAGE_SIZE = 50


# ---------------------------------------------------------------- citizens: leave a comment

def _public_item(code: str | None) -> Item | None:
    if not code or len(code) > 24:
        return None
    return Item.objects.select_related("accepting_unit").filter(code=code, secret=False).first()


def _public_sites():
    return Site.objects.select_related("unit").order_by("unit__path", "name")


@require_http_methods(["GET", "POST"])
def comment_new(request):
    item = _public_item(request.GET.get("item") or request.POST.get("item_code"))
    ctx = {"item": item, "sites": _public_sites(), "levels": Level.choices, "form": request.POST,
           "max_text": comments.MAX_TEXT}
    if request.method == "POST":
        address = throttle.client_address(request)
        if throttle.is_limited(comments.THROTTLE_PURPOSE, address):
            ctx["error"] = comments.too_many()
            return render(request, "ratings/feedback/comment_new.html", ctx, status=429)
        throttle.hit(comments.THROTTLE_PURPOSE, address)
        post = request.POST
        try:
            site = None
            if post.get("site"):
                site = Site.objects.select_related("unit").filter(pk=post["site"] if post["site"].isdigit() else 0).first()
                if site is None:
                    raise InvalidInput("请从列表中选择服务场所。", "Choose a service site from the list.", field="site")
            comments.add_comment(
                None, source=CommentSource.PORTAL, text=post.get("text", ""),
                target_unit=site.unit if site else None, target_item=item,
                contact_name=post.get("contact_name", ""), contact_phone=post.get("contact_phone", ""),
                is_complaint=post.get("kind") == "complaint", level=post.get("level", ""))
        except DomainError as exc:
            ctx["error"] = exc
            return render(request, "ratings/feedback/comment_new.html", ctx, status=exc.status)
        return redirect("feedback:comment_thanks")
    return render(request, "ratings/feedback/comment_new.html", ctx)


def comment_thanks(request):
    return render(request, "ratings/feedback/comment_thanks.html")


# ---------------------------------------------------------------- staff: comments

def _require(user, allowed: bool) -> None:
    if not allowed:
        raise Forbidden


def _parse_date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def comment_list(request):
    _require(request.user, comments.may_read(request.user))
    g = request.GET
    complaint = {"yes": True, "no": False}.get(g.get("complaint", ""))
    source = g.get("source") if g.get("source") in CommentSource.values else ""
    f = {"date_from": _parse_date(g.get("from")), "date_to": _parse_date(g.get("to")), "complaint": complaint,
         "source": source}
    page = Paginator(comments.filtered(request.user, f), PAGE_SIZE).get_page(g.get("page"))
    return render(request, "ratings/feedback/comments.html", {
        "page": page, "f": {"from": f["date_from"], "to": f["date_to"], "complaint": g.get("complaint", ""),
                            "source": source},
        "sources": CommentSource.choices, "may_enter": can(request.user, Perm.ENTER_COMMENT),
    })


def _items_for(user):
    """Items offered in the staff form's suggestion list: those of the units the user may enter for."""
    units = comments.enterable_units(user)
    return (Item.objects.filter(Q(accepting_unit__in=units) | Q(windows__site__unit__in=units)).distinct()
            .order_by("code").only("code", "name")[:500])


@login_required
@require_http_methods(["GET", "POST"])
def comment_enter(request):
    _require(request.user, can(request.user, Perm.ENTER_COMMENT))
    # Portal comments come from the public; counter complaints from their own register (cases.complaints).
    sources = [(v, label) for v, label in CommentSource.choices
               if v not in (CommentSource.PORTAL, CommentSource.COUNTER)]
    ctx = {"sources": sources, "levels": Level.choices, "units": comments.enterable_units(request.user),
           "items": _items_for(request.user), "form": request.POST, "max_text": comments.MAX_TEXT}
    if request.method == "POST":
        post = request.POST
        try:
            unit, item = comments.resolve_target(unit_id=post.get("unit_id"), item_code=post.get("item_code"),
                                                 public=False)
            comment = comments.add_comment(
                request.user, source=post.get("source", ""), text=post.get("text", ""), target_unit=unit,
                target_item=item, contact_name=post.get("contact_name", ""),
                contact_phone=post.get("contact_phone", ""), is_complaint=post.get("is_complaint") == "1",
                level=post.get("level", ""))
        except DomainError as exc:
            ctx["error"] = exc
            return render(request, "ratings/feedback/comment_enter.html", ctx, status=exc.status)
        messages.success(request, _("已录入综合点评 #%(id)s。") % {"id": comment.pk})
        return redirect("feedback:comment", comment_id=comment.pk)
    return render(request, "ratings/feedback/comment_enter.html", ctx)


def _visible_comment(request, comment_id: int) -> Comment:
    _require(request.user, comments.may_read(request.user))
    comment = comments.visible_comments(request.user).filter(pk=comment_id).first()
    if comment is None:
        raise Http404
    return comment


def _comment_context(request, comment: Comment, **extra) -> dict:
    return {"c": comment, "may_unmask": bool(comment.contact_phone or comment.contact_name)
            and comments.may_unmask(request.user, comment), **extra}


@login_required
def comment_detail(request, comment_id: int):
    comment = _visible_comment(request, comment_id)
    return render(request, "ratings/feedback/comment_detail.html", _comment_context(request, comment))


@never_cache
@login_required
@require_POST
def comment_unmask(request, comment_id: int):
    comment = _visible_comment(request, comment_id)
    if not comments.may_unmask(request.user, comment):
        raise Forbidden
    try:
        log_unmask(request.user, comment, request.POST.get("reason", ""))
    except DomainError as exc:
        return render(request, "ratings/feedback/comment_detail.html",
                      _comment_context(request, comment, error=exc), status=exc.status)
    return render(request, "ratings/feedback/comment_detail.html", _comment_context(request, comment, unmasked=True))


# ---------------------------------------------------------------- staff: third-party assessments

def _assessment_context(request, **extra) -> dict:
    imports = list(assessments.visible_imports(request.user)[:50])
    batch_id = request.GET.get("batch")
    chosen = None
    if batch_id and batch_id.isdigit():
        chosen = next((b for b in imports if b.pk == int(batch_id)), None)
    elif imports:
        chosen = imports[0]
    results = assessments.visible_results(request.user).filter(batch=chosen) if chosen else []
    return {"imports": imports, "chosen": chosen, "results": results, "columns": assessments.TEMPLATE_HEADER,
            "max_rows": assessments.MAX_ROWS, **extra}


@login_required
@require_http_methods(["GET", "POST"])
def assessment_page(request):
    _require(request.user, can(request.user, Perm.SURVEY))
    if request.method == "POST":
        try:
            batch = assessments.import_assessments(request.user, request.FILES.get("file"),
                                                   request.POST.get("assessor", ""))
        except DomainError as exc:
            ctx = _assessment_context(request, error=exc, row_errors=getattr(exc, "errors", None),
                                      form=request.POST)
            return render(request, "ratings/feedback/assessments.html", ctx, status=exc.status)
        messages.success(request, _("已导入 %(n)s 条评估结果（%(file)s）。") % {"n": batch.row_count,
                                                                       "file": batch.file_name})
        return redirect(reverse("feedback:assessments") + f"?batch={batch.pk}")
    return render(request, "ratings/feedback/assessments.html", _assessment_context(request))


@login_required
def assessment_template(request):
    _require(request.user, can(request.user, Perm.SURVEY))
    response = HttpResponse(assessments.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = "attachment; filename=\"assessment-template.csv\"; " \
                                      "filename*=UTF-8''%E7%AC%AC%E4%B8%89%E6%96%B9%E8%AF%84%E4%BC%B0%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.csv"
    return response


# ---------------------------------------------------------------- staff: 监督查评 surveys

def _previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def _percent(rate: Decimal) -> str:
    return format((rate * 100).normalize(), "f")


def _rate_from_percent(value: str):
    if not value or not value.strip():
        return None
    try:
        pct = Decimal(value.strip().rstrip("%"))
    except InvalidOperation:
        pct = None
    if pct is None or not pct.is_finite() or not Decimal(0) < pct <= Decimal(100):
        raise InvalidInput("抽样比例应为大于 0、不超过 100 的百分数（如 5 表示 5%）。",
                           "The sample rate must be a percentage above 0 and at most 100 (5 means 5%).", field="rate")
    return pct / 100


def _survey_list_context(request, **extra) -> dict:
    done = SurveyVisit.Status.DONE
    rows = surveys.visible_surveys(request.user).annotate(
        sampled=Count("visits"), done=Count("visits", filter=Q(visits__status=done)))[:100]
    start, end = _previous_month(timeutil.today())
    units = units_in_scope(request.user, Perm.SURVEY)
    defaults = {"unit": units[0].pk if units else "", "period_start": start.isoformat(), "period_end": end.isoformat(),
                "rate": _percent(surveys.clean_rate(None)), "seed": "", "title": ""}
    return {"surveys": rows, "units": units, "form": extra.pop("form", None) or defaults,
            "default_rate": defaults["rate"], **extra}


@login_required
@require_http_methods(["GET", "POST"])
def survey_list(request):
    _require(request.user, can(request.user, Perm.SURVEY))
    if request.method == "POST":
        post = request.POST
        try:
            unit = Unit.objects.filter(pk=post["unit"] if post.get("unit", "").isdigit() else 0).first()
            if unit is None:
                raise InvalidInput("请选择抽样范围（单位）。", "Choose the unit to sample.", field="unit")
            survey = surveys.draw_sample(
                request.user, unit=unit, period_start=post.get("period_start", ""),
                period_end=post.get("period_end", ""), rate=_rate_from_percent(post.get("rate", "")),
                seed=post.get("seed", "").strip() or None, title=post.get("title", ""))
        except DomainError as exc:
            form = {k: post.get(k, "") for k in ("period_start", "period_end", "rate", "seed", "title")}
            form["unit"] = int(post["unit"]) if post.get("unit", "").isdigit() else ""
            return render(request, "ratings/feedback/surveys.html",
                          _survey_list_context(request, error=exc, form=form), status=exc.status)
        messages.success(request, _("已抽取 %(n)s 名评价人（共 %(pop)s 名可抽样）。") % {
            "n": survey.visits.count(), "pop": survey.population})
        return redirect("feedback:survey", survey_id=survey.pk)
    return render(request, "ratings/feedback/surveys.html", _survey_list_context(request))


def _survey_or_404(request, survey_id: int):
    _require(request.user, can(request.user, Perm.SURVEY))
    try:
        return surveys.get_survey(request.user, survey_id)
    except DomainError:
        raise Http404 from None


def _detail_context(request, survey, **extra) -> dict:
    return {"survey": survey, "fig": surveys.figures(survey), "visits": surveys.visits(survey),
            "statuses": [(SurveyVisit.Status.DONE, SurveyVisit.Status.DONE.label),
                         (SurveyVisit.Status.UNREACHED, SurveyVisit.Status.UNREACHED.label)],
            "scores": Score.choices, "score_fields": surveys.SCORE_FIELDS, "rate_pct": _percent(survey.rate), **extra}


@login_required
def survey_detail(request, survey_id: int):
    survey = _survey_or_404(request, survey_id)
    return render(request, "ratings/feedback/survey_detail.html", _detail_context(request, survey))


def _visit_or_404(survey, visit_id: int) -> SurveyVisit:
    try:
        return surveys.get_visit(survey, visit_id)
    except DomainError:
        raise Http404 from None


@login_required
@require_POST
def survey_visit(request, survey_id: int, visit_id: int):
    survey = _survey_or_404(request, survey_id)
    visit = _visit_or_404(survey, visit_id)
    post = request.POST
    try:
        surveys.record_visit(request.user, visit, status=post.get("status", ""),
                             policy_awareness=post.get("policy_awareness"), convenience=post.get("convenience"),
                             satisfaction=post.get("satisfaction"), note=post.get("note", ""))
    except DomainError as exc:
        ctx = _detail_context(request, survey, error=exc, error_visit=visit.pk, form=post)
        return render(request, "ratings/feedback/survey_detail.html", ctx, status=exc.status)
    messages.success(request, _("回访记录已保存。"))
    return redirect(reverse("feedback:survey", args=[survey.pk]) + f"#visit-{visit.pk}")


@never_cache
@login_required
@require_POST
def survey_unmask(request, survey_id: int, visit_id: int):
    survey = _survey_or_404(request, survey_id)
    visit = _visit_or_404(survey, visit_id)
    try:
        log_unmask(request.user, visit.rating, request.POST.get("reason", ""))
    except DomainError as exc:
        ctx = _detail_context(request, survey, error=exc, error_visit=visit.pk)
        return render(request, "ratings/feedback/survey_detail.html", ctx, status=exc.status)
    return render(request, "ratings/feedback/survey_detail.html",
                  _detail_context(request, survey, unmasked_visit=visit.pk, unmasked_name=visit.rating.rater_name,
                                  unmasked_phone=visit.rating.rater_phone))

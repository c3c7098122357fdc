"""The citizen's rating page (一次一评 by QR code or link): no sign-in, no personal data in the URL.

Built for an elderly person on a phone: one question per screen area, five large choices that work
without JavaScript, the detailed questionnaire folded away, and a plain thank-you page.
"""
from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from bianmin.core import throttle
from bianmin.core.errors import DomainError

from . import eligibility, events, services
from .models import BAD_LEVELS, Answer, Channel, Level, Question, Rating

FACES = {  # mouth curvature of the drawn face per level: positive smiles
    Level.VERY_SATISFIED: 9, Level.SATISFIED: 5, Level.BASIC: 0, Level.DISSATISFIED: -5, Level.VERY_DISSATISFIED: -9,
}


def _channel(request) -> str:
    via = request.GET.get("via") or request.POST.get("via")
    if via in (Channel.QR, Channel.SMS):
        return via
    return Channel.MOBILE if "Mobi" in request.headers.get("User-Agent", "") else Channel.PC


def _levels():
    return [{"value": value, "label": label, "curve": FACES[value], "bad": value in BAD_LEVELS}
            for value, label in Level.choices]


def form_context(request) -> dict:
    """What the shared rating form (ratings/_rate_form.html) needs."""
    return {"levels": _levels(), "questions": Question.choices, "answers": Answer.choices, "via": _channel(request)}


def posted_rating(request) -> dict:
    """The rating form's fields as keyword arguments for services.submit_with_token."""
    answers = {key: request.POST.get(f"q_{key}", "") for key in Question.values}
    answers["suggestion"] = request.POST.get("suggestion", "")
    return {"level": request.POST.get("level"), "answers": answers, "comment": request.POST.get("comment", ""),
            "channel": _channel(request), "idempotency_key": request.POST.get("submission") or None}


def _context(request, token: str, case, stage: str, **extra) -> dict:
    return {"token": token, "case": case, "stage": stage, "stage_label": dict(Rating._meta.get_field("stage").choices)
            .get(stage, ""), "deadline": eligibility.rating_deadline(case, stage), **form_context(request), **extra}


def _done(request, rating: Rating, case, already: bool):
    """The thank-you page; for a bad review it also shows what has happened to it since."""
    progress = events.rater_progress(rating) if rating.is_bad and events.rater_progress.available else None
    return render(request, "ratings/rate_done.html", {"rating": rating, "case": case, "already": already,
                                                      "progress": progress})


@require_http_methods(["GET", "POST"])
def rate_page(request, token: str):
    address = throttle.client_address(request)
    if throttle.is_limited("rate-bad-token", address):
        return render(request, "ratings/rate_closed.html", {"reason": "limited"}, status=429)
    try:
        claims = services.claims_of(token)
        case = services.case_for_rating(claims.case_id)
    except DomainError:
        throttle.hit("rate-bad-token", address)
        return render(request, "ratings/rate_closed.html", {"reason": "invalid"}, status=404)
    stage = claims.stage
    existing = Rating.objects.filter(case=case, stage=stage).first()
    if existing is not None:
        return _done(request, existing, case, already=True)
    if request.method == "POST":
        try:
            services.submit_with_token(
                token, **posted_rating(request), anonymous=request.POST.get("anonymous") == "1",
                user=request.user if request.COOKIES.get(settings.SESSION_COOKIE_NAME) else None)
        except DomainError as exc:
            status = exc.status if exc.status in (403, 409, 410, 422) else 400
            return render(request, "ratings/rate.html",
                          _context(request, token, case, stage, error=exc, form=request.POST,
                                   submission=request.POST.get("submission", "")), status=status)
        return redirect("rate:thanks", token=token)
    try:
        services.check_open(case, stage, claims.expires_at)
    except DomainError as exc:
        return render(request, "ratings/rate_closed.html", {"reason": exc.code, "error": exc, "case": case},
                      status=200 if exc.code == "not_yet" else exc.status)
    return render(request, "ratings/rate.html", _context(request, token, case, stage, form={},
                                                         submission=services.new_submission_key()))


def rate_thanks(request, token: str):
    try:
        claims = services.claims_of(token)
    except DomainError:
        return render(request, "ratings/rate_closed.html", {"reason": "invalid"}, status=404)
    rating = Rating.objects.select_related("case", "case__site").filter(case_id=claims.case_id, stage=claims.stage).first()
    if rating is None:
        return redirect("rate:page", token=token)
    return _done(request, rating, rating.case, already=False)

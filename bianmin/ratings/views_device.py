"""The kiosk of a rating device (评价器) or window tablet: it signs in once with its device key and then
shows the case just served at its window with five large faces (SPEC §5: a device authenticates as
its window).

The key travels only in a POST body and then in a signed, HttpOnly, SameSite=Strict cookie — never in
a URL. The screens refresh themselves with <meta http-equiv="refresh"> (the CSP allows no inline
script), so a tablet left alone keeps following its window. No applicant data is shown.
"""
from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from bianmin.core import throttle
from bianmin.core.errors import DomainError

from . import services
from .models import BAD_LEVELS, Level, Stage
from .views_public import FACES
from .views_public import _levels as face_levels  # the same five faces as the citizen page

COOKIE = "bianmin_device"
SALT = "bianmin.ratings.device-key"
COOKIE_MAX_AGE = 400 * 24 * 3600  # about the longest lifetime browsers keep a cookie
THROTTLE_NAME = "device-key"  # failed sign-ins counted per address like staff sign-ins
WAIT_REFRESH_SECONDS = 5
PENDING_REFRESH_SECONDS = 45  # long enough to choose, short enough to move on to the next applicant
THANKS_SECONDS = 4


def _device(request):
    key = request.get_signed_cookie(COOKIE, default=None, salt=SALT)
    return services.device_for_key(key) if key else None


def _screen(request, device, *, status: int = 200, **extra):
    services.touch_device(device)
    found = services.pending_case_for_device(device)
    # Refresh to the screen's own address: this page may also answer a POST (an error after a tap).
    ctx = {"device": device, "window": device.window, "site": device.window.site,
           "refresh_to": reverse("device:screen"), **extra}
    if found is not None:
        case, stage = found
        ctx.update(case=case, stage_label=dict(Stage.choices).get(stage, ""), levels=face_levels(),
                   submission=services.new_submission_key(),
                   refresh=WAIT_REFRESH_SECONDS if "error" in extra else PENDING_REFRESH_SECONDS)
    else:
        ctx["refresh"] = WAIT_REFRESH_SECONDS
    return render(request, "ratings/device/screen.html", ctx, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def screen(request):
    if request.method == "POST":
        return _sign_in(request)
    device = _device(request)
    if device is None:
        return render(request, "ratings/device/sign_in.html")
    return _screen(request, device)


def _sign_in(request):
    address = throttle.client_address(request)
    if throttle.is_locked(THROTTLE_NAME, address):
        return render(request, "ratings/device/sign_in.html", {"error": "locked"}, status=429)
    key = (request.POST.get("key") or "").strip()
    device = services.device_for_key(key)
    if device is None:
        throttle.record_failure(THROTTLE_NAME, address)
        return render(request, "ratings/device/sign_in.html", {"error": "wrong"}, status=403)
    throttle.reset(THROTTLE_NAME, address)
    response = redirect("device:screen")
    response.set_signed_cookie(COOKIE, key, salt=SALT, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Strict",
                               secure=settings.SESSION_COOKIE_SECURE)
    return response


@never_cache
@require_POST
def rate(request):
    device = _device(request)
    if device is None:
        return redirect("device:screen")
    case_id = request.POST.get("case", "")
    try:
        rating, _created = services.submit_from_device(
            device, case_id=int(case_id) if case_id.isdigit() else None, level=request.POST.get("level"),
            idempotency_key=request.POST.get("submission") or None)
    except DomainError as exc:
        return _screen(request, device, status=exc.status, error=exc)
    # Post/redirect/get: a reload of the thank-you screen never posts again. The level is no personal data.
    return redirect(f"{reverse('device:thanks')}?level={rating.level}")


@never_cache
def thanks(request):
    device = _device(request)
    if device is None:
        return redirect("device:screen")
    level = request.GET.get("level")
    level = level if level in Level.values else None
    return render(request, "ratings/device/thanks.html", {
        "device": device, "window": device.window, "site": device.window.site, "refresh": THANKS_SECONDS,
        "refresh_to": reverse("device:screen"),
        "level_label": Level(level).label if level else "", "curve": FACES[level] if level else FACES[Level.SATISFIED],
        "bad": level in BAD_LEVELS,
    })


@require_POST
def sign_out(request):
    response = redirect("device:screen")
    response.delete_cookie(COOKIE, samesite="Strict")
    return response

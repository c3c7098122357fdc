"""The large-text and high-contrast display (适老化, GB/T 37668-2019; issue 15 §10), chosen once and kept.

The choice lives in a cookie and becomes classes on <html>, written by the server (templatetags/display.py):
the page arrives already large or contrasted — no flash, no script, so it works under the CSP's
`script-src 'self'` and in browsers without JavaScript. The switch in the page header is a plain form that
posts to `toggle` below, which flips one option and sends the person back to the page they were on.
"""
from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

COOKIE = "bianmin_display"
OPTIONS = ("large", "contrast")  # order of the cookie value and of the <html> classes
MAX_AGE = 400 * 24 * 3600  # as long as browsers keep a cookie: "switched on once and kept"


def chosen(request: HttpRequest) -> frozenset[str]:
    """The options this browser has switched on; anything unknown in the cookie is ignored."""
    raw = request.COOKIES.get(COOKIE, "")
    return frozenset(part for part in raw.split("-") if part in OPTIONS)


def html_classes(options: frozenset[str]) -> str:
    return " ".join(f"a11y-{name}" for name in OPTIONS if name in options)


def toggle(request: HttpRequest, option: str) -> HttpResponse:
    """Flip `option` and go back to `next` (a page of this site only), keeping the choice for good."""
    options = chosen(request) ^ {option} if option in OPTIONS else chosen(request)
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    value = "-".join(name for name in OPTIONS if name in options)
    if value:
        # Read only by the server: HttpOnly; Lax is enough for a display preference.
        response.set_cookie(COOKIE, value, max_age=MAX_AGE, httponly=True, samesite="Lax",
                            secure=settings.SESSION_COOKIE_SECURE)
    else:
        response.delete_cookie(COOKIE, samesite="Lax")
    return response

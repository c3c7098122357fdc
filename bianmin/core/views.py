"""Sign-in page and friendly error pages."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import display, throttle
from .models import LanguagePreference


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("登录失败次数过多，请 15 分钟后再试。"),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = throttle.client_address(self.request) if self.request else ""
        if throttle.is_locked(username, address):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record_failure(username, address)
            raise
        throttle.reset(username, address)
        return cleaned


class LoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        """Signing in brings back the language the person last chose (on a hall's shared PC the browser's cookie
        may be the previous person's)."""
        response = super().form_valid(form)
        stored = LanguagePreference.objects.filter(user=form.get_user()).values_list("language", flat=True).first()
        if stored:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, stored, max_age=settings.LANGUAGE_COOKIE_AGE,
                                samesite=settings.LANGUAGE_COOKIE_SAMESITE, secure=settings.LANGUAGE_COOKIE_SECURE,
                                httponly=settings.LANGUAGE_COOKIE_HTTPONLY, path=settings.LANGUAGE_COOKIE_PATH)
        return response


@require_POST
def display_settings(request):
    """The header's 大字体 / 高对比度 switch: flip one option, back to the page (core/display.py)."""
    return display.toggle(request, request.POST.get("toggle", ""))


def _error(request, status: int, zh: str, en: str):
    return render(request, "error.html", {"status": status, "message_zh": zh, "message_en": en}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, "请求无效。", "Bad request.")


def forbidden(request, exception=None):
    return _error(request, 403, "您没有权限访问此页面。", "You do not have permission to view this page.")


def not_found(request, exception=None):
    return _error(request, 404, "页面不存在。", "Page not found.")


def server_error(request):
    return _error(request, 500, "服务器内部错误，请稍后重试。", "Internal server error; please retry later.")

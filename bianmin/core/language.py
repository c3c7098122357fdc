"""Interface language: Simplified Chinese unless the person chose English with the language switch.

Django's LocaleMiddleware also follows the browser's Accept-Language header. A service hall's shared
PCs and many citizens' phones are set to English without their users reading it, so the header is
ignored: only the explicit choice (the language cookie written by `set_language`) or an API client's
`?lang=` counts.
"""
from __future__ import annotations

from django.conf import settings
from django.utils import translation

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def chosen_language(request) -> str:
    for candidate in (request.GET.get("lang"), request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)):
        if candidate and candidate.lower() in SUPPORTED:
            return candidate.lower()
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        translation.deactivate()
        return response

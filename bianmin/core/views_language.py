"""The language switch: Django's `set_language`, and for a signed-in person a stored copy of the choice, so
that notifications written while they are away come in the language they read (core/notify.py)."""
from __future__ import annotations

from django.views.decorators.csrf import csrf_protect
from django.views.i18n import set_language as django_set_language

from .language import SUPPORTED
from .models import LanguagePreference


@csrf_protect
def set_language(request):
    response = django_set_language(request)
    language = request.POST.get("language", "").lower()
    if request.method == "POST" and request.user.is_authenticated and language in SUPPORTED:
        LanguagePreference.objects.update_or_create(user=request.user, defaults={"language": language})
    return response

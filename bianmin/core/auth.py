"""API authentication: bearer tokens for integrators, the session for our own pages."""
from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken


def issue_token(user) -> tuple[str, dt.datetime]:
    key = secrets.token_urlsafe(32)
    expires = timezone.now() + dt.timedelta(hours=settings.BIANMIN["API_TOKEN_HOURS"])
    ApiToken.objects.create(user=user, key_hash=ApiToken.hash(key), expires_at=expires)
    return key, expires


class BearerAuth(HttpBearer):
    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        row = (ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(token),
                                                              expires_at__gt=timezone.now()).first())
        if row is None or not row.user.is_active:
            return None
        request.user = row.user
        return row.user


# Staff endpoints accept either a bearer token or the signed-in session (with CSRF).
STAFF_AUTH = [BearerAuth(), SessionAuth()]

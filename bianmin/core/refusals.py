"""How a page answers a change the services refused (a DomainError): one rule for every staff form.

403 and 404 stay what they are (the person may not, or there is no such thing); any other refusal is shown as a
message in both languages on the page the form came from, re-rendered as a GET with the refusal's 4xx status, so
nothing is posted twice and what was stored is left as it was."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .errors import DomainError


def flash(request, exc: DomainError) -> None:
    messages.error(request, f"{exc.zh} / {exc.en}")


def refused(request, exc: DomainError, page, *args):
    """The answer to a refused POST: `page(request, *args)` shown again with the error and the refusal's status."""
    if exc.status == 403:
        raise PermissionDenied
    if exc.status == 404:
        raise Http404
    flash(request, exc)
    request.method = "GET"  # show the page, do not post again
    response = page(request, *args)
    response.status_code = exc.status
    return response

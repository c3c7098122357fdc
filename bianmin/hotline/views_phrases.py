"""The phrase library page: agents read it, managers (EDIT_PHRASES) edit the wording, the hint and whether a
phrase is in use, through phrases.edit (the same function as PATCH /api/v1/phrases/{id})."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.core.errors import DomainError
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import can

from . import phrases
from .models import Scenario


def _page(request, *, status: int = 200, **extra):
    editor = can(request.user, Perm.EDIT_PHRASES)
    library = phrases.library(include_inactive=editor)
    return render(request, "hotline/phrases.html", {
        "scenarios": [{"key": s, "label": Scenario(s).label, "phrases": library[s]} for s in Scenario.values
                      if library[s]],
        "editor": editor, **extra,
    }, status=status)


@login_required
def phrase_list(request):
    if not (can(request.user, Perm.TAKE_CALL) or can(request.user, Perm.EDIT_PHRASES)):
        raise Forbidden
    return _page(request)


@login_required
@require_POST
def phrase_edit(request, phrase_id: int):
    if not can(request.user, Perm.EDIT_PHRASES):
        raise Forbidden
    # A checkbox is posted after a hidden "0": the last value says whether the phrase stays in use.
    active = request.POST.getlist("active")
    data = {"text": request.POST.get("text", ""), "title": request.POST.get("title", ""),
            "active": bool(active) and active[-1] == "1"}
    try:
        phrase = phrases.edit(request.user, phrase_id, data)
    except DomainError as exc:
        return _page(request, status=exc.status, error=exc, failed=phrase_id, posted=request.POST)
    messages.success(request, _("已保存标准用语：%(scenario)s 第 %(step)s 句") % {
        "scenario": phrase.get_scenario_display(), "step": phrase.step})
    return redirect(reverse("hotline:phrases") + f"#phrase-{phrase.pk}")

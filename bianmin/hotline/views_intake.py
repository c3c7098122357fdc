"""The agent's intake page: one form to fill while the caller talks, the standard phrases beside it.

Built for speed and the keyboard: the fields come in the order of the call (who, how to call back, what
about, where, what happened, answered or not), the category select's labels start with the catalogue code
(pinyin initials) so typing jumps to it, and everything works without JavaScript; the small script only
filters the categories, hides fields that do not apply and follows the current step with the phrases.
A refused post shows the form again, filled in, with the service's message; nothing is stored.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bianmin.catalog.search import pinyin_keys
from bianmin.core import uploads
from bianmin.core.errors import DomainError
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import can, granted_units

from . import phrases, services
from .forms import intake_data
from .models import Channel, DispatchCategory, OrderType, RespondentRank, Scenario

FIELD_STEPS = {  # which step of the call each part of the form belongs to (the phrases follow it)
    "opening": Scenario.OPENING, "caller": Scenario.IDENTITY_CHECK, "matter": Scenario.POLICY_CONSULTATION,
    "dispatch": Scenario.TRANSFER, "closing": Scenario.CLOSING,
}

# The field a service error names → the id of the input on this page (focused and marked invalid).
FIELD_IDS = {"channel": "channel", "name": "caller_name", "caller": "caller_name", "phone": "caller_phone",
             "callback_consent": "callback_consent", "caller.confidential": "confidential", "category": "category",
             "type": "type", "respondent_rank": "respondent_rank", "respondent": "respondent", "place": "place",
             "text": "text", "answered_at_intake": "answered_at_intake", "answer": "answer", "region": "region",
             "file": "files"}


def _categories() -> list[dict]:
    """The catalogue by group, each option labelled "CODE · 名称" and searchable by name, keywords and pinyin."""
    groups: dict[str, list[dict]] = {}
    for c in DispatchCategory.objects.filter(active=True).select_related("department").order_by("group", "sort",
                                                                                                  "code"):
        full, initials = pinyin_keys(c.name)
        groups.setdefault(c.group or _("其他"), []).append({
            "code": c.code, "label": f"{c.code} · {c.name}", "keywords": c.keywords.replace("，", ","),
            "department": c.department.name, "efficiency": c.efficiency_complaint,
            "search": " ".join([c.code.lower(), c.name, c.keywords.lower(), full, initials, c.description[:200]]),
        })
    return [{"group": g, "options": opts} for g, opts in groups.items()]


def _regions(user) -> list:
    """The regions the agent takes calls for; a choice is offered only when there are several."""
    return granted_units(user, Perm.TAKE_CALL)


def _context(request, **extra) -> dict:
    library = phrases.library()
    steps = [{"key": key, "scenario": s, "label": Scenario(s).label, "phrases": phrases.phrase_for(s)}
             for key, s in FIELD_STEPS.items()]
    return {
        "channels": Channel.choices, "types": OrderType.choices, "ranks": RespondentRank.choices,
        "category_groups": _categories(), "regions": _regions(request.user), "steps": steps,
        "other_scenarios": [{"label": Scenario(s).label, "phrases": library[s]}
                            for s in Scenario.values if s not in FIELD_STEPS.values() and library[s]],
        "max_text": services.MAX_TEXT, "max_file_mb": uploads.MAX_FILE_BYTES // (1024 * 1024),
        "form": {"channel": Channel.PHONE, "callback_consent": "1"}, **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def intake(request):
    if not can(request.user, Perm.TAKE_CALL):
        raise Forbidden
    if request.method == "POST":
        try:
            order = services.receive(request.user, intake_data(request.POST), request.FILES.getlist("files"))
        except DomainError as exc:
            posted = {k: request.POST.getlist(k)[-1] for k in request.POST}
            return render(request, "hotline/intake.html", _context(
                request, error=exc, error_field=FIELD_IDS.get(exc.field or ""), form=posted), status=exc.status)
        if order.answered_at_intake:
            messages.success(request, _("已登记并当场答复办结：%(number)s") % {"number": order.number})
        else:
            messages.success(request, _("已受理工单 %(number)s，请派单。") % {"number": order.number})
        return redirect("hotline:order", order_id=order.pk)
    return render(request, "hotline/intake.html", _context(request))

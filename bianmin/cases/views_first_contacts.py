"""The first-contact page (/workbench/first-contacts/, 首问登记): log a contact, and follow it until done — the owner's
open list first (age, due, overdue), entries waiting for this person's confirmation (待我确认), the site's open entries
for a manager — with the answer / hand-over / confirm forms. It calls cases.first_contacts, like the API."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.core import refusals, timeutil
from bianmin.core.errors import DomainError
from bianmin.core.inputs import page_number
from bianmin.orgs.models import Site, Window
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import SITES as SITE_SCOPE
from bianmin.orgs.scoping import may, own_site

from . import first_contacts as contacts
from .models import FirstContact

FIRST_CONTACTS_PER_PAGE = 30
OPEN_LIMIT = 200  # open entries shown at once (a manager's site); the oldest first


def _site(request) -> Site:
    site = own_site(request.user, Perm.VIEW_SITE)
    if site is None or not may(request.user, Perm.HANDLE_CASE, site, SITE_SCOPE):
        raise Http404
    return site


def _rows(entries, now) -> list[dict]:
    return [{"e": e, "age": contacts.age_workdays(e, now), "overdue": contacts.is_overdue(e, now)}
            for e in entries]


@login_required
def first_contacts_page(request):
    site = _site(request)
    user, now = request.user, timeutil.now()
    open_entries = list(contacts.open_entries(user)[:OPEN_LIMIT])
    waiting = [e for e in open_entries if e.handed_to_id == user.pk and e.confirmed_at is None]
    mine = [e for e in open_entries if e.owner_id == user.pk]
    others = [e for e in open_entries if e.owner_id != user.pk and e.handed_to_id != user.pk]
    windows = Window.objects.filter(site=site).order_by("number")
    page = Paginator(contacts.visible(user).filter(site=site).order_by("-at", "-pk"),
                     FIRST_CONTACTS_PER_PAGE).get_page(page_number(request.GET.get("page")))
    return render(request, "workbench/first_contacts.html", {
        "site": site, "windows": windows, "people": contacts.handover_candidates(site),
        "form": request.POST if request.POST else {},
        "channels": FirstContact.Channel.choices,
        "outcomes": [(o.value, o.label) for o in contacts.LOGGED_OUTCOMES],
        "waiting": _rows(waiting, now), "mine": _rows(mine, now), "others": _rows(others, now),
        "page": page, "contacts": page.object_list,
    })


def _user(raw):
    return get_user_model().objects.filter(pk=raw).first() if raw and str(raw).isdigit() else None


def _window(raw):
    return Window.objects.filter(pk=raw).first() if raw and str(raw).isdigit() else None


@login_required
def first_contacts(request):
    """GET: the page. POST: log a first contact."""
    if request.method != "POST":
        return first_contacts_page(request)
    site = _site(request)
    post = request.POST
    try:
        contacts.log(request.user, site=site, visitor_name=post.get("visitor_name", ""),
                           visitor_phone=post.get("visitor_phone", ""), question=post.get("question", ""),
                           outcome=post.get("outcome", ""), channel=post.get("channel", FirstContact.Channel.COUNTER),
                           answer=post.get("answer", ""), guided_to_window=_window(post.get("guided_to_window")),
                           guided_to_person=post.get("guided_to_person", ""), handed_to=_user(post.get("handed_to")))
    except DomainError as exc:
        return refusals.refused(request, exc, first_contacts_page)
    messages.success(request, _("首问登记已保存。"))
    return redirect("workbench:first_contacts")


def _act(request, entry_id: int, do, done: str):
    _site(request)
    try:
        do()
    except DomainError as exc:
        return refusals.refused(request, exc, first_contacts_page)
    messages.success(request, done)
    return redirect("workbench:first_contacts")


@login_required
@require_POST
def answer(request, entry_id: int):
    return _act(request, entry_id, lambda: contacts.answer(request.user, entry_id,
                                                                 text=request.POST.get("answer", "")),
                _("已答复，首问登记办结。"))


@login_required
@require_POST
def hand_over(request, entry_id: int):
    return _act(request, entry_id, lambda: contacts.hand_over(
        request.user, entry_id, window=_window(request.POST.get("window")), to_user=_user(request.POST.get("handed_to"))),
        _("已转交，待接手人员确认。"))


@login_required
@require_POST
def confirm(request, entry_id: int):
    return _act(request, entry_id, lambda: contacts.confirm(request.user, entry_id), _("已确认接手。"))

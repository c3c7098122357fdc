"""The notifications page behind the bell: a person's own messages, newest first; viewing marks them read."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import timeutil
from .models import Notification

PAGE_SIZE = 50


@never_cache
@login_required
def notifications(request):
    page = Paginator(Notification.objects.filter(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # Only what was shown counts as read; older pages stay unread until opened.
    unread = [n.pk for n in rows if n.read_at is None]
    Notification.objects.filter(pk__in=unread).update(read_at=timeutil.now())
    for n in rows:
        n.was_unread = n.pk in unread
        # Links are written by the services as site paths; anything else is shown without a link.
        n.safe_link = n.link if n.link.startswith("/") and not n.link.startswith("//") else ""
    page.object_list = rows
    return render(request, "workbench/notifications.html", {"page": page})

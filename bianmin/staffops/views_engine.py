"""The 超时说明 (delay explanation) form posted from the case page; the panel itself is case_page.py."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.cases import selectors as case_selectors
from bianmin.cases.views import case_page_response
from bianmin.core.errors import DomainError

from . import services


@login_required
@require_POST
def delay_explain(request, case_id: int):
    case = case_selectors.get_case(request.user, case_id)
    if case is None:
        raise Http404
    try:
        services.explain_delay(request.user, case, request.POST.get("text", ""))
    except DomainError as exc:
        return case_page_response(request, case, status=exc.status, delay_error=exc, delay_form=request.POST)
    messages.success(request, _("已记录超时说明。"))
    return redirect("workbench:case", case_id=case.pk)

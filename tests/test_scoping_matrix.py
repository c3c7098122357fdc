"""The permission matrix: every endpoint × every persona, against the one scoping place (issue 14 §1).

The routes are read from the URL conf (django.urls.get_resolver()) and from the API's OpenAPI schema, so a new page
or endpoint cannot be forgotten: `test_every_route_has_an_entry` fails until the route has its row in MATRIX.
Each row says what each persona gets, one letter per persona in the order of PERSONAS:

    A  allowed (2xx, a redirect elsewhere, or 409: reached the business rule)
    V  the input was refused (400/422) before anything else: the body is checked before the scope
    F  403 forbidden          N  404 not found (out of scope, or no such object)
    L  401 for the API, a redirect to the sign-in page for pages (anonymous)

API bodies are made from the OpenAPI schema (the smallest body that passes its types), so an action endpoint meets
the scoping check rather than a validation error; whatever the service then refuses on the merits is a "V".

Detail routes get real ids: a case, its rating, the bad-review ticket and the appeal about it, a work order with
civil affairs, a comment, a device, a phrase, a report, and (tests/matrix_objects.py) a survey of the county and
its visit, an honesty flag on the rating, an assessment batch, a file on the ticket and one on the work order, a
published guide and a one-time notice issued from it, the work order's Open311 service code and request id, the
follow-up token of the bad-review ticket, and a report whose files were generated. Every request runs in a
savepoint that is rolled back, so one persona's action never changes what the next one meets.
"""
import datetime as dt
import json
import os
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from bianmin.api import api

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "outsider", "clerk_a", "clerk_a2", "manager_a", "manager_b", "supervisor", "handler",
            "agent", "handler2", "superuser")
SKIPPED = ("admin/", "api/v1/")  # Django's admin has its own permissions; the API is read from its schema

# ---------------------------------------------------------------- the table
# Outcomes in PERSONAS order:
#  anonymous outsider clerk_a clerk_a2 manager_a manager_b supervisor handler agent handler2 superuser
MATRIX: dict[str, str] = {
    "PAGE /": "AAAAAAAAAAA",
    "PAGE /search/": "AAAAAAAAAAA",
    "PAGE /result-notices/": "AAAAAAAAAAA",
    "PAGE /guides/notice/<int:notice_id>/": "LFAAANFFFFA",
    "PAGE /guides/<str:code>/": "AAAAAAAAAAA",
    "PAGE /guides/<str:code>/notice/": "AAAAAAAAAAA",
    "PAGE /comments/new/": "AAAAAAAAAAA",
    "PAGE /comments/thanks/": "AAAAAAAAAAA",
    "PAGE /workbench/comments/": "LFFFAAAFAFA",
    "PAGE /workbench/comments/new/": "LFFFAAAFAFA",
    "PAGE /workbench/comments/<int:comment_id>/": "LFFFANAFNFA",
    "PAGE /workbench/comments/<int:comment_id>/unmask/": "LFFFVNVFNFV",
    "PAGE /workbench/assessments/": "LFFFFFAFFFA",
    "PAGE /workbench/assessments/template.csv": "LFFFFFAFFFA",
    "PAGE /workbench/surveys/": "LFFFFFAFFFA",
    "PAGE /workbench/surveys/<int:survey_id>/": "LFFFFFAFFFA",
    "PAGE /workbench/surveys/<int:survey_id>/visits/<int:visit_id>/": "LFFFFFVFFFV",
    "PAGE /workbench/surveys/<int:survey_id>/visits/<int:visit_id>/unmask/": "LFFFFFVFFFV",
    "PAGE /workbench/ratings/": "LFFFAAAFFFA",
    "PAGE /workbench/ratings/mine/": "LNAAAANANAN",
    "PAGE /workbench/ratings/<int:rating_id>/": "LFFFANAFFFA",
    "PAGE /workbench/ratings/<int:rating_id>/unmask/": "LFFFVNVFFFV",
    "PAGE /workbench/ratings/<int:rating_id>/flags/<int:flag_id>/review/": "LFFFFNVFFFV",
    "PAGE /workbench/ratings/devices/": "LFFFAAFFFFA",
    "PAGE /workbench/ratings/devices/<int:device_id>/deactivate/": "LNNNANNNNNA",
    "PAGE /workbench/ratings/cases/<int:case_id>/paper/": "LNFVVNFNNNV",
    "PAGE /workbench/tickets/": "LAAAAAAAAAA",
    "PAGE /workbench/tickets/export.xlsx": "LFFFAAAAFAA",
    "PAGE /workbench/tickets/files/<int:attachment_id>/": "LNANANAANNA",
    "PAGE /workbench/tickets/appeals/": "LAAAAAAAAAA",
    "PAGE /workbench/tickets/appeals/new/<int:rating_id>/": "LNANANNANNA",
    "PAGE /workbench/tickets/appeals/<int:appeal_id>/decide/": "LNFNFNVFNNV",
    "PAGE /workbench/tickets/<int:ticket_id>/": "LNANANAANNA",
    "PAGE /workbench/tickets/<int:ticket_id>/attach/": "LNVNVNFVNNV",
    "PAGE /workbench/tickets/<int:ticket_id>/unmask/": "LNVNVNNVNNV",
    "PAGE /workbench/tickets/<int:ticket_id>/<str:action>/": "LNVNVNFVNNV",
    "PAGE /workbench/notifications/": "LAAAAAAAAAA",
    "PAGE /workbench/hotline/": "LFFFAAAAAAA",
    "PAGE /workbench/hotline/new/": "LFFFFFFFAFA",
    "PAGE /workbench/hotline/phrases/": "LFFFAAFFAFA",
    "PAGE /workbench/hotline/phrases/<int:phrase_id>/": "LFFFVVFFFFV",
    "PAGE /workbench/hotline/figures/": "LFFFAAAAAAA",
    "PAGE /workbench/hotline/<int:order_id>/": "LNNNANAAANA",
    "PAGE /workbench/hotline/<int:order_id>/attach/": "LNNNFNFVVNV",
    "PAGE /workbench/hotline/<int:order_id>/unmask/": "LNNNFNFVVNV",
    "PAGE /workbench/hotline/<int:order_id>/files/<int:attachment_id>/": "LNNNANAAANA",
    "PAGE /workbench/hotline/<int:order_id>/<str:action>/": "LNNNFNFAFNA",
    "PAGE /workbench/stats/": "LFFFAAAFFFA",
    "PAGE /workbench/stats/hotspots/": "LFFFAAAFFFA",
    "PAGE /workbench/stats/league/": "LFFFAAAFFFA",
    # 预警 (bianmin.alerts): the alert of the things is the county's (site A's unit), not the township's.
    "PAGE /workbench/alerts/": "LFFFAAAFFFA",
    "PAGE /workbench/alerts/policy/": "LFFFAAAFFFA",
    "PAGE /workbench/alerts/<int:alert_id>/acknowledge/": "LNNNVNVNNNV",
    "PAGE /workbench/exchange/": "LFFFAAAFFFA",
    "PAGE /workbench/exchange/rows/<int:row_id>/": "LFFFANAFFFA",
    "PAGE /workbench/exchange/rows/<int:row_id>/resend/": "LFFFANFFFFA",
    "PAGE /workbench/exchange/rows/<int:row_id>/give-up/": "LFFFVNFFFFV",
    "PAGE /workbench/exchange/reconciliation/": "LFFFAAAFFFA",
    "PAGE /workbench/exchange/reconciliation/run/": "LFFFAAFFFFA",
    "PAGE /workbench/exchange/catalogue-import/": "LFFFFFFFFFA",
    "PAGE /workbench/catalog/search-words/": "LFFFAAAFFFA",
    "PAGE /workbench/reports/": "LFFFAAAFFFA",
    "PAGE /workbench/reports/generate": "LFFFVVVFFFV",
    "PAGE /workbench/reports/<int:report_id>.xlsx": "LFFFNNAFFFA",
    "PAGE /workbench/reports/<int:report_id>.pdf": "LFFFNNAFFFA",
    "PAGE /public/": "AAAAAAAAAAA",
    "PAGE /public/units/<int:unit_id>/": "AAAAAAAAAAA",
    "PAGE /workbench/": "LFAAAAAAAAA",
    "PAGE /workbench/cases/new/": "LNAAAANNNNA",
    "PAGE /workbench/cases/<int:case_id>/": "LNAAANANNNA",
    "PAGE /workbench/cases/<int:case_id>/unmask/": "LNNNVNVNNNV",
    "PAGE /workbench/cases/<int:case_id>/completion/": "LNAAANANNNA",
    "PAGE /workbench/cases/<int:case_id>/<str:action>/": "LNAAANFNNNA",
    # 超时说明 (staffops.urls_engine): the case's clerks and assessors reach the rule (409: the case kept its limit).
    "PAGE /workbench/cases/<int:case_id>/delay/": "LNAAANANNNA",
    "PAGE /workbench/notices/<int:notice_id>/": "LNAAANANNNA",
    "PAGE /workbench/returns/": "LNAAAAAANAA",
    "PAGE /workbench/first-contacts/<int:entry_id>/answer/": "LNVNVNNNNNV",
    "PAGE /workbench/first-contacts/<int:entry_id>/hand-over/": "LNVNVNNNNNV",
    "PAGE /workbench/first-contacts/<int:entry_id>/confirm/": "LNANANNNNNA",
    "PAGE /workbench/complaints/": "LNAAAAAANAA",
    "PAGE /workbench/complaints/<int:complaint_id>/": "LNANANANNNA",
    "PAGE /workbench/complaints/<int:complaint_id>/answer/": "LNVNVNFNNNV",
    "PAGE /workbench/complaints/<int:complaint_id>/reply/": "LNNNNNNNNNN",
    "PAGE /workbench/result-notices/": "LNAAAAAANAA",
    "PAGE /workbench/first-contacts/": "LNAAAANNNNA",
    "PAGE /workbench/site/": "LNNNAANNNNA",
    "PAGE /workbench/hall/": "LFAAAAFFFFA",
    "PAGE /workbench/hall/sign/": "LFVVVVFFFFF",
    "PAGE /workbench/hall/outings/": "LFVVVVFFFFF",
    "PAGE /workbench/hall/outings/<int:outing_id>/return/": "LFANNNFFFFF",
    "PAGE /workbench/hall/leave/": "LFAAAAFFFFA",
    "PAGE /workbench/hall/leave/<int:leave_id>/<str:action>/": "LNFFANFNFNA",
    "PAGE /workbench/hall/board/": "LFFFAAFFFFA",
    "PAGE /workbench/hall/hours/": "LFFFAAFFFFA",
    "PAGE /workbench/hall/attendance/": "LFAAAAFFFFA",
    "PAGE /workbench/hall/attendance/import/": "LFFFAAFFFFA",
    "PAGE /workbench/scores/": "LFAAAAAAFAA",
    "PAGE /workbench/scores/staff/<int:staff_id>/": "LNANANANNNA",
    "PAGE /workbench/scores/windows/<int:window_id>/": "LNNNANANNNA",
    "PAGE /workbench/awards/": "LFAAAAAFFFA",
    "PAGE /workbench/warnings/": "LFAAAAAAFAA",
    "PAGE /workbench/warnings/<int:warning_id>/": "LNANANANNNA",
    "PAGE /workbench/rules/": "LFFFAAAFFFA",
    "PAGE /workbench/quality-records/": "LFFFAAAFFFA",
    "PAGE /workbench/quality-records/new/": "LFFFAAAFFFA",
    "PAGE /workbench/quality-records/export.xlsx": "LFFFAAAFFFA",
    "PAGE /workbench/quality-records/files/<int:attachment_id>/": "LFFFANAFFFA",
    "PAGE /workbench/quality-records/<int:record_id>/": "LFFFANAFFFA",
    "PAGE /workbench/inspections/": "LFFFAAAFFFA",
    "PAGE /workbench/inspections/new/": "LFFFAAAFFFA",
    "PAGE /workbench/inspections/patrol/": "LFFFAAAFFFA",
    "PAGE /workbench/inspections/<int:inspection_id>/": "LFFFANAFFFA",
    "PAGE /workbench/inspections/findings/<int:finding_id>/withdraw/": "LFFFVNVFFFV",
    "PAGE /workbench/inspections/photos/<int:photo_id>/": "LFFFANAFFFA",
    "PAGE /workbench/checklist/": "LFFFAAAFFFA",
    "PAGE /workbench/checklist/<int:site_id>/": "LFFFANAFFFA",
    "PAGE /workbench/checklist/photos/<int:answer_id>/": "LFFFANAFFFA",
    "PAGE /workbench/appointments/": "LFAAAAAFFFA",
    "PAGE /workbench/appointments/new/": "LFAAAAFFFFA",
    "PAGE /workbench/appointments/close/": "LFFFVVFFFFV",
    "PAGE /workbench/appointments/rules/": "LFFFAAFFFFA",
    "PAGE /appointments/book/": "AAAAAAAAAAA",
    "PAGE /appointments/<str:token>/": "AAAAAAAAAAA",
    "PAGE /appointments/<str:token>/cancel/": "AAAAAAAAAAA",
    "PAGE /workbench/registers/": "LFAAAAAFFFA",
    "PAGE /workbench/registers/signoff/case/<int:case_id>/": "LNAAANANNNA",
    "PAGE /workbench/registers/signoff/<int:signoff_id>/signature.png": "LNAAANANNNA",
    "PAGE /workbench/registers/proxy/case/<int:case_id>/": "LNAAANANNNA",
    "PAGE /workbench/registers/<str:kind>/": "LFAAAAAFFFA",
    "PAGE /workbench/registers/<str:kind>/export.xlsx": "LFAAAAAFFFA",
    "PAGE /workbench/visits/new/": "LNAAAANNNNA",
    "PAGE /workbench/visits/<int:home_visit_id>/": "LNAAANANNNA",
    "PAGE /workbench/visits/<int:home_visit_id>/case/": "LNAAANFNNNA",
    "PAGE /workbench/visits/<int:home_visit_id>/<str:action>/": "LNVVVNFNNNV",
    "PAGE /workbench/batches/": "LFAAAAAFFFA",
    "PAGE /workbench/batches/build/": "LFVVVVVFFFV",
    "PAGE /workbench/batches/<int:proxy_batch_id>/": "LNNNNAANNNA",
    "PAGE /workbench/batches/<int:proxy_batch_id>/<str:action>/": "LNNNNAFNNNA",
    "PAGE /r/<str:token>/": "AAAAAAAAAAA",
    "PAGE /r/<str:token>/thanks/": "AAAAAAAAAAA",
    "PAGE /followup/<str:token>/": "AAAAAAAAAAA",
    "PAGE /device/": "AAAAAAAAAAA",
    "PAGE /device/rate/": "AAAAAAAAAAA",
    "PAGE /device/thanks/": "AAAAAAAAAAA",
    "PAGE /device/sign-out/": "AAAAAAAAAAA",
    "PAGE /open311/v2/^services\\.(?P<fmt>[A-Za-z0-9]+)$": "AAAAAAAAAAA",
    "PAGE /open311/v2/^services/(?P<code>[A-Za-z0-9_.-]+)\\.(?P<fmt>[A-Za-z0-9]+)$": "AAAAAAAAAAA",
    "PAGE /open311/v2/^requests\\.(?P<fmt>[A-Za-z0-9]+)$": "AAAAAAAAAAA",
    "PAGE /open311/v2/^requests/(?P<request_id>[A-Za-z0-9_-]+)\\.(?P<fmt>[A-Za-z0-9]+)$": "AAAAAAAAAAA",
    "PAGE /open311/v2/^(?P<rest>.*)$": "NNNNNNNNNNN",
    "PAGE /accounts/login/": "AAAAAAAAAAA",
    "PAGE /accounts/logout/": "AAAAAAAAAAA",
    "PAGE /i18n/setlang/": "AAAAAAAAAAA",
    "PAGE /display/": "AAAAAAAAAAA",
    "PAGE /hall/<int:site_id>/kiosk/": "AAAAAAAAAAA",
    "PAGE /hall/<int:site_id>/take/": "AAAAAAAAAAA",
    "PAGE /hall/<int:site_id>/display/": "AAAAAAAAAAA",
    "PAGE /hall/<int:site_id>/display/feed": "AAAAAAAAAAA",
    "PAGE /hall/ticket/<str:token>/": "AAAAAAAAAAA",
    "PAGE /workbench/queue/": "LFAAAAFFFFA",
    "PAGE /workbench/queue/call/": "LFAAANFFFFA",
    "PAGE /workbench/queue/<int:ticket_id>/<str:action>/": "LFAAANFFFFA",
    "POST /api/v1/auth/token": "LLLLLLLLLLL",
    "GET /api/v1/calendar/due": "VVVVVVVVVVV",
    "GET /api/v1/calendar/days/{day}": "AAAAAAAAAAA",
    "POST /api/v1/calendar/notice/parse": "LFFFFFFFFFV",
    "POST /api/v1/calendar/years/{year}/official": "LFFFFFFFFFV",
    "GET /api/v1/items": "AAAAAAAAAAA",
    "GET /api/v1/items/{code}": "AAAAAAAAAAA",
    "GET /api/v1/cases/{case_id}/rating-link": "LNAAANANNNA",
    "POST /api/v1/cases/{case_id}/paper-rating": "LNFVVNFNNNV",
    "POST /api/v1/ratings": "VVVVVVVVVVV",
    "GET /api/v1/ratings": "LAAAAAAAAAA",
    "POST /api/v1/devices/ratings": "LLLLLLLLLLL",
    "GET /api/v1/devices/pending": "LLLLLLLLLLL",
    "POST /api/v1/devices": "LFFFAFFFFFA",
    "GET /api/v1/ratings/{rating_id}": "LNNNANANNNA",
    "POST /api/v1/ratings/{rating_id}/unmask": "LNNNANANNNA",
    "POST /api/v1/comments": "AAAAAAAAAAA",
    "GET /api/v1/comments": "LFFFAAAFAFA",
    "POST /api/v1/assessments/import": "LFFFFFVFFFV",
    "GET /api/v1/assessments": "LFFFFFAFFFA",
    "GET /api/v1/assessments/{batch_id}": "LNNNNNANNNA",
    "POST /api/v1/surveys": "LFFFFFVFFFV",
    "GET /api/v1/surveys": "LFFFFFAFFFA",
    "GET /api/v1/surveys/{survey_id}": "LNNNNNANNNA",
    "POST /api/v1/surveys/{survey_id}/visits/{visit_id}": "LNNNNNVNNNV",
    "GET /api/v1/rectifications": "LAAAAAAAAAA",
    "GET /api/v1/rectifications/figures": "LAAAAAAAAAA",
    "GET /api/v1/rectifications/{ticket_id}": "LNANANAANNA",
    "POST /api/v1/rectifications/{ticket_id}/attachments": "LNANANFANNA",
    "POST /api/v1/rectifications/{ticket_id}/verify": "LNANANFANNA",
    "POST /api/v1/rectifications/{ticket_id}/resolve": "LNANANFANNA",
    "POST /api/v1/rectifications/{ticket_id}/progress": "LNANANFANNA",
    "POST /api/v1/rectifications/{ticket_id}/rectified": "LNANANFANNA",
    "POST /api/v1/rectifications/{ticket_id}/approve_exclusion": "LNFNFNAFNNA",
    "POST /api/v1/rectifications/{ticket_id}/reject_exclusion": "LNFNFNAFNNA",
    "POST /api/v1/rectifications/{ticket_id}/feedback": "LNANANFANNA",
    "POST /api/v1/rectifications/{ticket_id}/close": "LNANANFANNA",
    "POST /api/v1/ratings/{rating_id}/appeals": "LFAFAFFAFFA",
    "POST /api/v1/appeals/{appeal_id}/decide": "LFFFFFVFFFV",
    "GET /api/v1/appeals": "LAAAAAAAAAA",
    "POST /api/v1/workorders": "LVVVVVVVVVV",
    "GET /api/v1/workorders": "LAAAAAAAAAA",
    "GET /api/v1/workorders/figures": "LAAAAAAAAAA",
    "GET /api/v1/workorders/{order_id}": "LNNNANAAANA",
    "POST /api/v1/workorders/{order_id}/unmask": "LNNNFNFAANA",
    "POST /api/v1/workorders/{order_id}/attachments": "LNNNFNFAANA",
    "GET /api/v1/workorders/{order_id}/attachments/{attachment_id}": "LNNNANAAANA",
    "POST /api/v1/workorders/{order_id}/dispatch": "LNNNFNFFANA",
    "POST /api/v1/workorders/{order_id}/accept": "LNNNFNFAFNA",
    "POST /api/v1/workorders/{order_id}/return": "LNNNFNFAFNA",
    "POST /api/v1/workorders/{order_id}/reply": "LNNNFNFAFNA",
    "POST /api/v1/workorders/{order_id}/extend": "LNNNFNFAFNA",
    "POST /api/v1/workorders/{order_id}/revisit": "LNNNFNFFANA",
    "POST /api/v1/workorders/{order_id}/close": "LNNNFNFFANA",
    "POST /api/v1/workorders/{order_id}/merge": "LNNNFNFFANA",
    "POST /api/v1/workorders/{order_id}/link": "LNNNFNFFANA",
    "GET /api/v1/dispatch-categories": "LAAAAAAAAAA",
    "GET /api/v1/phrases": "LFFFAAFFAFA",
    "PATCH /api/v1/phrases/{phrase_id}": "LFFFVVFFFFV",
    "GET /api/v1/stats/summary": "LFFFAAAFFFA",
    "GET /api/v1/stats/rankings": "LVVVVVVVVVV",
    "GET /api/v1/public/units": "AAAAAAAAAAA",
    "GET /api/v1/public/units/{unit_id}": "AAAAAAAAAAA",
    "GET /api/v1/reports": "LFFFAAAFFFA",
    "GET /api/v1/reports/{report_id}/excel": "LFFFNNAFFFA",
    "GET /api/v1/reports/{report_id}/pdf": "LFFFNNAFFFA",
    "GET /api/v1/stats/hotspots": "LFFFAAAFFFA",
    "GET /api/v1/stats/hotspots/records": "LVVVVVVVVVV",
    "GET /api/v1/sites": "AAAAAAAAAAA",
    "GET /api/v1/sites/{site_id}/windows": "AAAAAAAAAAA",
    "GET /api/v1/sites/{site_id}/hours": "AAAAAAAAAAA",
    "GET /api/v1/sites/{site_id}/checklist": "AAAAAAAAAAA",
    "POST /api/v1/attendance/sign": "LFAAAAFFFFF",
    "POST /api/v1/attendance/import": "LFFFAAFFFFA",
    "GET /api/v1/attendance": "LFAAAAFFFFF",
    "GET /api/v1/staff": "LFFFAAAFFFA",
    "GET /api/v1/staff/{staff_id}/score": "LNANANANNNA",
    "GET /api/v1/windows/{window_id}/score": "LNNNANANNNA",
    "POST /api/v1/staff/{staff_id}/deductions": "LFFFVNVFFFV",
    "GET /api/v1/warnings": "LAAAAAAAAAA",
    "POST /api/v1/warnings/{warning_id}/acknowledge": "LNANFNFNNNF",
    "GET /api/v1/awards": "LFAAAAAFFFA",
    "GET /api/v1/alerts": "LFFFAAAFFFA",
    "GET /api/v1/alerts/policy": "LFFFAAAFFFA",
    "PUT /api/v1/alerts/policy": "LFFFAAAFFFA",
    "POST /api/v1/alerts/{alert_id}/acknowledge": "LNNNANANNNA",
    "GET /api/v1/appointments/slots": "VVVVVVVVVVV",
    "POST /api/v1/appointments": "VVVVVVVVVVV",
    "POST /api/v1/appointments/{token}/cancel": "AAAAAAAAAAA",
    "POST /api/v1/queue/tickets": "AAAAAAAAAAA",
    "GET /api/v1/queue/tickets/{token}": "AAAAAAAAAAA",
    "POST /api/v1/queue/call": "LFAVVVFFFFV",
    "POST /api/v1/queue/tickets/{ticket_id}/recall": "LNAAANFNFNA",
    "POST /api/v1/queue/tickets/{ticket_id}/start": "LNAAANFNFNA",
    "POST /api/v1/queue/tickets/{ticket_id}/skip": "LNAAANFNFNA",
    "POST /api/v1/queue/tickets/{ticket_id}/park": "LNAAANFNFNA",
    "POST /api/v1/queue/tickets/{ticket_id}/unpark": "LNAAANFNFNA",
    "POST /api/v1/queue/tickets/{ticket_id}/transfer": "LNVVVNFNFNV",
    "POST /api/v1/queue/tickets/{ticket_id}/finish": "LNAAANFNFNA",
    "GET /api/v1/sites/{site_id}/queue": "AAAAAAAAAAA",
    "POST /api/v1/cases": "LVVVVVVVVVV",
    "GET /api/v1/cases": "LAAAAAAAAAA",
    "GET /api/v1/cases/{case_id}": "LNAAANANNNA",
    "POST /api/v1/cases/{case_id}/unmask": "LNFFANANNNA",
    "POST /api/v1/cases/{case_id}/answer_consultation": "LNAAANFNNNA",
    "POST /api/v1/cases/{case_id}/accept": "LNAAANFNNNA",
    "POST /api/v1/cases/{case_id}/reject": "LNAAANFNNNA",
    "POST /api/v1/cases/{case_id}/route_out": "LNAAANFNNNA",
    "POST /api/v1/cases/{case_id}/request_supplement": "LNAAANFNNNA",
    "POST /api/v1/cases/{case_id}/resume": "LNAAANFNNNA",
    "POST /api/v1/cases/{case_id}/extend": "LNAAANFNNNA",
    "POST /api/v1/cases/{case_id}/hand_over": "LNAAANFNNNA",
    "POST /api/v1/cases/{case_id}/return_result": "LNAAANFNNNA",
    "POST /api/v1/cases/{case_id}/forward": "LNAAANFNNNA",
    "POST /api/v1/cases/{case_id}/finish_joint_task": "LNAAANFNNNA",
    "POST /api/v1/cases/{case_id}/complete": "LNAAANFNNNA",
    "GET /api/v1/first-contacts": "LAAAAAAAAAA",
    "POST /api/v1/first-contacts": "LVVVVVVVVVV",
    "GET /api/v1/first-contacts/{entry_id}": "LNANANANNNA",
    "POST /api/v1/first-contacts/{entry_id}/answer": "LNVNVNFNNNV",
    "POST /api/v1/first-contacts/{entry_id}/hand_over": "LNVNVNFNNNV",
    "POST /api/v1/first-contacts/{entry_id}/confirm": "LNANANANNNA",
    "GET /api/v1/counter-complaints": "LAAAAAAAAAA",
    "POST /api/v1/counter-complaints": "LVVVVVVVVVV",
    "GET /api/v1/counter-complaints/{complaint_id}": "LNANANANNNA",
    "POST /api/v1/counter-complaints/{complaint_id}/answer": "LNVNVNFNNNV",
    "POST /api/v1/cases/{case_id}/return_application": "LNAAANFNNNA",
    "POST /api/v1/cases/{case_id}/request_review": "LNAAANFNNNA",
    "POST /api/v1/cases/{case_id}/decide_review": "LNAAANFNNNA",
    "POST /api/v1/cases/{case_id}/designate_urgent": "LNAAANFNNNA",
    "POST /api/v1/cases/{case_id}/start_special_procedure": "LNAAANFNNNA",
    "POST /api/v1/cases/{case_id}/end_special_procedure": "LNAAANFNNNA",
    # 数据汇聚 (bianmin.exchange): exchange managers (centre managers) act; supervisors watch; others are kept out.
    "GET /api/v1/exchange/preview/{kind}/{id}": "LFFFANAFFFA",
    "GET /api/v1/exchange/outbox": "LFFFAAAFFFA",
    "POST /api/v1/exchange/outbox/{row_id}/resend": "LFFFANFFFFA",
    "POST /api/v1/exchange/outbox/{row_id}/give-up": "LFFFANFFFFA",
    "GET /api/v1/exchange/reconciliation": "LFFFAAAFFFA",
    "GET /api/v1/exchange/profiles": "LFFFAAAFFFA",
}


# ---------------------------------------------------------------- the routes

def page_routes() -> list[str]:
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    return ["PAGE /" + r for r in walk(get_resolver().url_patterns) if not r.startswith(SKIPPED)]


def api_routes() -> list[str]:
    schema = api.get_openapi_schema()
    return [f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops]


def all_routes() -> list[str]:
    return page_routes() + api_routes()


def test_every_route_has_an_entry():
    routes = all_routes()
    missing = [r for r in routes if r not in MATRIX]
    stale = [r for r in MATRIX if r not in routes]
    assert not missing, "routes without a row in MATRIX:\n" + "\n".join(missing)
    assert not stale, "rows in MATRIX for routes that no longer exist:\n" + "\n".join(stale)
    assert all(len(v) == len(PERSONAS) and set(v) <= set("AVFNL") for v in MATRIX.values())


# ---------------------------------------------------------------- the objects and the requests

# The hall's answers depend on the hour (online tickets are refused once the hall has closed for the day): the
# matrix is read on a working morning, whenever the suite runs.
HALL_OPEN = dt.datetime(2026, 12, 3, 10, 0)  # a Thursday, a working day


@pytest.fixture
def things(hw, api_for, set_now):
    """Real objects for the detail routes, and the values of every path parameter."""
    set_now(HALL_OPEN)
    from bianmin.cases.models import Notice
    from bianmin.hotline.models import Phrase
    from bianmin.ratings import comments
    from bianmin.ratings import services as rating_services
    from bianmin.rectification import followups
    from bianmin.rectification import services as rect_services
    from bianmin.reports import services as report_services
    from bianmin.reports.models import Report

    from .hotline_helpers import act, intake
    from .matrix_objects import extra_things
    from .ticket_helpers import bad_rating, ticket_of

    world = hw.base
    rating = bad_rating(world)
    ticket = ticket_of(rating)
    appeal = rect_services.file_appeal(world.clerk_a, rating, reason="评价人误评")
    agent = api_for(hw.agent)
    order = act(agent, intake(agent)["id"], "dispatch")
    other_order = intake(agent, category="BDC", text="不动产证办理进度")  # to merge into or link to
    comment = comments.add_comment(world.manager_a, source="mailbox", text="窗口服务很好", target_unit=world.county)
    device, _ = rating_services.register_device(world.manager_a, window=world.window_a, name="1号评价器")
    phrase = Phrase.objects.order_by("pk").first()  # the library is seeded by a migration
    report = report_services.generate(Report.objects.create(
        kind="monthly", unit=world.county, year=2026, number=11, period_from=dt.date(2026, 11, 1),
        period_to=dt.date(2026, 11, 30), due_on=dt.date(2026, 12, 10), status=Report.Status.PENDING))
    assert report.status == Report.Status.GENERATED, report.error
    notice = Notice.objects.filter(case=rating.case).first()
    token = rating_services.rating_link(rating.case).token
    extra = extra_things(hw, rating, ticket, order["id"])
    return {
        "case_id": rating.case_id, "rating_id": rating.pk, "ticket_id": ticket.pk, "appeal_id": appeal.pk,
        "order_id": order["id"], "comment_id": comment.pk, "device_id": device.pk, "phrase_id": phrase.pk,
        "report_id": report.pk, "notice_id": notice.pk if notice else 0, "unit_id": world.county.pk,
        "code": world.item_committed.code, "token": token, "day": "2026-12-02", "year": "2026",
        "followup_token": followups.token_for(ticket), "category_code": order["category"],
        "request_id": order["number"],
        "into": other_order["id"], "to": other_order["id"], "window_id": world.window_a.pk, "site_id": world.site_a.pk,
        # body fields naming a site (queue tickets): a real one, not id 1 (PostgreSQL does not reuse rolled-back ids)
        "site": world.site_a.pk, "item_id": world.item_committed.pk,
        **extra,
    }


ACTIONS = {"/workbench/hall/leave/": "approve", "/workbench/visits/": "cancel", "/workbench/batches/": "receive", "/workbench/cases/": "accept", "/workbench/hotline/": "accept", "/workbench/tickets/": "verify", "/workbench/queue/": "recall"}
# A parameter whose object depends on the route: the tickets' file route takes a ticket's attachment, the hotline
# ones a work order's (two tables, two ids); the portal's notice page shows a one-time notice, the workbench's a case's.
PER_ROUTE = {"/workbench/tickets/files/": {"attachment_id": "ticket_attachment_id"},
             "/workbench/quality-records/files/": {"attachment_id": "record_attachment_id"},
             "/guides/notice/": {"notice_id": "one_time_notice_id"},
             "/followup/": {"token": "followup_token"},
             "/appointments/": {"token": "appointment_token"},
             "/api/v1/appointments/": {"token": "appointment_token"},
             "/hall/ticket/": {"token": "queue_ticket_token"},
             "/api/v1/queue/tickets/": {"token": "queue_ticket_token", "ticket_id": "queue_ticket_id"},
             "/workbench/queue/": {"ticket_id": "queue_ticket_id"},
             "/open311/v2/^services/": {"code": "category_code"},
             "/api/v1/exchange/preview/": {"kind": "exchange_kind", "id": "exchange_record_id"}}


def concrete(route: str, values: dict) -> tuple[str, str]:
    """(method, address) of a route, its parameters filled from `values` (unknown ids: 0, which is nobody's)."""
    kind, path = route.split(" ", 1)
    values = {**values, "action": next((a for prefix, a in ACTIONS.items() if path.startswith(prefix)), "x")}
    for prefix, renames in PER_ROUTE.items():
        if path.startswith(prefix):
            values.update({name: values[source] for name, source in renames.items()})
    path = re.sub(r"\(\?P<fmt>[^)]*\)", "json", path)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values.get(m.group(1), "x")), path)
    path = re.sub(r"<(?:\w+:)?(\w+)>|\{(\w+)\}", lambda m: str(values.get(m.group(1) or m.group(2), 0)), path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".")
    return ("GET" if kind == "PAGE" else kind), path


def outcome(response) -> str:
    code = response.status_code
    assert code < 500, f"server error {code}"
    if code == 401 or (code == 302 and "/accounts/login/" in response.get("Location", "")):
        return "L"
    return {403: "F", 404: "N", 400: "V", 422: "V"}.get(code, "A")


SCHEMA = api.get_openapi_schema()


def example(schema: dict, values: dict, name: str = ""):
    """The smallest value of an OpenAPI schema: required properties only, first enum member or union branch."""
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    for union in ("anyOf", "oneOf", "allOf"):
        if union in schema:
            return example(schema[union][0], values, name)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {k: example(v, values, k) for k, v in schema.get("properties", {}).items()
                if k in schema.get("required", [])}
    if kind == "array":
        return []
    if kind in ("integer", "number"):
        return values.get(name, 1)
    if kind == "boolean":
        return False
    return {"date": "2026-12-02", "date-time": "2026-12-02T10:00:00+08:00"}.get(schema.get("format"), "用于权限矩阵测试的说明")


def body_of(method: str, path: str, values: dict):
    op = SCHEMA["paths"][path][method.lower()]
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        return json.dumps(example(content["application/json"]["schema"], values)), "application/json"
    if "multipart/form-data" in content:
        return {"file": SimpleUploadedFile("note.txt", b"x", "text/plain")}, None
    return "{}", "application/json"


def request(client, route: str, values: dict, page: bool):
    method, url = concrete(route, values)
    cache.clear()  # throttles count per address: each request starts with none
    with transaction.atomic():
        if page:
            response = client.get(url)
            if response.status_code == 405:
                response = client.post(url, {})
        else:
            data, content_type = body_of(method, route.split(" ", 1)[1], values)
            response = (client.post(url, data) if content_type is None
                        else client.generic(method, url, data, content_type=content_type))
        transaction.set_rollback(True)
    return response


# The routes are checked in PARTS interleaved slices, one test each, so the suite's processes share the work
# (one test for all of them was the suite's longest by far); each slice builds its own objects.
PARTS = 4


@pytest.mark.parametrize("part", range(PARTS))
def test_every_persona_gets_what_the_matrix_says(part, hw, things, client_for, api_for):
    world = hw.base
    root = get_user_model().objects.create_superuser("root", "root@example.com", "test-pass-123")
    users = {"anonymous": None, "outsider": world.outsider, "clerk_a": world.clerk_a, "clerk_a2": world.clerk_a2,
             "manager_a": world.manager_a, "manager_b": world.manager_b, "supervisor": world.supervisor,
             "handler": world.handler, "agent": hw.agent, "handler2": hw.handler2, "superuser": root}
    api_clients = {name: api_for(user) for name, user in users.items()}
    observed, wrong = {}, []
    for route in all_routes()[part::PARTS]:
        page = route.startswith("PAGE")
        got = ""
        for name in PERSONAS:
            client = client_for(users[name]) if page else api_clients[name]
            try:
                got += outcome(request(client, route, things, page))
            except AssertionError as e:
                wrong.append(f"{route} as {name}: {e}")
                got += "?"
        observed[route] = got
        if MATRIX.get(route) != got:
            wrong.append(f"{route}: expected {MATRIX.get(route)}, got {got}")
    if os.environ.get("SCOPING_MATRIX_PRINT"):
        print("\n".join(f'    "{r}": "{v}",' for r, v in observed.items()))
    assert not wrong, "\n".join(wrong)

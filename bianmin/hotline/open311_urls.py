"""Open311 GeoReport v2 endpoints (mounted at /open311/v2/). The format is part of each address
(`services.json`, `services.xml`); open311.endpoint refuses any other format with an Open311 error."""
from django.urls import re_path

from . import open311

FMT = r"\.(?P<fmt>[A-Za-z0-9]+)$"
urlpatterns = [
    re_path(r"^services" + FMT, open311.service_list, name="open311-services"),
    # Greedy: a catalogue code may itself contain dots ("A.B.json" is code "A.B").
    re_path(r"^services/(?P<code>[A-Za-z0-9_.-]+)" + FMT, open311.service_definition, name="open311-service"),
    re_path(r"^requests" + FMT, open311.requests_view, name="open311-requests"),
    re_path(r"^requests/(?P<request_id>[A-Za-z0-9_-]+)" + FMT, open311.request_detail, name="open311-request"),
    re_path(r"^(?P<rest>.*)$", open311.not_found),
]

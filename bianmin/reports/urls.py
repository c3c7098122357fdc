"""Pages of reports (workbench/reports/…)."""
from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("generate", views.report_generate, name="generate"),
    path("<int:report_id>.xlsx", views.report_file, {"fmt": "xlsx"}, name="excel"),
    path("<int:report_id>.pdf", views.report_file, {"fmt": "pdf"}, name="pdf"),
]

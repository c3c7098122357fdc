"""Staff pages of assessment, mounted at /workbench/ (bianmin/urls.py): scores/, warnings/, rules/ (urls_scores),
awards/ (urls_awards), inspections/, checklist/ (urls_inspections), quality-records/ (urls_records)."""
from django.urls import include, path

app_name = "staffops"

urlpatterns = [
    path("", include("bianmin.staffops.urls_scores")),
    path("", include("bianmin.staffops.urls_awards")),
    path("", include("bianmin.staffops.urls_inspections")),
    path("", include("bianmin.staffops.urls_records")),
    path("", include("bianmin.staffops.urls_engine")),  # the case's 超时说明 (delay explanation)
]

"""The case's 超时说明 (delay explanation), posted from the case page (/workbench/cases/<id>/delay/)."""
from django.urls import path

from . import views_engine

urlpatterns = [
    path("cases/<int:case_id>/delay/", views_engine.delay_explain, name="delay_explain"),
]

"""Quality-service records (S003 第六條-第八條): /workbench/quality-records/…"""
from django.urls import path

from . import views_records as views

urlpatterns = [
    path("quality-records/", views.record_list, name="records"),
    path("quality-records/new/", views.record_new, name="record_new"),
    path("quality-records/export.xlsx", views.record_export, name="record_export"),
    path("quality-records/files/<int:attachment_id>/", views.record_file, name="record_file"),
    path("quality-records/<int:record_id>/", views.record_detail, name="record_detail"),
]

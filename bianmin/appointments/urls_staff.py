"""Staff pages: /workbench/appointments/…"""
from django.urls import path

from . import views_staff

app_name = "appointments_staff"
urlpatterns = [
    path("", views_staff.day_list, name="list"),
    path("new/", views_staff.phone_booking, name="new"),
    path("close/", views_staff.close, name="close"),
    path("rules/", views_staff.rules, name="rules"),
]

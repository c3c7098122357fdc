"""Public disclosure pages (公开), mounted at /public/."""
from django.urls import path

from . import views

app_name = "disclosure"
urlpatterns = [
    path("", views.index, name="index"),
    path("units/<int:unit_id>/", views.unit, name="unit"),
]

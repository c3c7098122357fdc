"""Citizen pages: /appointments/…"""
from django.urls import path

from . import views_public

app_name = "appointments"
urlpatterns = [
    path("book/", views_public.book, name="book"),
    path("<str:token>/", views_public.detail, name="detail"),
    path("<str:token>/cancel/", views_public.cancel, name="cancel"),
]

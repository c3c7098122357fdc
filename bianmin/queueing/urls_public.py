"""The queue's public pages under /hall/: kiosk, 线上取号, the live ticket, the hall display and its feed."""
from django.urls import path

from . import views_public

app_name = "queue_public"
urlpatterns = [
    path("<int:site_id>/kiosk/", views_public.kiosk, name="kiosk"),
    path("<int:site_id>/take/", views_public.take, name="take"),
    path("<int:site_id>/display/", views_public.display, name="display"),
    path("<int:site_id>/display/feed", views_public.display_feed, name="display_feed"),
    path("ticket/<str:token>/", views_public.ticket, name="ticket"),
]

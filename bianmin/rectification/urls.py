"""Staff pages of the bad-review loop (workbench/tickets/…)."""
from django.urls import path

from . import views

app_name = "rectification"
urlpatterns = [
    path("", views.ticket_list, name="tickets"),
    path("<int:ticket_id>/", views.ticket_page, name="ticket"),
    path("appeals/", views.appeal_list, name="appeals"),
]

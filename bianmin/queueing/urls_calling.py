"""The clerk's calling panel under /workbench/queue/."""
from django.urls import path

from . import views_calling

app_name = "calling"
urlpatterns = [
    path("", views_calling.panel, name="panel"),
    path("call/", views_calling.call_next, name="call"),
    path("<int:ticket_id>/<str:action>/", views_calling.ticket_action, name="action"),
]

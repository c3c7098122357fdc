"""Staff pages of the bad-review loop (workbench/tickets/…)."""
from django.urls import path

from . import views, views_appeals

app_name = "rectification"
urlpatterns = [
    path("", views.ticket_list, name="tickets"),
    path("export.xlsx", views.ticket_export, name="export"),
    path("files/<int:attachment_id>/", views.attachment_download, name="file"),
    path("appeals/", views_appeals.appeal_list, name="appeals"),
    path("appeals/new/<int:rating_id>/", views_appeals.appeal_new, name="appeal_new"),
    path("appeals/<int:appeal_id>/decide/", views_appeals.appeal_decide, name="appeal_decide"),
    path("<int:ticket_id>/", views.ticket_page, name="ticket"),
    path("<int:ticket_id>/attach/", views.ticket_attach, name="attach"),
    path("<int:ticket_id>/unmask/", views.ticket_unmask, name="unmask"),
    # After attach/: any other word is an action name, which services.transition checks.
    path("<int:ticket_id>/<str:action>/", views.ticket_action, name="action"),
]

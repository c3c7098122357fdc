from django.urls import path

from . import views

app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path("cases/new/", views.new_case, name="new_case"),
    path("cases/<int:case_id>/", views.case_page, name="case"),
    path("cases/<int:case_id>/unmask/", views.case_unmask, name="case_unmask"),
    # Before the action route, which would otherwise take "completion" for an action name.
    path("cases/<int:case_id>/completion/", views.completion_receipt, name="completion_receipt"),
    path("cases/<int:case_id>/<str:action>/", views.case_action, name="case_action"),
    path("notices/<int:notice_id>/", views.notice_print, name="notice"),
    path("first-contacts/", views.first_contacts, name="first_contacts"),
    path("site/", views.site_overview, name="site"),
]

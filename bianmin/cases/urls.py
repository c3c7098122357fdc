from django.urls import path

from . import views, views_complaints, views_first_contacts, views_registers

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
    path("first-contacts/", views_first_contacts.first_contacts, name="first_contacts"),
    path("first-contacts/<int:entry_id>/answer/", views_first_contacts.answer, name="first_contact_answer"),
    path("first-contacts/<int:entry_id>/hand-over/", views_first_contacts.hand_over, name="first_contact_hand_over"),
    path("first-contacts/<int:entry_id>/confirm/", views_first_contacts.confirm, name="first_contact_confirm"),
    path("complaints/", views_complaints.complaints, name="complaints"),
    path("complaints/<int:complaint_id>/", views_complaints.complaint, name="complaint"),
    path("complaints/<int:complaint_id>/answer/", views_complaints.answer, name="complaint_answer"),
    path("complaints/<int:complaint_id>/reply/", views_complaints.reply, name="complaint_reply"),
    path("site/", views.site_overview, name="site"),
    path("returns/", views_registers.returned_register, name="returns"),
    path("result-notices/", views_registers.result_notice_board, name="result_notices"),
]

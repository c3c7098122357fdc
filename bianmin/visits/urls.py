"""Staff pages of the registers, home visits and proxy batches (mounted under workbench/)."""
from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("registers/", views.registers, name="registers"),
    # Recording pages reached from a case, before the <kind> routes so "signoff"/"proxy" are not read as a kind.
    path("registers/signoff/case/<int:case_id>/", views.sign_off, name="sign_off"),
    path("registers/signoff/<int:signoff_id>/signature.png", views.signature, name="signature"),
    path("registers/proxy/case/<int:case_id>/", views.handback, name="handback"),
    path("registers/<str:kind>/", views.register_list, name="register"),
    path("registers/<str:kind>/export.xlsx", views.register_export, name="export"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/<int:home_visit_id>/", views.visit_page, name="visit"),
    path("visits/<int:home_visit_id>/case/", views.visit_case, name="visit_case"),
    path("visits/<int:home_visit_id>/<str:action>/", views.visit_action, name="visit_action"),
    path("batches/", views.batch_list, name="batches"),
    path("batches/build/", views.batch_build, name="batch_build"),
    path("batches/<int:proxy_batch_id>/", views.batch_sheet, name="batch"),
    path("batches/<int:proxy_batch_id>/<str:action>/", views.batch_action, name="batch_action"),
]

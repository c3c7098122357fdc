from django.urls import include, path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("rows/<int:row_id>/", views.row_detail, name="row"),
    path("rows/<int:row_id>/resend/", views.resend, name="resend"),
    path("rows/<int:row_id>/give-up/", views.give_up, name="give_up"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("reconciliation/run/", views.reconcile_now, name="reconcile_now"),
    path("", include("bianmin.exchange.urls_catalog_import")),
]

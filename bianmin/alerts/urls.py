from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("policy/", views.policy, name="policy"),
    path("<int:alert_id>/acknowledge/", views.acknowledge, name="acknowledge"),
]

"""Staff rating pages, under /workbench/ratings/."""
from django.urls import path

from . import views_staff

app_name = "ratings"
urlpatterns = [
    path("", views_staff.rating_list, name="list"),
    path("mine/", views_staff.my_ratings, name="mine"),
    path("<int:rating_id>/", views_staff.rating_detail, name="detail"),
    path("<int:rating_id>/unmask/", views_staff.rating_unmask, name="unmask"),
    path("<int:rating_id>/flags/<int:flag_id>/review/", views_staff.flag_review, name="flag_review"),
    path("devices/", views_staff.devices, name="devices"),
    path("devices/<int:device_id>/deactivate/", views_staff.device_deactivate, name="device_deactivate"),
    path("cases/<int:case_id>/paper/", views_staff.paper_entry, name="paper_entry"),
]

"""Staff pages of the hall (workbench/hall/…)."""
from django.urls import path

from . import views

app_name = "hall"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign/", views.sign, name="sign"),
    path("outings/", views.outing_new, name="outing_new"),
    path("outings/<int:outing_id>/return/", views.outing_return, name="outing_return"),
    path("leave/", views.leave, name="leave"),
    path("leave/<int:leave_id>/<str:action>/", views.leave_action, name="leave_action"),
    path("board/", views.board, name="board"),
    path("hours/", views.hours_page, name="hours"),
    path("attendance/", views.attendance_page, name="attendance"),
    path("attendance/import/", views.attendance_import, name="attendance_import"),
]

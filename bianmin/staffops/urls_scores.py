"""Pages of the monthly score, efficiency warnings and the deduction schedule (views_scores)."""
from django.urls import path

from . import views_scores as views

urlpatterns = [
    path("scores/", views.scores_home, name="scores"),
    path("scores/staff/<int:staff_id>/", views.staff_page, name="scores_staff"),
    path("scores/windows/<int:window_id>/", views.window_page, name="scores_window"),
    path("warnings/", views.warning_list, name="warnings"),
    path("warnings/<int:warning_id>/", views.warning_page, name="warning"),
    path("rules/", views.rules_page, name="rules"),
]

"""Staff pages of the analytics (workbench/stats/…)."""
from django.urls import path

from . import views_dashboard, views_hotspots

app_name = "stats"
urlpatterns = [
    path("", views_dashboard.dashboard, name="dashboard"),
    path("hotspots/", views_hotspots.hotspots, name="hotspots"),
]

"""Staff pages of the analytics (workbench/stats/…)."""
from django.urls import path

from . import views_dashboard, views_hotspots, views_league

app_name = "stats"
urlpatterns = [
    path("", views_dashboard.dashboard, name="dashboard"),
    path("hotspots/", views_hotspots.hotspots, name="hotspots"),
    path("league/", views_league.league_table, name="league"),
]

"""The awards page (staffops:awards, /workbench/awards/): GET shows, POST decides a past month not yet awarded."""
from django.urls import path

from . import views_awards

urlpatterns = [
    path("awards/", views_awards.awards_page, name="awards"),
]

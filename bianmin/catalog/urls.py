"""Staff pages of the service catalogue (workbench/catalog/…)."""
from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("search-words/", views.search_words, name="search_words"),
]

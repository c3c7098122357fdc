from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("result-notices/", views.result_notices, name="result_notices"),
    # The numbered notice comes before <code>/ patterns: "notice" is not an item code.
    path("guides/notice/<int:notice_id>/", views.issued_notice, name="issued_notice"),
    path("guides/<str:code>/", views.guide, name="guide"),
    path("guides/<str:code>/notice/", views.notice, name="notice"),
]

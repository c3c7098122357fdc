from django.urls import path

from . import views_public

app_name = "rate"
urlpatterns = [
    path("<str:token>/", views_public.rate_page, name="page"),
    path("<str:token>/thanks/", views_public.rate_thanks, name="thanks"),
]

"""The rater's follow-up (追评) page, reached by the token in the feedback message; no sign-in."""
from django.urls import path

from . import views_public

app_name = "followup"
urlpatterns = [
    path("<str:token>/", views_public.followup_page, name="page"),
]

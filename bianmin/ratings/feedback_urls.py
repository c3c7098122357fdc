"""Pages of 综合点评, third-party assessments and 监督查评: the citizen's comment form under /comments/,
staff pages under /workbench/. Included at the site root by bianmin/urls.py."""
from django.urls import path

from . import views_feedback as views

app_name = "feedback"
urlpatterns = [
    # Citizens (no sign-in)
    path("comments/new/", views.comment_new, name="comment_new"),
    path("comments/thanks/", views.comment_thanks, name="comment_thanks"),
    # Staff
    path("workbench/comments/", views.comment_list, name="comments"),
    path("workbench/comments/new/", views.comment_enter, name="comment_enter"),
    path("workbench/comments/<int:comment_id>/", views.comment_detail, name="comment"),
    path("workbench/comments/<int:comment_id>/unmask/", views.comment_unmask, name="comment_unmask"),
    path("workbench/assessments/", views.assessment_page, name="assessments"),
    path("workbench/assessments/template.csv", views.assessment_template, name="assessment_template"),
    path("workbench/surveys/", views.survey_list, name="surveys"),
    path("workbench/surveys/<int:survey_id>/", views.survey_detail, name="survey"),
    path("workbench/surveys/<int:survey_id>/visits/<int:visit_id>/", views.survey_visit, name="survey_visit"),
    path("workbench/surveys/<int:survey_id>/visits/<int:visit_id>/unmask/", views.survey_unmask,
         name="survey_unmask"),
]

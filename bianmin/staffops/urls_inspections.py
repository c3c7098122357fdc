"""Inspections, patrols and the site standardisation checklist (mounted at /workbench/ by staffops.urls)."""
from django.urls import path

from . import views_checklist, views_inspections

urlpatterns = [
    path("inspections/", views_inspections.inspection_list, name="inspections"),
    path("inspections/new/", views_inspections.inspection_new, name="inspection_new"),
    path("inspections/patrol/", views_inspections.patrol, name="patrol"),
    path("inspections/<int:inspection_id>/", views_inspections.inspection_detail, name="inspection"),
    path("inspections/findings/<int:finding_id>/withdraw/", views_inspections.finding_withdraw,
         name="finding_withdraw"),
    path("inspections/photos/<int:photo_id>/", views_inspections.inspection_photo, name="inspection_photo"),
    path("checklist/", views_checklist.checklist_list, name="checklist"),
    path("checklist/<int:site_id>/", views_checklist.checklist_site, name="checklist_site"),
    path("checklist/photos/<int:answer_id>/", views_checklist.checklist_photo, name="checklist_photo"),
]

"""Staff pages of the 12345 hotline (workbench/hotline/…)."""
from django.urls import path

from . import views_figures, views_intake, views_orders, views_phrases

app_name = "hotline"
urlpatterns = [
    path("", views_orders.order_list, name="orders"),
    path("new/", views_intake.intake, name="intake"),
    path("phrases/", views_phrases.phrase_list, name="phrases"),
    path("phrases/<int:phrase_id>/", views_phrases.phrase_edit, name="phrase_edit"),
    path("figures/", views_figures.figures_page, name="figures"),
    path("<int:order_id>/", views_orders.order_page, name="order"),
    path("<int:order_id>/attach/", views_orders.order_attach, name="attach"),
    path("<int:order_id>/unmask/", views_orders.order_unmask, name="unmask"),
    path("<int:order_id>/files/<int:attachment_id>/", views_orders.attachment_download, name="file"),
    # After the fixed words above: any other word is an action name, which services.transition checks.
    path("<int:order_id>/<str:action>/", views_orders.order_action, name="action"),
]

"""The catalogue import page, for bianmin/exchange/urls.py (app_name "exchange") to include:
/workbench/exchange/catalogue-import/ → exchange:catalogue_import."""
from django.urls import path

from . import views_catalog_import

urlpatterns = [
    path("catalogue-import/", views_catalog_import.catalogue_import, name="catalogue_import"),
]

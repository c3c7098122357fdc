from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "bianmin.catalog"
    label = "catalog"

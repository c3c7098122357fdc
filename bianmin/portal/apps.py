from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "bianmin.portal"
    label = "portal"

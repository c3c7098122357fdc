from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bianmin.core"
    label = "core"

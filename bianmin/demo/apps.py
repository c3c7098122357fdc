from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (`manage.py demo`): no models; its own app so that no domain app carries demo code."""

    name = "bianmin.demo"
    label = "demo"

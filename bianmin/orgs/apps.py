from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "bianmin.orgs"
    label = "orgs"

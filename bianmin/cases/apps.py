from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "bianmin.cases"
    label = "cases"

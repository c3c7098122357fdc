from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "bianmin.visits"
    verbose_name = _("上门服务与登记")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bianmin.core.jobs import register

        from . import jobs

        register("proxy_batches", jobs.build_proxy_batches)

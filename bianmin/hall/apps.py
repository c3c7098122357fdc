from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallConfig(AppConfig):
    name = "bianmin.hall"
    verbose_name = _("大厅运行")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bianmin.core import jobs

        from .services import alert_unattended

        jobs.register("hall_unattended", alert_unattended)

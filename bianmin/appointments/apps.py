from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "bianmin.appointments"
    verbose_name = _("预约服务")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bianmin.core.jobs import register

        from . import services

        register("appointment_reminders", services.send_reminders)
        register("appointment_no_shows", services.mark_no_shows)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "bianmin.hotline"
    verbose_name = _("12345 热线工单")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bianmin.core.jobs import register

        from . import jobs

        register("hotline_reminders", jobs.remind_due)
        register("hotline_escalation", jobs.escalate_overdue)
        register("hotline_dispatch_chase", jobs.chase_undispatched)

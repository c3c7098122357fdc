from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffopsConfig(AppConfig):
    name = "bianmin.staffops"
    verbose_name = _("人员考核")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bianmin.core.jobs import register

        from . import jobs

        register("staffops_sync", jobs.sync_recent)
        register("staffops_awards", jobs.award_due)

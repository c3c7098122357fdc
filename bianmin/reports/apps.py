from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "bianmin.reports"
    verbose_name = _("定期报表")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bianmin.core.jobs import register

        from . import jobs

        # After stats_rollup in each sweep (INSTALLED_APPS order): a report reads the rollups just brought up to date.
        register("scheduled_reports", jobs.generate_due)
        # After the due reports: the history's missing periods, a batch a sweep (jobs.backfill).
        register("report_backfill", jobs.backfill)

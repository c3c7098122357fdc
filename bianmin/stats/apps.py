from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "bianmin.stats"
    verbose_name = _("统计分析")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bianmin.core.jobs import register

        from . import queue_rollup, rollup, warmup

        register("stats_rollup", rollup.sweep)
        # Queue figures (issue 16 §7): after the rating and case rollups, before the reports read them.
        register("stats_queue_rollup", queue_rollup.sweep)
        # Last in each sweep: the cached default views then hold the rollups and reports just written.
        register("stats_warmup", warmup.warm)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "bianmin.exchange"
    label = "exchange"
    verbose_name = _("数据汇聚（国家平台对接）")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bianmin.core import outbox, report_parts
        from bianmin.core.jobs import register

        from . import jobs, report_part, writer
        from .models import OutboxRow

        outbox.set_writer(writer.prepare, writer.rating_route, OutboxRow)
        report_parts.exchange_sections.provide(report_part.sections)
        register("exchange_send", jobs.send)
        register("exchange_reconcile", jobs.reconcile)

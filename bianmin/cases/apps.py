from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "bianmin.cases"
    label = "cases"
    verbose_name = _("办件管理")  # the admin's section heading

    def ready(self) -> None:
        from bianmin.core.signals import clock_recomputed

        from . import handover

        # A department's return-by date follows the case's due date, also when a confirmed calendar year moves it.
        clock_recomputed.connect(handover.on_clock_recomputed, sender=None,
                                 dispatch_uid="cases.handover_follows_case")
        # 首问负责: an entry left open past its limit warns its owner and the site's managers once.
        from bianmin.core.jobs import register

        from . import first_contacts

        register("first_contact_warnings", first_contacts.warn_overdue)

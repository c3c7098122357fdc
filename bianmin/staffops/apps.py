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
        self._connect_engine()
        self._provide_award_parts()

    @staticmethod
    def _connect_engine():
        """Attendance changes (hall.signals) re-derive deductions; the case page shows the 超时说明 panel
        (cases.page_parts): the hall and cases apps import nothing of staffops."""
        from bianmin.cases import page_parts
        from bianmin.hall import signals as hall_signals

        from . import case_page, triggers

        hall_signals.attendance_changed.connect(triggers.on_attendance_changed,
                                                dispatch_uid="staffops.on_attendance_changed")
        page_parts.delay_panel.provide(case_page.delay_panel)

    @staticmethod
    def _provide_award_parts():
        """The 流动红旗 on the hall display, portal and disclosure pages, the league by points on the dashboard and
        the assessment sections of the reports (core.award_parts: those apps import nothing of staffops)."""
        from bianmin.core import award_parts

        from . import awards_read, league, report_parts

        award_parts.red_flag_of_site.provide(awards_read.banner)
        award_parts.red_flags_of_unit.provide(awards_read.banners_of_unit)
        award_parts.points_league.provide(league.points_league)
        award_parts.report_sections.provide(report_parts.sections)

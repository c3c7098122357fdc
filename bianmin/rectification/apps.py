from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "bianmin.rectification"
    verbose_name = _("差评整改")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bianmin.core.jobs import register
        from bianmin.ratings import comments, hooks

        from . import followups, jobs, rater_view, services

        def open_ticket_if_bad(rating):
            if rating.is_bad and rating.stage != "followup":
                services.open_for_rating(rating)

        hooks.after_store.append(open_ticket_if_bad)
        comments.after_store.append(services.open_for_complaint)
        hooks.followup_submit = followups.submit
        hooks.rater_progress = rater_view.progress_for_rating
        register("rectification_tickets", jobs.open_tickets_for_new_bad_ratings)
        register("rectification_escalation", jobs.escalate_overdue)

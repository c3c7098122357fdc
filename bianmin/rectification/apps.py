from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "bianmin.rectification"
    verbose_name = _("差评整改")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bianmin.core.jobs import register
        from bianmin.ratings import events

        from . import jobs, rater_view, services

        def open_ticket_if_bad(sender, rating, **kwargs):
            if rating.counts_as_bad:
                services.open_for_rating(rating)

        def open_ticket_for_complaint(sender, comment, **kwargs):
            services.open_for_complaint(comment)

        # Kept as attributes: a signal holds its receivers weakly, and these are local functions.
        self.receivers = (open_ticket_if_bad, open_ticket_for_complaint)
        events.rating_stored.connect(open_ticket_if_bad, dispatch_uid="rectification.open_ticket_if_bad")
        events.comment_stored.connect(open_ticket_for_complaint, dispatch_uid="rectification.open_ticket_for_complaint")
        events.followup_submit.provide(services.submit_followup)
        events.rater_progress.provide(rater_view.progress_for_rating)
        register("rectification_tickets", jobs.open_tickets_for_new_bad_ratings)
        register("rectification_escalation", jobs.escalate_overdue)

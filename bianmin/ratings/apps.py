from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "bianmin.ratings"
    verbose_name = _("好差评")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bianmin.cases import page_parts
        from bianmin.core.jobs import register

        from . import case_page, defaults, honesty, invitations

        # The case page and the receipt show this app's panel and QR code without the cases app importing it.
        page_parts.rating_panel.provide(case_page.case_panel)
        page_parts.receipt_qr.provide(case_page.receipt_qr)
        # A counter complaint about a service enters the rectification loop as a 综合点评 complaint.
        from bianmin.cases import complaints

        from . import comments

        complaints.service_complaint.provide(comments.add_counter_complaint)
        register("rating_honesty", honesty.sweep)
        register("rating_invitations", invitations.send_due)
        register("default_ratings", defaults.write_due)

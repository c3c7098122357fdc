from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "bianmin.ratings"
    verbose_name = _("好差评")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bianmin.core.jobs import register

        from . import defaults, honesty, invitations

        register("rating_honesty", honesty.sweep)
        register("rating_invitations", invitations.send_due)
        register("default_ratings", defaults.write_due)

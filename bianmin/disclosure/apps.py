from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    """The public disclosure portal (以公开为常态, SPEC §9): read-only pages and API, no models."""

    name = "bianmin.disclosure"
    label = "disclosure"
    verbose_name = _("信息公开")

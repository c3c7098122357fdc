from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "bianmin.core"
    label = "core"
    verbose_name = _("系统设置")  # the admin's section heading

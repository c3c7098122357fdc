"""The product's name, in one place: the header, the footer, page titles and the admin use it (the English
name is its translation in the message catalogue)."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

NAME = _("便民服务平台")

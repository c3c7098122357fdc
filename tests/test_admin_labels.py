"""The admin speaks the interface's language: every section and every table has a Chinese name (issue 15 §7)."""
import re

from django.contrib import admin
from django.utils import translation

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_admin_section_and_table_has_a_chinese_name():
    with translation.override("zh-hans"):
        english = [f"{m._meta.label}: {m._meta.app_config.verbose_name} / {m._meta.verbose_name_plural}"
                   for m in admin.site._registry
                   if not CJK.search(str(m._meta.verbose_name_plural))
                   or not CJK.search(str(m._meta.app_config.verbose_name))]
    assert not english, "\n".join(english)

"""The catalogue import page on a 375 px phone, in Chinese and in English: the form, the dry run's report and the
import's result never scroll sideways, and no card's label is drawn over its value (tests/browser/test_phone_layout.py
measures the same way)."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission

from bianmin.catalog.guides import publish_guide
from bianmin.catalog.models import Item
from tests.browser.signing_in import sign_in
from tests.browser.test_phone_layout import LABELS_OVER_VALUES, PHONE, WIDE
from tests.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)
DATA = Path(__file__).resolve().parents[1] / "data" / "catalogue"
# Chinese: the national CSV (new, changed, refused and a vague material); English: the provincial Excel.
RUNS = (("zh-hans", "gbt39046-2020", "national.csv"), ("en", "provincial-2023", "provincial.xlsx"))


def test_the_import_page_fits_a_phone(live_server, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    for item in Item.objects.all():
        publish_guide(item)
    editor = world.manager_a
    editor.is_staff = True
    editor.save()
    editor.user_permissions.add(*Permission.objects.filter(content_type__app_label="catalog",
                                                           codename__in=["add_item", "change_item"]))
    faults = []
    for language, profile, name in RUNS:
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15000)
        sign_in(page, live_server.url, editor.username)
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

        def measure(step, language=language, page=page):
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"] + 1:
                faults.append(f"{language} {step}: {width}px {page.evaluate(WIDE, PHONE['width'])}")
            if covered := page.evaluate(LABELS_OVER_VALUES):
                faults.append(f"{language} {step}: {covered}")

        page.goto(live_server.url + "/workbench/exchange/catalogue-import/")
        measure("form")
        page.select_option("#ci-profile", profile)
        page.set_input_files("#ci-file", str(DATA / name))
        page.click('[data-test="check"]')
        page.wait_for_selector('[data-test="report"]')
        measure("report")
        page.click('[data-test="apply"]')
        page.wait_for_selector('[data-test="import-result"]')
        measure("result")
        context.close()
    assert not faults, faults
    assert Item.objects.filter(code__in=["NEW-0001", "PX-0001"]).count() == 2

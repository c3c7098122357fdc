"""Under the strict CSP (no inline scripts), the handlers moved to static files still work, and no page the browser
tests do not already cover reports a CSP violation (issue 14, deployment)."""
from __future__ import annotations

import re

import pytest

from bianmin.catalog.guides import publish_guide
from bianmin.orgs.models import Membership
from bianmin.orgs.roles import Role
from tests.world import build_world

from .test_clerk_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def watch_csp(page) -> list[str]:
    refused: list[str] = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    return refused


def test_site_chooser_and_print_button_work_without_inline_scripts(live_server, page):
    world = build_world()
    publish_guide(world.item_committed)
    base = live_server.url
    refused = watch_csp(page)

    # A citizen's one-time notification: the print button prints.
    page.add_init_script("window.print = function () { window.__printed = true; };")
    page.goto(f"{base}/guides/{world.item_committed.code}/notice/")
    page.click("[data-print]")
    assert page.evaluate("window.__printed === true")

    # A manager of two sites: choosing the other site on the overview reloads the page for it.
    Membership.objects.create(user=world.manager_a, role=Role.MANAGER, unit=world.site_b.unit, site=world.site_b)
    sign_in(page, base, "manager_a")
    page.goto(f"{base}/workbench/site/")
    page.select_option("select[data-auto-submit]", str(world.site_b.pk))
    page.wait_for_url(re.compile(rf"site={world.site_b.pk}"))
    assert world.site_b.name in page.inner_text("h1")

    page.goto(f"{base}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info")
    assert refused == []

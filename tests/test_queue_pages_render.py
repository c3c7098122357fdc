"""The queue's public pages (issue 16 §4) open for anyone, in Chinese and in English, with no sign-in; a site that does
not exist is the bilingual 404 page, and the display's feed answers JSON errors."""
from __future__ import annotations

import pytest

from bianmin.orgs.models import Window

pytestmark = pytest.mark.django_db


def pages(site_id: int) -> list[str]:
    return [f"/hall/{site_id}/kiosk/", f"/hall/{site_id}/kiosk/?step=checkin", f"/hall/{site_id}/kiosk/?group=A",
            f"/hall/{site_id}/take/", f"/hall/{site_id}/display/"]


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_every_page_opens_for_an_anonymous_visitor_in_chinese(world, client_for):
    client = client_for(None)
    for url in pages(world.site_a.pk):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert '<html lang="zh-CN">' in html and world.site_a.name in html, url
        assert "<script>" not in html, url  # the CSP allows only the site's own script files
    kiosk = client.get(f"/hall/{world.site_a.pk}/kiosk/").content.decode()
    assert "请选择您要办理的业务" in kiosk and "已预约？点这里签到取号" in kiosk
    assert 'data-test="group-A"' in kiosk
    group = client.get(f"/hall/{world.site_a.pk}/kiosk/?group=A").content.decode()
    # The green lane choice and the items of the group, each a button that takes the ticket.
    for label in ("老年人", "残疾人", "孕妇", "军人"):
        assert label in group
    assert world.item_committed.name in group and f'value="{world.item_committed.pk}"' in group
    assert 'http-equiv="refresh"' in group  # a half-made choice goes back to the start by itself
    take = client.get(f"/hall/{world.site_a.pk}/take/").content.decode()
    assert "线上取号" in take and f'value="A:{world.item_committed.pk}"' in take
    display = client.get(f"/hall/{world.site_a.pk}/display/").content.decode()
    assert "正在呼叫" in display and "最近叫号" in display and "queueing/display.js" in display
    assert "1 号" in display and world.window_a.name in display  # window directions


def test_every_page_opens_in_english(world, client_for):
    client = english(client_for(None))
    for url in pages(world.site_a.pk):
        response = client.get(url)
        assert response.status_code == 200 and '<html lang="en">' in response.content.decode(), url
    assert "What have you come for?" in client.get(f"/hall/{world.site_a.pk}/kiosk/").content.decode()
    assert "Green lane" in client.get(f"/hall/{world.site_a.pk}/kiosk/?group=A").content.decode()
    assert "Take a number online" in client.get(f"/hall/{world.site_a.pk}/take/").content.decode()
    assert "Now calling" in client.get(f"/hall/{world.site_a.pk}/display/").content.decode()


@pytest.mark.parametrize("suffix", ["kiosk/", "take/", "display/"])
def test_a_site_that_does_not_exist_is_the_bilingual_404_page(world, client_for, suffix):
    response = client_for(None).get(f"/hall/999999/{suffix}")
    html = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in html and "Page not found" in html


def test_an_unknown_group_goes_back_to_the_start_with_a_404(world, client_for):
    response = client_for(None).get(f"/hall/{world.site_a.pk}/kiosk/?group=Z")
    assert response.status_code == 404 and "没有这个取号类别" in response.content.decode()


def test_a_site_without_windows_says_so_instead_of_showing_buttons(world, client_for):
    client = client_for(None)
    kiosk = client.get(f"/hall/{world.site_b.pk}/kiosk/").content.decode()
    assert "暂未开放取号" in kiosk and 'data-test="group-' not in kiosk
    assert "暂未开放线上取号" in client.get(f"/hall/{world.site_b.pk}/take/").content.decode()


def test_the_display_lists_every_window_in_hall_order(world, client_for):
    Window.objects.create(site=world.site_a, number="10", name="不动产窗口")
    Window.objects.create(site=world.site_a, number="2", name="社保窗口")
    html = client_for(None).get(f"/hall/{world.site_a.pk}/display/").content.decode()
    names = [html.index(world.window_a.name), html.index("社保窗口"), html.index("不动产窗口")]
    assert names == sorted(names)


def test_the_feed_answers_json_and_refuses_bad_input(world, client_for):
    client = client_for(None)
    feed = client.get(f"/hall/{world.site_a.pk}/display/feed")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/json")
    body = feed.json()
    assert {"last_id", "calls", "last_calls", "calling", "waiting", "next", "average_wait_minutes", "now"} <= set(body)
    assert body["calls"] == [] and body["last_id"] == 0 and body["next"] == []
    assert "no-cache" in feed["Cache-Control"] or "no-store" in feed["Cache-Control"]
    for bad in ("x", "-1", "1.5", "9" * 40, "١"):
        response = client.get(f"/hall/{world.site_a.pk}/display/feed", {"after": bad})
        assert response.status_code == 400, bad
        assert response.json()["message"] and response.json()["message_en"]
    missing = client.get("/hall/999999/display/feed")
    assert missing.status_code == 404 and missing.json()["message_en"] == "No such site."


def test_the_pages_take_no_other_methods(world, client_for):
    client = client_for(None)
    assert client.post(f"/hall/{world.site_a.pk}/display/").status_code == 405
    assert client.post(f"/hall/{world.site_a.pk}/display/feed").status_code == 405
    assert client.post("/hall/ticket/nothing/").status_code == 405


def test_the_guide_links_each_site_to_its_online_queue(world, client_for):
    from bianmin.catalog.guides import publish_guide

    publish_guide(world.item_committed)
    html = client_for(None).get(f"/guides/{world.item_committed.code}/").content.decode()
    assert f'href="/hall/{world.site_a.pk}/take/" data-test="take-link"' in html
    assert html.count('data-test="take-link"') == 1  # once per site, not once per window

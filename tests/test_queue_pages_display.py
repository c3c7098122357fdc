"""The hall display's feed (/hall/<site>/display/feed?after=<id>): the calls and recalls to announce after the
last one the screen has seen, oldest first, with the lists the screen redraws (issue 16 §4)."""
from __future__ import annotations

import datetime as dt

import pytest

from bianmin.queueing import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(world, set_now):
    set_now(dt.datetime(2026, 11, 23, 10, 0))
    tickets = [services.issue(world.site_a, item=world.item_committed) for _ in range(3)]
    return world, tickets


def feed(client, world, after=None) -> dict:
    params = {} if after is None else {"after": after}
    response = client.get(f"/hall/{world.site_a.pk}/display/feed", params)
    assert response.status_code == 200
    return response.json()


def test_the_feed_gives_each_call_once_after_the_last_seen(hall, client_for, set_now):
    world, tickets = hall
    client = client_for(None)
    before = feed(client, world)
    assert before["waiting"] == 3 and before["calls"] == [] and before["next"] == [t.number for t in tickets]
    first, _reason = services.call(world.clerk_a, world.window_a)
    body = feed(client, world, after=before["last_id"])
    assert [(c["number"], c["window_number"], c["recall"]) for c in body["calls"]] == [(first.number, "1", False)]
    assert body["calls"][0]["window_name"] == world.window_a.name and body["calls"][0]["time"] == "10:00"
    assert body["calling"] == [{"number": first.number, "window": "1"}]
    assert body["waiting"] == 2 and first.number not in body["next"]
    seen = body["last_id"]
    assert seen == body["calls"][0]["id"]
    assert feed(client, world, after=seen)["calls"] == []  # nothing new: nothing to announce twice
    # A recall (after the cool-down) is announced again, marked as a recall.
    set_now(dt.datetime(2026, 11, 23, 10, 2))
    services.act(world.clerk_a, first.pk, "recall")
    body = feed(client, world, after=seen)
    assert [(c["number"], c["recall"]) for c in body["calls"]] == [(first.number, True)]
    assert [c["number"] for c in body["last_calls"]] == [first.number, first.number]  # newest first
    assert body["last_calls"][0]["id"] > body["last_calls"][1]["id"]


def test_the_display_page_shows_the_current_call_and_starts_after_it(hall, client_for):
    world, _tickets = hall
    first, _reason = services.call(world.clerk_a, world.window_a)
    html = client_for(None).get(f"/hall/{world.site_a.pk}/display/").content.decode()
    last_id = feed(client_for(None), world)["last_id"]
    # The screen opens on the current state and announces only what comes after it.
    assert f'data-after="{last_id}"' in html and last_id > 0
    calling = html.split('data-test="calling"')[1].split("</ol>")[0]
    assert first.number in calling and "1 号窗口" in calling
    assert 'data-say="请 {number} 号到 {window} 号窗口办理"' in html

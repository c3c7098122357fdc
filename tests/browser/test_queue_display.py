"""The hall display on a 1920×1080 screen shows and announces a clerk's call and its recall (issue 16 §4).

The browser's speechSynthesis is replaced (add_init_script) by a recorder whose utterances take 0.4 s: the test
reads what was said, in which language, and that no utterance started before the previous one ended. Without a
Chinese voice the display falls back to the screen: the call flashes in the banner and the status line says so."""
from __future__ import annotations

import datetime as dt

import pytest

from bianmin.core import timeutil
from bianmin.queueing import services
from tests.browser.test_accessibility import findings
from tests.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

SCREEN = {"width": 1920, "height": 1080}
RECORDER = """
(() => {
  const spoken = window.__spoken = [];
  let speaking = false;
  window.__overlap = false;
  const synth = {
    getVoices: () => [{ lang: "zh-CN", name: "recorder", default: true, localService: true }],
    speak(u) {
      if (speaking) window.__overlap = true;
      speaking = true;
      const entry = { text: u.text, lang: u.lang, start: performance.now() };
      spoken.push(entry);
      setTimeout(() => { speaking = false; entry.end = performance.now(); if (u.onend) u.onend(new Event("end")); }, 400);
    },
    cancel() { speaking = false; }, pause() {}, resume() {},
    addEventListener() {}, removeEventListener() {},
    get speaking() { return speaking; },
  };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
})();
"""


def screen(browser, *, recorder: bool):
    ctx = browser.new_context(viewport=SCREEN, locale="zh-CN")
    if recorder:
        ctx.add_init_script(RECORDER)
    else:  # a browser without speech synthesis at all
        ctx.add_init_script("Object.defineProperty(window, 'speechSynthesis', {value: undefined, configurable: true});")
    page = ctx.new_page()
    page.set_default_timeout(20000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return ctx, page, errors


def test_a_call_and_its_recall_are_shown_and_announced_one_after_the_other(live_server, browser):
    world = build_world()
    ticket = services.issue(world.site_a, item=world.item_committed)
    services.issue(world.site_a, item=world.item_committed)
    ctx, page, errors = screen(browser, recorder=True)
    try:
        page.goto(f"{live_server.url}/hall/{world.site_a.pk}/display/")
        page.wait_for_selector("[data-test=speech-status][data-state=on]")
        assert page.evaluate("document.documentElement.scrollHeight") <= SCREEN["height"]
        services.call(world.clerk_a, world.window_a)
        services.act(world.clerk_a, ticket.pk, "recall", now=timeutil.now() + dt.timedelta(minutes=2))
        page.wait_for_function("() => window.__spoken.length >= 2 && window.__spoken[1].end !== undefined")
        spoken = page.evaluate("window.__spoken")
        sentence = f"请 {ticket.number} 号到 1 号窗口办理"
        assert [(s["text"], s["lang"]) for s in spoken] == [(sentence, "zh-CN")] * 2
        assert page.evaluate("window.__overlap") is False
        assert spoken[1]["start"] >= spoken[0]["end"]
        calling = page.locator("[data-test=calling]").inner_text()
        assert ticket.number in calling and "1 号窗口" in calling
        recent = page.locator("[data-test=recent]").inner_text()
        assert recent.count(ticket.number) == 2 and "重呼" in recent  # listed for the hard of hearing
        assert page.locator("[data-test=announce]").inner_text() == sentence
        assert findings(page) == []
        assert errors == []
    finally:
        ctx.close()


def test_without_a_voice_the_call_flashes_on_screen(live_server, browser):
    world = build_world()
    ticket = services.issue(world.site_a, item=world.item_committed)
    ctx, page, errors = screen(browser, recorder=False)
    try:
        page.goto(f"{live_server.url}/hall/{world.site_a.pk}/display/")
        page.wait_for_selector("[data-test=speech-status][data-state=off]")
        assert "仅屏幕显示" in page.locator("[data-test=speech-status]").inner_text()
        services.call(world.clerk_a, world.window_a)
        page.wait_for_selector("[data-test=announce].flash.strong")
        assert page.locator("[data-test=announce]").inner_text() == f"请 {ticket.number} 号到 1 号窗口办理"
        assert errors == []
    finally:
        ctx.close()

/* The hall display (/hall/<site>/display/): polls the JSON feed, redraws the lists and announces every new call and
   recall, one at a time.

   Announcements go through one queue: the next is spoken only after the previous utterance has ended (its "end" or
   "error" event, or a time-out for a voice that never reports), so two calls never talk over each other. Each call
   also flashes on screen with the same sentence; where the browser has no speech synthesis or no Chinese voice, or
   may not speak before someone touches the screen (autoplay rules), the flash is the announcement (screen only),
   held longer, and the status line says so. A call that reaches the screen long after it was made (the display was
   off or offline) is listed but not announced.

   A static file, not an inline script: the Content-Security-Policy refuses those (bianmin/core/middleware.py). */
(function () {
  "use strict";
  var root = document.getElementById("hall-display");
  if (!root || !window.fetch) { return; }
  var d = root.dataset;
  var feedUrl = d.feed;
  var after = parseInt(d.after, 10) || 0;
  var poll = Math.max(1, parseInt(d.poll, 10) || 3) * 1000;
  var MAX_AGE_MS = 2 * 60 * 1000;  // older calls are listed, not announced
  var SPOKEN_GAP_MS = 700;          // a breath between two announcements
  var FLASH_MS = 6000;              // screen-only: how long one call holds the banner
  var GUARD_MS = 20000;             // an utterance that never reports its end must not stop the queue
  var speech = (window.speechSynthesis && window.SpeechSynthesisUtterance) ? window.speechSynthesis : null;
  var voice = null;
  var state = speech ? "pending" : "off";  // pending | on | off | blocked
  var queue = [];
  var busy = false;
  var failures = 0;

  function field(name) { return document.querySelector('[data-field="' + name + '"]'); }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key] == null ? "" : String(values[key]); });
  }
  function windowNumber(w) {
    if (w == null) { return ""; }
    if (typeof w === "object") { return w.number != null ? String(w.number) : (w.name || ""); }
    return String(w);
  }
  function sentence(call) { return fill(d.say, { number: call.number, window: call.window_number }); }

  // ------------------------------------------------------------ voice
  function chineseVoice() {
    var voices = [];
    try { voices = speech.getVoices() || []; } catch (e) { voices = []; }
    var best = null;
    for (var i = 0; i < voices.length; i++) {
      var lang = String(voices[i].lang || "").replace("_", "-").toLowerCase();
      if (lang === "zh-cn" || lang === "zh-hans-cn") { return voices[i]; }
      if (!best && lang.indexOf("zh") === 0 && lang !== "zh-hk" && lang !== "zh-tw") { best = voices[i]; }
    }
    return best;
  }
  function setState(next) {
    state = next;
    var status = field("speech-status");
    var text = { on: d.textOn, off: d.textOff, blocked: d.textBlocked }[next];
    if (status && text) { status.textContent = text; }
    if (status) { status.setAttribute("data-state", next); }
    var button = field("voice-on");
    if (button) { button.hidden = next !== "blocked"; }
  }
  function lookForVoice() {
    voice = chineseVoice();
    if (voice) { setState("on"); return true; }
    return false;
  }
  if (speech) {
    if (!lookForVoice()) {
      // Voices often load a moment after the page; give them a few seconds before settling for the screen only.
      if (speech.addEventListener) {
        speech.addEventListener("voiceschanged", function () { if (state === "pending") { lookForVoice(); } });
      }
      setTimeout(function () { if (state === "pending" && !lookForVoice()) { setState("off"); } }, 3000);
    }
  } else {
    setState("off");
  }
  var voiceButton = field("voice-on");
  if (voiceButton) {
    voiceButton.addEventListener("click", function () {  // a touch gives the page the right to speak
      if (!lookForVoice()) { setState("off"); }
    });
  }

  // ------------------------------------------------------------ the announcement queue
  function flash(call, text, screenOnly) {
    var banner = field("announce");
    if (!banner) { return; }
    banner.textContent = text;
    banner.classList.remove("flash", "strong");
    void banner.offsetWidth;  // restart the animation for a repeated number
    banner.classList.add("flash");
    if (screenOnly) { banner.classList.add("strong"); }
    document.querySelectorAll('[data-field="calling"] li').forEach(function (li) {
      li.classList.toggle("fresh", li.getAttribute("data-number") === call.number);
    });
  }

  function done() {
    busy = false;
    announceNext();
  }

  function announceNext() {
    if (busy || !queue.length) { return; }
    busy = true;
    var call = queue.shift();
    var text = sentence(call);
    if (state !== "on") {
      flash(call, text, true);
      setTimeout(done, FLASH_MS);
      return;
    }
    flash(call, text, false);
    var finished = false;
    var guard = null;
    function finish(event) {
      if (finished) { return; }
      finished = true;
      clearTimeout(guard);
      if (event && event.error === "not-allowed") { setState("blocked"); }
      setTimeout(done, SPOKEN_GAP_MS);
    }
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = d.lang || "zh-CN";
    utterance.rate = 0.9;
    try { if (voice) { utterance.voice = voice; } } catch (e) { /* a voice object the browser does not accept */ }
    utterance.onend = finish;
    utterance.onerror = finish;
    guard = setTimeout(function () {
      try { speech.cancel(); } catch (e) { /* nothing left to stop */ }
      finish();
    }, GUARD_MS);
    try { speech.speak(utterance); } catch (e) { setState("off"); finish(); }
  }

  // ------------------------------------------------------------ the lists
  function item(parts, attrs) {
    var li = document.createElement("li");
    parts.forEach(function (p) {
      var span = document.createElement("span");
      if (p[0]) { span.className = p[0]; }
      if (p[2]) { span.setAttribute("aria-hidden", "true"); }
      span.textContent = p[1];
      li.appendChild(span);
      li.appendChild(document.createTextNode(" "));
    });
    Object.keys(attrs || {}).forEach(function (k) { li.setAttribute(k, attrs[k]); });
    return li;
  }
  function replace(name, items) {
    var list = field(name);
    if (!list) { return; }
    while (list.firstChild) { list.removeChild(list.firstChild); }
    items.forEach(function (li) { list.appendChild(li); });
  }
  function redraw(feed) {
    replace("calling", (feed.calling || []).map(function (c) {
      return item([["num", c.number], ["arrow", "→", true], ["win", fill(d.textWindow, { window: windowNumber(c.window) })]],
                  { "data-number": c.number });
    }));
    replace("next", (feed.next || []).map(function (n) { return item([["", n]]); }));
    replace("recent", (feed.last_calls || []).map(function (c) {
      var parts = [["time", c.time || ""], ["num", c.number], ["arrow", "→", true],
                   ["win", fill(d.textWindow, { window: c.window_number })]];
      if (c.recall) { parts.push(["recall", d.textRecall]); }
      return item(parts);
    }));
    var waiting = field("waiting");
    if (waiting) { waiting.textContent = feed.waiting == null ? "" : feed.waiting; }
    var average = field("average");
    if (average) {
      average.hidden = feed.average_wait_minutes == null;
      var value = field("average-value");
      if (value) { value.textContent = feed.average_wait_minutes == null ? "" : feed.average_wait_minutes; }
    }
  }

  // ------------------------------------------------------------ polling
  function offline(on) {
    var status = field("speech-status");
    if (!status) { return; }
    if (on) { status.textContent = d.textOffline; status.setAttribute("data-offline", "1"); }
    else if (status.getAttribute("data-offline")) { status.removeAttribute("data-offline"); setState(state); }
  }

  function take(feed) {
    if (typeof feed.last_id === "number" && feed.last_id < after) { after = feed.last_id; }  // numbering began again
    var now = Date.parse(feed.now) || Date.now();
    (feed.calls || []).forEach(function (call) {
      if (call.id <= after) { return; }
      after = call.id;
      var at = Date.parse(call.at);
      if (isNaN(at) || now - at <= MAX_AGE_MS) { queue.push(call); }
    });
    redraw(feed);
    announceNext();
  }

  function tick() {
    fetch(feedUrl + "?after=" + encodeURIComponent(after), { headers: { Accept: "application/json" }, credentials: "omit" })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (feed) { failures = 0; offline(false); take(feed); })
      .catch(function () { failures += 1; offline(true); })
      .then(function () { setTimeout(tick, poll * Math.min(1 + failures, 10)); });
  }

  function clock() {
    var el = field("clock");
    if (el) {
      var now = new Date();
      el.textContent = (now.getHours() < 10 ? "0" : "") + now.getHours() + ":" + (now.getMinutes() < 10 ? "0" : "") + now.getMinutes();
    }
  }
  setInterval(clock, 10000);
  window.hallDisplay = { queue: queue, state: function () { return state; } };  // for the browser tests and the curious
  tick();
})();

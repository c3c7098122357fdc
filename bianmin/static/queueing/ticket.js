/* The phone ticket page (/hall/ticket/<token>/): follow the ticket's place in the queue live.
   Polls the public API GET /api/v1/queue/tickets/{token} every data-poll seconds and rewrites the parts marked
   data-field; when the ticket is called it shows "请到 N 号窗口" in large type and vibrates once where phones can.
   A static file, not an inline script: the Content-Security-Policy refuses those (bianmin/core/middleware.py). Without
   scripts the page reloads itself (a <noscript> meta refresh) and has a refresh link. */
(function () {
  "use strict";
  var box = document.querySelector("[data-api]");
  if (!box || !window.fetch) { return; }
  var texts = document.getElementById("ticket-texts");
  var labelsNode = document.getElementById("ticket-status-labels");
  var labels = labelsNode ? JSON.parse(labelsNode.textContent) : {};
  var poll = Math.max(3, parseInt(box.getAttribute("data-poll"), 10) || 10) * 1000;
  var LIVE = { waiting: true, called: true, serving: true, parked: true };
  var wasCalled = box.classList.contains("is-called");
  var timer = null;

  function field(name) { return box.querySelector('[data-field="' + name + '"]'); }
  function show(name, on) { var el = field(name); if (el) { el.hidden = !on; } }
  function text(name, value) { var el = field(name); if (el) { el.textContent = value; } }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key] == null ? "" : values[key]; });
  }
  function windowNumber(w) {
    if (w == null || w === "") { return ""; }
    if (typeof w === "object") { return w.number != null ? w.number : (w.name || ""); }
    return String(w);
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function render(t) {
    var called = t.status === "called" || t.status === "serving";
    var waiting = t.status === "waiting";
    text("status", labels[t.status] || t.status || "");
    text("ahead", t.ahead == null ? "" : t.ahead);
    show("ahead-line", waiting && t.ahead != null);
    if (t.estimate_high != null && texts) {
      var range = { low: t.estimate_low, high: t.estimate_high };
      text("estimate", t.estimate_high === 0 ? texts.getAttribute("data-estimate-now")
        : fill(texts.getAttribute(t.estimate_low ? "data-estimate-template" : "data-estimate-within"), range));
      show("estimate", waiting);
    }
    if (!waiting) { show("estimate", false); }
    var win = windowNumber(t.window);
    if (called && win && texts) { text("called", fill(texts.getAttribute("data-called-template"), { window: win })); }
    show("called", called && !!win);
    box.classList.toggle("is-called", called);
    if (called && !wasCalled && navigator.vibrate) { navigator.vibrate([300, 150, 300]); }
    wasCalled = called;
    var now = new Date();
    text("updated", pad(now.getHours()) + ":" + pad(now.getMinutes()) + ":" + pad(now.getSeconds()));
    return !!LIVE[t.status];
  }

  function tick() {
    fetch(box.getAttribute("data-api"), { headers: { Accept: "application/json" }, credentials: "omit" })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (t) { if (render(t)) { timer = setTimeout(tick, poll); } })
      .catch(function () { timer = setTimeout(tick, poll * 2); });  // a dropped connection: try again, more slowly
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { clearTimeout(timer); tick(); }
  });
  timer = setTimeout(tick, poll);
})();

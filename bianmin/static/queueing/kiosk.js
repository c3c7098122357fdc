/* The kiosk (取号机).
   - A button pressed twice by a shaky finger must not take two tickets: once a form is sent, a second submit is
     refused and its buttons are disabled (after the browser has read the pressed button's value).
   - A screen left alone goes back to the start (<body data-idle="seconds" data-idle-to="address">); the pause
     counts from the last touch or key, so nobody is sent away while still choosing. Without scripts a <noscript>
     refresh does the same, counted from the page's load.
   A static file: the Content-Security-Policy refuses inline scripts. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-kiosk-form]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (form.getAttribute("data-sent")) { e.preventDefault(); return; }
      form.setAttribute("data-sent", "1");
      setTimeout(function () {
        form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });

  var body = document.body;
  var seconds = parseInt(body.getAttribute("data-idle"), 10);
  var target = body.getAttribute("data-idle-to");
  if (!seconds || !target) { return; }
  var timer = null;
  function restart() {
    clearTimeout(timer);
    timer = setTimeout(function () { window.location.replace(target); }, seconds * 1000);
  }
  ["pointerdown", "keydown", "input", "scroll"].forEach(function (name) {
    window.addEventListener(name, restart, { passive: true, capture: true });
  });
  restart();
})();

// Reloads a live board (e.g. the hall board) every data-refresh-seconds of its <body>/<main> element, but not
// while the person is typing in one of its forms. A script instead of <meta http-equiv="refresh">: a timed meta
// refresh is an axe "critical" finding (WCAG 2.2.1, people who need more time lose their place).
(function () {
  var holder = document.querySelector("[data-refresh-seconds]");
  if (!holder) return;
  var seconds = parseInt(holder.getAttribute("data-refresh-seconds"), 10);
  if (!(seconds > 0)) return;
  setInterval(function () {
    var active = document.activeElement;
    if (active && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName)) return;
    window.location.reload();
  }, seconds * 1000);
})();

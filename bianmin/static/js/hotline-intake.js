/* The intake page works without this script; it only makes the form quicker to fill during a call:
   - filters the category select as the agent types a name, keyword or pinyin (initials);
   - shows the respondent's rank only for efficiency complaints, and the answer only when answered at once;
   - highlights the standard phrases of the step the agent is at (the part of the form with the focus). */
(function () {
  "use strict";
  var form = document.querySelector("[data-test=intake-form]");
  if (!form) return;
  document.documentElement.classList.add("js");

  var select = document.getElementById("category");
  var filter = document.getElementById("category-filter");
  var rankBox = form.querySelector(".efficiency-only");
  var answered = document.getElementById("answered_at_intake");
  var answerBox = form.querySelector(".answer-only");

  function chosen() { return select.options[select.selectedIndex]; }

  function syncRank() {
    var opt = chosen();
    rankBox.hidden = !(opt && opt.dataset.efficiency === "1");
  }

  function syncAnswer() {
    answerBox.hidden = !answered.checked;
    document.getElementById("answer").required = answered.checked;
    showStep(answered.checked ? "closing" : "dispatch");
  }

  function showStep(step) {
    var panels = document.querySelectorAll(".phrase-step");
    var found = false;
    panels.forEach(function (p) { if (p.dataset.step === step) found = true; });
    if (!found) return;
    panels.forEach(function (p) { p.classList.toggle("current", p.dataset.step === step); });
  }

  if (filter) {
    filter.hidden = false;
    filter.addEventListener("input", function () {
      var words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var first = null;
      Array.prototype.forEach.call(select.querySelectorAll("option[data-search]"), function (opt) {
        var hay = (opt.dataset.search + " " + opt.textContent).toLowerCase();
        var hit = words.every(function (w) { return hay.indexOf(w) !== -1; });
        opt.hidden = !hit;
        if (hit && !first) first = opt;
      });
      if (words.length && first && (!chosen() || chosen().hidden || !chosen().value)) {
        first.selected = true;
        syncRank();
      }
    });
    // Enter in the filter moves on to the select instead of submitting a half-filled form.
    filter.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); select.focus(); }
    });
  }
  select.addEventListener("change", syncRank);
  answered.addEventListener("change", syncAnswer);
  // The phrases follow the part of the form the agent works in. The caller's name field has the focus when the
  // form opens (autofocus), and the browser may give it that focus before or after this script runs: a focus
  // nobody asked for must not skip the opening phrase, so the steps follow focus only once the agent has pressed a
  // key or the pointer, and follow typing always.
  var engaged = false;
  function engage() { engaged = true; }
  form.addEventListener("keydown", engage, true);
  form.addEventListener("pointerdown", engage, true);
  function follow(e) {
    var box = e.target.closest("[data-step]");
    if (!box) return;
    var step = box.dataset.step;
    if (step === "dispatch" && answered.checked) step = "closing";
    showStep(step);
  }
  form.addEventListener("focusin", function (e) { if (engaged) follow(e); });
  form.addEventListener("input", follow);
  syncRank();
  answerBox.hidden = !answered.checked;
  document.getElementById("answer").required = answered.checked;
})();

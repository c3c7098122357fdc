// The tablet signature of the 办结签收 form: draw on the canvas with a finger, pen or mouse; the drawing is sent as a
// PNG data URL in the hidden "signature" field. A static file, because the CSP runs no inline script.
(function () {
  "use strict";

  function setUp(form) {
    var canvas = form.querySelector("[data-signature-pad]");
    var value = form.querySelector("[data-signature-value]");
    if (!canvas || !value) { return; }
    var ctx = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    ctx.lineWidth = 3;
    ctx.lineCap = "round";
    ctx.strokeStyle = "#000";

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return { x: (event.clientX - box.left) * canvas.width / box.width,
               y: (event.clientY - box.top) * canvas.height / box.height };
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      var p = point(event);
      ctx.beginPath();
      ctx.moveTo(p.x, p.y);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      var p = point(event);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      drawn = true;
      event.preventDefault();
    });
    function stop() { drawing = false; }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);

    var clear = form.querySelector("[data-signature-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        drawn = false;
        value.value = "";
      });
    }
    form.addEventListener("submit", function () {
      value.value = drawn ? canvas.toDataURL("image/png") : "";
    });

    // Show the fields of the chosen method only (the tablet pad, the mail receipt number).
    var radios = form.querySelectorAll("[data-method]");
    function sync() {
      var chosen = form.querySelector("[data-method]:checked");
      form.querySelectorAll("[data-when-method]").forEach(function (part) {
        part.hidden = !chosen || part.getAttribute("data-when-method") !== chosen.value;
      });
    }
    radios.forEach(function (r) { r.addEventListener("change", sync); });
    sync();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-signature-form]").forEach(setUp);
  });
})();

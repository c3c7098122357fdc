/* Print sheets: the toolbar's button prints the page. An external file, not an onclick attribute, so the
   Content-Security-Policy can refuse every inline script (bianmin/core/middleware.py). */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();

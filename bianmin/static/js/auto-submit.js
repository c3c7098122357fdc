/* A select marked data-auto-submit submits its form when the choice changes (the workbench's site chooser).
   An external file, not an onchange attribute, so the Content-Security-Policy can refuse every inline script. */
(function () {
  "use strict";
  document.querySelectorAll("select[data-auto-submit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();

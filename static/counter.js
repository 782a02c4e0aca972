/* KERAPU: live character counters for textareas that name one in
   data-counter (macro counted_text). Without JavaScript the maxlength
   attribute still holds the limit. */
(function () {
  "use strict";
  function update(area) {
    var out = document.getElementById(area.getAttribute("data-counter"));
    if (!out || area.maxLength < 0) return;
    var left = area.maxLength - area.value.length;
    out.textContent = out.getAttribute("data-template")
      .replace("{left}", String(Math.max(left, 0)))
      .replace("{max}", String(area.maxLength));
    out.hidden = false;
  }
  function all() {
    document.querySelectorAll("textarea[data-counter]").forEach(update);
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-counter]")) {
      update(event.target);
    }
  });
  document.addEventListener("DOMContentLoaded", all);
  document.addEventListener("htmx:after:swap", all);
})();

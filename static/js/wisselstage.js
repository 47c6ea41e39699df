// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Move focus to an error summary so screen-reader users hear what went wrong.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  // A table box that scrolls sideways (narrow screens) must be reachable with the keyboard
  // (WCAG 2.1.1): make it a named, focusable region only while it actually scrolls.
  function markScrollingTables() {
    var boxes = document.querySelectorAll(".table-responsive");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (box.scrollWidth > box.clientWidth) {
        if (!box.hasAttribute("tabindex")) {
          var caption = box.querySelector("caption");
          var name = caption ? caption.textContent.replace(/\s+/g, " ").trim() : "";
          box.setAttribute("tabindex", "0");
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", name || "Tabel");
          box.setAttribute("data-scroll-region", "");
        }
      } else if (box.hasAttribute("data-scroll-region")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        box.removeAttribute("data-scroll-region");
      }
    }
  }
  markScrollingTables();
  window.addEventListener("resize", markScrollingTables);

  // A print button ([data-print], rendered hidden) needs this script; without it the page
  // shows its keyboard hint ([data-print-hint]) instead.
  if (typeof window.print === "function") {
    var printButtons = document.querySelectorAll("[data-print]");
    for (var b = 0; b < printButtons.length; b++) {
      printButtons[b].hidden = false;
      printButtons[b].addEventListener("click", function () {
        window.print();
      });
    }
    var hints = printButtons.length ? document.querySelectorAll("[data-print-hint]") : [];
    for (var h = 0; h < hints.length; h++) {
      hints[h].hidden = true;
    }
  }
})();

// The roster pages' "Print" button (templates/rosters/partials/print_actions.html): hidden without
// JavaScript, where the browser's own print command and the PDF link remain; here it opens the print dialog.
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();

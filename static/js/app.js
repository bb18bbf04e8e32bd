// Small behaviours on top of htmx. No inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";

  // Move focus to a form's error summary, as GOV.UK forms do: keyboard and screen-reader users
  // land on the list of problems, whose links lead to each field.
  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", focusErrorSummary);
  document.addEventListener("htmx:afterSettle", focusErrorSummary);
})();

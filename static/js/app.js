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

  // A certificate's QR code carries its signature after "#", which browsers never send to a server.
  // When present, post it so the server can check it and show the holder's full name.
  function revealHolder() {
    var form = document.getElementById("certificate-holder-check");
    if (!form || location.hash.length < 2 || !window.htmx) {
      return;
    }
    document.querySelectorAll("a[data-keep-hash]").forEach(function (link) {
      link.href = link.getAttribute("href") + location.hash;
    });
    form.querySelector("input[name=token]").value = decodeURIComponent(location.hash.slice(1));
    htmx.trigger(form, "submit");
  }

  document.addEventListener("DOMContentLoaded", focusErrorSummary);
  document.addEventListener("DOMContentLoaded", revealHolder);
  document.addEventListener("htmx:afterSettle", focusErrorSummary);
})();

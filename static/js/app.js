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

  // The phone menu (GOV.UK's header): without JavaScript the list simply shows under the header; with it,
  // a "Menu" button (a disclosure: aria-expanded, aria-controls) folds the list away on narrow screens.
  function setUpMenu() {
    document.querySelectorAll("[data-module=nav]").forEach(function (nav) {
      var button = nav.querySelector("button[aria-controls]");
      var list = button && document.getElementById(button.getAttribute("aria-controls"));
      if (!list) {
        return;
      }
      nav.classList.add("nav--js");
      button.hidden = false;
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        button.setAttribute("aria-expanded", String(open));
        list.classList.toggle("nav__list--open", open);
      });
    });
  }

  // Reports: choosing a campaign puts its first and last day in the date boxes at once (the server does
  // the same when the form is sent without JavaScript), so a past season never shows empty figures.
  function followCampaignDates(event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-campaign-dates]")) {
      return;
    }
    var form = select.form;
    var dates = JSON.parse(select.getAttribute("data-campaign-dates") || "{}")[select.value];
    var start = form.querySelector("input[name=start]:not([type=hidden])");
    var end = form.querySelector("input[name=end]");
    var owner = form.querySelector("input[name=dates_for]");
    if (!dates || !start || !end || !owner) {
      return;
    }
    start.value = dates[0];
    end.value = dates[1];
    owner.value = select.value;
  }

  // A panel swapped in place of the button that asked for it (a confirmation) takes the focus, so
  // keyboard and screen-reader users are not left on a button that no longer exists.
  function focusSwappedPanel(event) {
    var target = event.detail && event.detail.elt;
    var heading = target && target.querySelector && target.querySelector("[data-focus-after-swap]");
    if (heading) {
      heading.focus();
    }
  }

  // htmx puts the focus back on the control with the same id after a swap, but only when the focus
  // was still on it as the answer came; a confirm() dialog can leave the focus on the page itself (or
  // hand it back to the old control a moment after the swap removed it), and a keyboard user would then
  // start again from the top. Remember, per request, the control that asked, and put the focus back on
  // its successor when nothing else holds it: after the swap, and again once the page has settled.
  var actors = new WeakMap();
  function rememberActor(event) {
    var elt = event.detail && event.detail.elt;
    if (event.detail && event.detail.xhr && elt && elt.id) {
      actors.set(event.detail.xhr, elt.id);
    }
  }
  function restoreActor(event) {
    var id = event.detail && event.detail.xhr && actors.get(event.detail.xhr);
    var again = id && document.getElementById(id);
    var active = document.activeElement;
    if (again && (!active || active === document.body)) {
      again.focus({preventScroll: true});
    }
  }

  document.addEventListener("change", followCampaignDates);
  document.addEventListener("htmx:beforeRequest", rememberActor);
  document.addEventListener("htmx:afterSwap", restoreActor);
  document.addEventListener("htmx:afterSettle", restoreActor);
  document.addEventListener("htmx:afterSettle", focusSwappedPanel);
  document.addEventListener("DOMContentLoaded", setUpMenu);
  document.addEventListener("DOMContentLoaded", focusErrorSummary);
  document.addEventListener("DOMContentLoaded", revealHolder);
  document.addEventListener("htmx:afterSettle", focusErrorSummary);
})();

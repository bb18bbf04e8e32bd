// The portal's service worker (served at /sw.js so its scope is the whole site). It caches nothing: every
// page holds personal data. It shows Web Push notices and opens the notice's link when one is tapped.
/* eslint-env serviceworker */
"use strict";

var FALLBACK_URL = "/notices";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

// The payload is the JSON PushChannel sends: {title, body, url}.
self.addEventListener("push", function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {body: event.data ? event.data.text() : ""};
  }
  var shown = self.registration.showNotification(data.title || "Đồng hành", {
    body: data.body || "",
    icon: "/static/img/icon-192.png",
    badge: "/static/img/icon-badge.png",
    lang: "vi",
    data: {url: data.url || FALLBACK_URL}
  });
  // Open tabs refresh their unread badge (static/js/push.js turns this into the notices-changed event).
  var told = self.clients.matchAll({type: "window"}).then(function (tabs) {
    tabs.forEach(function (tab) { tab.postMessage({type: "notices-changed"}); });
  });
  event.waitUntil(Promise.all([shown, told]));
});

// Tapping the notice focuses a tab already on its page, else turns an open tab there, else opens one.
// Only addresses of this site are opened.
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var wanted = new URL((event.notification.data && event.notification.data.url) || FALLBACK_URL, self.location.origin);
  if (wanted.origin !== self.location.origin) {
    wanted = new URL(FALLBACK_URL, self.location.origin);
  }
  event.waitUntil(self.clients.matchAll({type: "window", includeUncontrolled: true}).then(function (tabs) {
    var same = tabs.filter(function (tab) { return tab.url === wanted.href; })[0];
    if (same) {
      return same.focus();
    }
    var ours = tabs.filter(function (tab) { return tab.url.indexOf(self.location.origin) === 0 && tab.navigate; })[0];
    if (ours) {
      return ours.focus().then(function (tab) { return tab.navigate(wanted.href); });
    }
    return self.clients.openWindow(wanted.href);
  }));
});

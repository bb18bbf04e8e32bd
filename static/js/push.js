// Web Push in the browser: registers the service worker (/sw.js), turns the notices-changed message it
// posts into an htmx event (the unread badge listens), and runs the "Turn on phone notifications on this
// device" panel of the notification choices page (#push-setup). No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function sha256Hex(text) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (digest) {
      return Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
    });
  }

  // Show one state's paragraph and the button that fits it; `failed` adds the error line.
  function show(panel, state, failed) {
    panel.querySelectorAll("[data-push-state]").forEach(function (p) {
      var name = p.getAttribute("data-push-state");
      p.hidden = !(name === state || (failed && name === "failed"));
    });
    panel.querySelectorAll("[data-push-when]").forEach(function (wrapper) {
      wrapper.hidden = wrapper.getAttribute("data-push-when") !== state;
    });
  }

  function registration() {
    return navigator.serviceWorker.register("/sw.js", {scope: "/"}).then(function () {
      return navigator.serviceWorker.ready;
    });
  }

  // The device list comes back from the server: swap it in, and let htmx wire its buttons.
  function replaceDevices(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.querySelector("#push-devices");
    var old = document.getElementById("push-devices");
    if (fresh && old) {
      old.replaceWith(fresh);
      if (window.htmx) {
        htmx.process(fresh);
      }
    }
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": "text/html"}
    }).then(function (response) {
      return response.text().then(function (html) {
        replaceDevices(html);
        return response.ok;
      });
    });
  }

  // On when this browser has a subscription the portal lists among the person's devices.
  function refresh(panel) {
    if (!supported) {
      return show(panel, "unsupported");
    }
    if (Notification.permission === "denied") {
      return show(panel, "denied");
    }
    navigator.serviceWorker.getRegistration("/").then(function (reg) {
      return reg ? reg.pushManager.getSubscription() : null;
    }).then(function (sub) {
      if (!sub) {
        return show(panel, "off");
      }
      return sha256Hex(sub.endpoint).then(function (hash) {
        show(panel, document.querySelector("[data-endpoint-hash='" + hash + "']") ? "on" : "off");
      });
    }).catch(function () {
      show(panel, "off");
    });
  }

  function subscribe(panel, button) {
    var key = keyBytes(panel.getAttribute("data-vapid-key"));
    button.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        throw new Error(permission);
      }
      return registration();
    }).then(function (reg) {
      return reg.pushManager.getSubscription().then(function (old) {
        // A subscription made with another key (the operator changed it) cannot be reused.
        var same = old && old.options && old.options.applicationServerKey &&
          new Uint8Array(old.options.applicationServerKey).join() === key.join();
        if (old && !same) {
          return old.unsubscribe().then(function () { return null; });
        }
        return old;
      }).then(function (old) {
        return old || reg.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: key});
      });
    }).then(function (sub) {
      return post(panel.getAttribute("data-subscribe-url"), sub.toJSON());
    }).then(function (ok) {
      button.disabled = false;
      return ok ? refresh(panel) : show(panel, "off", true);
    }).catch(function () {
      button.disabled = false;
      return Notification.permission === "denied" ? show(panel, "denied") : show(panel, "off", true);
    });
  }

  function unsubscribe(panel, button) {
    button.disabled = true;
    navigator.serviceWorker.getRegistration("/").then(function (reg) {
      return reg ? reg.pushManager.getSubscription() : null;
    }).then(function (sub) {
      if (!sub) {
        return true;
      }
      var endpoint = sub.endpoint;
      return sub.unsubscribe().then(function () {
        return post(panel.getAttribute("data-unsubscribe-url"), {endpoint: endpoint});
      });
    }).then(function () {
      button.disabled = false;
      show(panel, "off");
    }).catch(function () {
      button.disabled = false;
      show(panel, "on", true);
    });
  }

  function setUpPanel() {
    var panel = document.getElementById("push-setup");
    if (!panel) {
      return;
    }
    panel.querySelector("[data-push-action=subscribe]").addEventListener("click", function (event) {
      subscribe(panel, event.currentTarget);
    });
    panel.querySelector("[data-push-action=unsubscribe]").addEventListener("click", function (event) {
      unsubscribe(panel, event.currentTarget);
    });
    // Removing this very device from the list turns the panel back to "off".
    document.body.addEventListener("htmx:afterSwap", function () {
      refresh(panel);
    });
    refresh(panel);
  }

  function listenToServiceWorker() {
    if (!("serviceWorker" in navigator)) {
      return;
    }
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "notices-changed" && window.htmx) {
        htmx.trigger(document.body, "notices-changed");
      }
    });
    // Installing the portal as an app needs the worker; it caches nothing, so registering is cheap.
    if (document.getElementById("notices-badge")) {  // signed in
      navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});
    }
  }

  document.addEventListener("DOMContentLoaded", setUpPanel);
  document.addEventListener("DOMContentLoaded", listenToServiceWorker);
}());

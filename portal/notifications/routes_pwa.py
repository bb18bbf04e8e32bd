"""What a phone needs to install the portal as an app: the web app manifest and the service worker."""
from __future__ import annotations

from flask import current_app, jsonify, send_from_directory, url_for
from flask_babel import gettext as _

from portal import access
from portal.notifications import bp

THEME = "#0a2a52"  # --blue-900 of static/css/app.css, the masthead's colour


@bp.route("/manifest.webmanifest")
@access.public
def manifest():
    """The web app manifest: name, icons, start page, standalone display and the masthead's colour."""
    icons = [{"src": url_for("static", filename=f"img/{name}.png"), "sizes": size, "type": "image/png",
              "purpose": purpose} for name, size, purpose in (("icon-192", "192x192", "any"),
                                                              ("icon-512", "512x512", "any"),
                                                              ("icon-maskable-512", "512x512", "maskable"))]
    response = jsonify(name=_("Đồng hành"), short_name=_("Đồng hành"), id="/", start_url="/", scope="/",
                       display="standalone", background_color="#ffffff", theme_color=THEME, icons=icons,
                       description=_("Youth alongside public administration"))
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/sw.js")
@access.public
def service_worker():
    """The service worker, served from the root so its scope covers the whole portal."""
    response = send_from_directory(current_app.static_folder, "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"  # a new version reaches phones on their next visit
    return response

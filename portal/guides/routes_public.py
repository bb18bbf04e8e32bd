"""The public guide pages citizens open from a poster's QR code: no account, no cookie, no JavaScript.

`/g/<slug>/<point code>` is the one GET in the portal that writes: it adds one to the anonymous count of that
guide's scans at that point today (guides.scans); nothing about the visitor is kept."""
from __future__ import annotations

from flask import Response, abort, current_app, make_response, render_template, request, url_for
from flask_babel import force_locale
from sqlalchemy import select

from portal import access
from portal.core import clock
from portal.extensions import db, limiter
from portal.guides import bp, point_services, render, scans
from portal.guides.models import Guide, GuideImage, point_code


def _limit():
    """The public guide pages' shared rate limit per address, from the settings."""
    return current_app.config["RATELIMIT_GUIDES"]


def _asked_lang(guide: Guide | None = None) -> str:
    """English only when asked for with ?lang=en (and the guide has it); Vietnamese otherwise. No cookie."""
    return "en" if request.args.get("lang") == "en" and (guide is None or guide.has_english) else "vi"


def _page(template: str, lang: str, status: int = 200, **context) -> Response:
    """A public page in `lang`, whatever the visitor's session says, under the campaign's name."""
    with force_locale(lang):
        html = render_template(template, page_lang=lang, campaign=point_services.current_campaign(), **context)
    response = make_response(html, status)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _guide_or_abort(slug: str) -> Guide:
    """A published guide; a retired one answers 410 with a kind page, anything else 404."""
    guide = db.session.scalar(select(Guide).where(Guide.slug == slug[:80]))
    if guide is None or guide.status not in ("published", "retired"):
        abort(404)
    if guide.status == "retired":
        abort(_page("guides/public_gone.html", _asked_lang(), 410, guide=guide))
    return guide


def _show(guide: Guide, point, code: str | None) -> Response:
    """The guide's page, with the point's name and opening hours when opened from its QR code."""
    lang = _asked_lang(guide)
    body = render.body_html(guide, lang, lambda image: url_for("guides.public_image", slug=guide.slug,
                                                               image_id=image.id))
    return _page("guides/public_guide.html", lang, guide=guide, point=point, code=code, body=body,
                 links=render.official_links(guide.text("body", lang)))


@bp.route("/g/")
@access.public
@limiter.shared_limit(_limit, scope="guides")
def public_index():
    """The published guides, for anyone."""
    response = _page("guides/public_index.html", _asked_lang(), guides=point_services.published())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/g/<slug>")
@access.public
@limiter.shared_limit(_limit, scope="guides")
def public_guide(slug):
    """A published guide, for anyone; counts nothing (volunteers open guides here)."""
    response = _show(_guide_or_abort(slug), None, None)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/g/<slug>/<code>")
@access.public
@limiter.shared_limit(_limit, scope="guides")
def public_point_guide(slug, code):
    """A guide opened from a point's QR code: one more scan for the point today, then the guide with the point's
    name and hours. An unknown or closed point still shows the guide and counts nothing."""
    guide, point = _guide_or_abort(slug), scans.point_for_code(code)
    if point is not None and scans.is_a_visit(request.method, request.headers, request.args):
        scans.count(guide.id, point.id, clock.local_today())
    response = _show(guide, point, point_code(point) if point is not None else None)
    response.headers["Cache-Control"] = "no-store"  # every scan reaches the count
    response.headers["X-Robots-Tag"] = "noindex"  # no crawler counts as a citizen
    return response


@bp.route("/g/<slug>/img/<int:image_id>")
@access.public
@limiter.limit(_limit)  # a page shows a few pictures: counted apart from the pages
def public_image(slug, image_id):
    """A picture of a published guide, as the portal re-encoded it, cached for long (it never changes)."""
    image = db.session.get(GuideImage, image_id)
    if image is None or image.guide.slug != slug or image.guide.status != "published":
        abort(404)
    response = Response(image.data, mimetype=image.content_type)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response

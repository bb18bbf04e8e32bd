"""The inbox: the signed-in person's notices, newest first, and the unread badge in the header."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portal import access, htmx
from portal.core.converters import small_int
from portal.core.urls import safe_next
from portal.extensions import db
from portal.notifications import bp
from portal.notifications import services as notifications

CHANGED = "notices-changed"  # the badge listens for it on <body>


def _page(before_id: int | None) -> dict:
    """The context of the notice list: a page of notices and where the older ones start."""
    notices = notifications.inbox(current_user.id, before_id)
    older = notices[-1].id if notices and notifications.has_older(current_user.id, notices[-1].id) else None
    return {"notices": notices, "older": older, "before": before_id}


def _local(link: str | None) -> str:
    """The notice's link as a path on this site (links are absolute, for emails); the inbox otherwise."""
    base = (current_app.config["BASE_URL"] or request.url_root).rstrip("/")
    if link and link.startswith(base + "/"):
        link = link[len(base):]
    if not link or urlsplit(link).netloc:
        return url_for("notifications.inbox")
    return safe_next(link)


@bp.route("/notices")
@access.signed_in
def inbox():
    """The person's notices, newest first; `before` shows the older ones (htmx appends them)."""
    context = _page(small_int(request.args.get("before")))
    return htmx.render("notifications/inbox.html", "notifications/partials/notice_page.html", **context)


@bp.route("/notices/badge")
@access.signed_in
def badge():
    """The unread count in the header: a tiny fragment, fetched on page load and on notices-changed (without
    htmx, the inbox, whose header shows it)."""
    return htmx.answer("notifications/partials/badge.html", redirect_to=url_for("notifications.inbox"),
                       count=notifications.unread_count(current_user.id))


@bp.route("/notices/<int:notice_id>/open", methods=["POST"])
@access.signed_in
def open_notice(notice_id: int):
    """Mark one of the person's notices read and go to what it is about."""
    notice = notifications.notice_of(current_user.id, notice_id)
    if notice is None:
        abort(404)
    notifications.mark_read(current_user.id, notice.id)
    db.session.commit()
    return htmx.redirect(_local(notice.link))


@bp.route("/notices/read-all", methods=["POST"])
@access.signed_in
def mark_all_read():
    """Mark every notice of the person read; the list shows them read and the badge empties."""
    changed = notifications.mark_read(current_user.id)
    db.session.commit()
    message = (ngettext("%(num)d notice marked as read.", "%(num)d notices marked as read.", changed) if changed
               else _("Everything was already read."))
    return htmx.answer("notifications/partials/notice_page.html", redirect_to=url_for("notifications.inbox"),
                       flash_message=message, event=CHANGED, **_page(None))

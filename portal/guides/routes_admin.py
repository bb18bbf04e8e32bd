"""Organisers write guides, add screenshots and review each other's guides before they are published."""
from __future__ import annotations

from flask import Response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, htmx
from portal.core import images
from portal.core.validation import InvalidInput
from portal.forms import EmptyForm, show_error
from portal.guides import bp, render
from portal.guides import services as guides
from portal.guides.forms import GuideForm, ImageForm, NoteForm
from portal.guides.labels import GUIDE_STATUSES
from portal.guides.loaders import guide_or_404, image_or_404

IMAGE_SIDE = 1280  # a phone screenshot stays readable, and light on a cheap phone's data
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP")
GUIDE_PAGE = "guides/admin_guide.html"


def _data(form: GuideForm) -> guides.GuideData:
    """The service's input from the form."""
    return guides.GuideData(**{f: form[f].data or "" for f in guides.GuideData.__dataclass_fields__})


def _preview(guide, lang: str):
    """The guide's steps in one language as the public page shows them, its pictures served to organisers."""
    return render.body_html(guide, lang, lambda image: url_for("guides.admin_image", guide_id=guide.id,
                                                                image_id=image.id))


def _links(guide) -> list[tuple[str, str]]:
    """The official links of both languages, each once."""
    found: dict[str, str] = {}
    for words, href in render.official_links(guide.body_vi) + render.official_links(guide.body_en):
        found.setdefault(href, words)
    return [(words, href) for href, words in found.items()]


def _guide_page(guide, status: int = 200, image_form=None, note_form=None):
    """The guide's page: status, preview in both languages, official links, pictures and the actions."""
    return htmx.render(GUIDE_PAGE, None, status, guide=guide, preview_vi=_preview(guide, "vi"),
                       preview_en=_preview(guide, "en") if guide.has_english else "",
                       links=_links(guide), hands=guides.hands(guide), note=guides.last_note(guide),
                       image_form=image_form or ImageForm(), note_form=note_form or NoteForm(), form=EmptyForm())


def _form_page(form, guide=None, status: int = 200):
    """The guide's text form, new or existing."""
    return htmx.render("guides/admin_form.html", None, status, form=form, guide=guide)


@bp.route("/guides/")
@access.roles_required("admin")
def admin_list():
    """Every guide with its status, languages, last change and reviewer; filterable by status."""
    status = request.args.get("status", "") if request.args.get("status") in GUIDE_STATUSES else ""
    return htmx.render("guides/admin_list.html", "guides/admin_list_table.html", guides=guides.guides_list(status),
                       status=status, status_labels={k: label for k, (label, _tone) in GUIDE_STATUSES.items()})


@bp.route("/guides/new", methods=["GET", "POST"])
@access.roles_required("admin")
def admin_new():
    """Write a new guide; it starts as a draft."""
    form = GuideForm()
    if form.validate_on_submit():
        try:
            guide = guides.create_guide(current_user, _data(form))
        except InvalidInput as error:
            show_error(form, error)
        else:
            return htmx.redirect(url_for("guides.admin_guide", guide_id=guide.id), _("Guide saved as a draft."))
    return _form_page(form, None, 422 if form.is_submitted() else 200)


@bp.route("/guides/<int:guide_id>")
@access.roles_required("admin")
def admin_guide(guide_id):
    """A guide as its reviewers see it: status, both languages, links, pictures, what can be done next."""
    return _guide_page(guide_or_404(guide_id))


@bp.route("/guides/<int:guide_id>/edit", methods=["GET", "POST"])
@access.roles_required("admin")
def admin_edit(guide_id):
    """Edit a guide's text; a published guide goes back to review when its text changes."""
    guide = guide_or_404(guide_id)
    form = GuideForm(obj=guide)
    if form.validate_on_submit():
        try:
            guides.update_guide(current_user, guide, _data(form))
        except InvalidInput as error:
            show_error(form, error)
        else:
            return htmx.redirect(url_for("guides.admin_guide", guide_id=guide.id), _("Guide saved."))
    return _form_page(form, guide, 422 if form.is_submitted() else 200)


def _act(guide_id: int, act, done):
    """Run a workflow step on the guide and go back to its page, saying what happened or why not."""
    guide = guide_or_404(guide_id)
    try:
        act(current_user, guide)
    except InvalidInput as error:
        return htmx.redirect(url_for("guides.admin_guide", guide_id=guide.id), error.message, "error")
    return htmx.redirect(url_for("guides.admin_guide", guide_id=guide.id), done)


@bp.route("/guides/<int:guide_id>/submit", methods=["POST"])
@access.roles_required("admin")
def admin_submit(guide_id):
    """Ask another organiser to review a draft."""
    return _act(guide_id, guides.submit, _("Sent for review. Another organiser must approve it before it is "
                                           "published."))


@bp.route("/guides/<int:guide_id>/approve", methods=["POST"])
@access.roles_required("admin")
def admin_approve(guide_id):
    """Approve a guide under review and publish it (not one's own)."""
    return _act(guide_id, guides.approve, _("Approved and published. Points can now print its posters."))


@bp.route("/guides/<int:guide_id>/send-back", methods=["POST"])
@access.roles_required("admin")
def admin_send_back(guide_id):
    """Send a guide under review back to draft with a note on what needs changing."""
    guide = guide_or_404(guide_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            guides.send_back(current_user, guide, form.note.data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            return htmx.redirect(url_for("guides.admin_guide", guide_id=guide.id), _("Sent back to draft."))
    return _guide_page(guide, 422, note_form=form)


@bp.route("/guides/<int:guide_id>/retire", methods=["POST"])
@access.roles_required("admin")
def admin_retire(guide_id):
    """Take a published guide off the public pages."""
    return _act(guide_id, guides.retire, _("Retired. Its public page and QR codes no longer show the steps."))


@bp.route("/guides/<int:guide_id>/restore", methods=["POST"])
@access.roles_required("admin")
def admin_restore(guide_id):
    """Bring a retired guide back as a draft."""
    return _act(guide_id, guides.restore, _("Brought back as a draft. Edit it and send it for review."))


@bp.route("/guides/<int:guide_id>/images", methods=["POST"])
@access.roles_required("admin")
def admin_add_image(guide_id):
    """Upload a screenshot: checked, resized and stripped of its metadata before it is kept."""
    guide = guide_or_404(guide_id)
    form = ImageForm()
    if form.validate_on_submit():
        try:
            data = images.read_upload(form.image.data, "image")
            if data is None:
                raise InvalidInput(_("Choose a picture to upload."), "image")
            image = guides.add_image(current_user, guide, images.reencode(data, IMAGE_SIDE, "image", IMAGE_FORMATS),
                                     form.alt.data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            return htmx.redirect(url_for("guides.admin_guide", guide_id=guide.id, _anchor=f"image-{image.id}"),
                                 _("Picture added. Copy its snippet into the steps where it belongs."))
    return _guide_page(guide, 422, image_form=form)


@bp.route("/guides/<int:guide_id>/images/<int:image_id>/remove", methods=["POST"])
@access.roles_required("admin")
def admin_remove_image(guide_id, image_id):
    """Delete a screenshot the steps no longer show."""
    guide, image = image_or_404(guide_id, image_id)
    return _act(guide.id, lambda actor, g: guides.remove_image(actor, g, image), _("Picture removed."))


@bp.route("/guides/<int:guide_id>/images/<int:image_id>")
@access.roles_required("admin")
def admin_image(guide_id, image_id):
    """A guide's picture as the portal re-encoded it, for organisers, whatever the guide's status (private: the
    security headers keep signed-in answers out of every shared cache)."""
    _guide, image = image_or_404(guide_id, image_id)
    return Response(image.data, mimetype=image.content_type)

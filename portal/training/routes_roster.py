"""Trainers' roster of a module: search, filter, sign off one or many, undo, import a sheet."""
from __future__ import annotations

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, htmx
from portal.accounts.models import User
from portal.core import statuses
from portal.core.converters import small_int
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import EmptyForm, show_error
from portal.pagination import paginate_rows
from portal.training import bp, signoff
from portal.training.forms import ImportForm, UndoForm
from portal.training.loaders import module_or_404, require_sign_off
from portal.training.models import ImportBatch

PAGE_SIZE = 50
STAFF = ("trainer", "admin")
ROSTER_TABLE = "training/partials/roster_table.html"


def _filters():
    """The roster filter from the query string or the submitted form."""
    source = request.values
    return source.get("q", "").strip()[:100], source.get("status", "")


def _roster(module) -> dict:
    """What the roster shows: the filtered, paginated students and the status counts."""
    search, status = _filters()
    return {"module": module, "page": paginate_rows(signoff.roster_query(module, search, status), PAGE_SIZE),
            "q": search, "status": status, "counts": signoff.status_counts(module), "form": EmptyForm(),
            "undo_form": UndoForm(), "status_labels": statuses.labels("training")}


def _refused(module, error):
    """The roster again with what was wrong, 422: its table for htmx, else the whole page."""
    return htmx.render("training/roster.html", ROSTER_TABLE, 422, error=error, **_roster(module))


def _done(module, message):
    """After a sign-off or an undo: the table with the training-completed event (htmx), else a 303 to the roster."""
    search, status = _filters()
    return htmx.answer(ROSTER_TABLE, redirect_to=url_for("training.roster", module_id=module.id, q=search or None,
                                                         status=status or None),
                       flash_message=message, message=message, event="training-completed",
                       event_detail={"module": module.id}, **_roster(module))


def _staff_module(module_id):
    """Load a module and check that the current user may sign off on its campaign."""
    module = module_or_404(module_id)
    require_sign_off(module.campaign)
    return module


@bp.route("/training/modules/<int:module_id>/roster")
@access.roles_required(*STAFF)
def roster(module_id):
    """Enrolled students and their status on this module, searchable, filterable, paginated."""
    return htmx.render("training/roster.html", ROSTER_TABLE, **_roster(_staff_module(module_id)))


@bp.route("/training/modules/<int:module_id>/counts")
@access.roles_required(*STAFF)
def counts(module_id):
    """The status counts widget, refreshed when a completion changes; without htmx, the roster that shows it."""
    module = _staff_module(module_id)
    return htmx.answer("training/partials/counts.html", redirect_to=url_for("training.roster", module_id=module.id),
                       module=module, counts=signoff.status_counts(module))


@bp.route("/training/modules/<int:module_id>/complete", methods=["POST"])
@access.roles_required(*STAFF)
def complete(module_id):
    """Sign off the chosen students, or everyone matching the filter ('scope=filter')."""
    module = _staff_module(module_id)
    search, status = _filters()
    everyone = request.form.get("scope") == "filter"
    ids = [small_int(i) for i in request.form.getlist("user_id")]
    if not everyone and (not ids or None in ids):
        return _refused(module, _("Choose at least one student."))
    done = signoff.complete(current_user, module, None if everyone else ids, search=search, status=status,
                            method="single" if len(ids) == 1 and not everyone else "bulk")
    return _done(module, _("%(n)d students marked complete.", n=done))


@bp.route("/training/modules/<int:module_id>/undo/<int:user_id>", methods=["POST"])
@access.roles_required(*STAFF)
def undo(module_id, user_id):
    """Withdraw one student's completion, with a reason."""
    module = _staff_module(module_id)
    student = db.get_or_404(User, user_id)
    form = UndoForm()
    if not form.validate_on_submit():
        return _refused(module, _("Say why you undo this completion."))
    try:
        signoff.undo(current_user, module, student.id, form.reason.data)
    except InvalidInput as error:
        return _refused(module, error.message)
    return _done(module, _("Completion of %(name)s undone.", name=student.full_name))


@bp.route("/training/modules/<int:module_id>/import", methods=["GET", "POST"])
@access.roles_required(*STAFF)
def import_sheet(module_id):
    """Upload an attendance sheet and see the preview; nothing is written until you confirm."""
    module = _staff_module(module_id)
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            batch = signoff.preview_import(current_user, module, upload.filename, upload.read())
        except InvalidInput as error:
            show_error(form, error)
        else:
            return htmx.redirect(url_for("training.import_preview", batch_id=batch.id))
    return htmx.render("training/import.html", None, 422 if form.is_submitted() else 200, module=module, form=form)


def _batch(batch_id):
    """Load an import batch and check access to its module."""
    batch = db.get_or_404(ImportBatch, batch_id)
    return batch, _staff_module(batch.module_id)


@bp.route("/training/imports/<int:batch_id>")
@access.roles_required(*STAFF)
def import_preview(batch_id):
    """What the sheet would do: matched, already completed, and every row that will be skipped."""
    batch, module = _batch(batch_id)
    return htmx.render("training/import_preview.html", None, batch=batch, module=module, form=EmptyForm())


@bp.route("/training/imports/<int:batch_id>/commit", methods=["POST"])
@access.roles_required(*STAFF)
def import_commit(batch_id):
    """Complete the matched students of a previewed sheet, in one transaction."""
    batch, module = _batch(batch_id)
    try:
        done = signoff.commit_import(current_user, batch)
    except InvalidInput as error:
        flash(str(error.message), "error")
    else:
        flash(_("%(n)d students marked complete from the sheet.", n=done), "success")
    return htmx.redirect(url_for("training.roster", module_id=module.id))

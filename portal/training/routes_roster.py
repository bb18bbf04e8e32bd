"""Trainers' roster of a module: search, filter, sign off one or many, undo, import a sheet."""
from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, htmx
from portal.accounts.models import User
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


def _filters():
    """The roster filter from the query string or the submitted form."""
    source = request.values
    return source.get("q", "").strip()[:100], source.get("status", "")


def _roster(module, status_code=200, **extra):
    """The roster page, or its table for htmx."""
    search, status = _filters()
    page = paginate_rows(signoff.roster_query(module, search, status), PAGE_SIZE)
    return htmx.render(
        "training/roster.html", "training/partials/roster_table.html", status_code,
        module=module, page=page, q=search, status=status, counts=signoff.status_counts(module),
        form=EmptyForm(), undo_form=UndoForm(), **extra,
    )


def _staff_module(module_id):
    """Load a module and check that the current user may sign off on its campaign."""
    module = module_or_404(module_id)
    require_sign_off(module.campaign)
    return module


@bp.route("/modules/<int:module_id>/roster")
@access.roles_required(*STAFF)
def roster(module_id):
    """Enrolled students and their status on this module, searchable, filterable, paginated."""
    return _roster(_staff_module(module_id))


@bp.route("/modules/<int:module_id>/counts")
@access.roles_required(*STAFF)
def counts(module_id):
    """The status counts widget, refreshed when a completion changes."""
    module = _staff_module(module_id)
    return render_template("training/partials/counts.html", module=module, counts=signoff.status_counts(module))


@bp.route("/modules/<int:module_id>/complete", methods=["POST"])
@access.roles_required(*STAFF)
def complete(module_id):
    """Sign off the chosen students, or everyone matching the filter ('scope=filter')."""
    module = _staff_module(module_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    search, status = _filters()
    ids = [small_int(i) for i in request.form.getlist("user_id")]
    if request.form.get("scope") != "filter" and (not ids or None in ids):
        flash(_("Choose at least one student."), "error")
        return _roster(module, 422)
    method = "single" if len(ids) == 1 and request.form.get("scope") != "filter" else "bulk"
    done = signoff.complete(current_user, module, None if request.form.get("scope") == "filter" else ids,
                            search=search, status=status, method=method)
    flash(_("%(n)d students marked complete.", n=done), "success")
    return htmx.trigger(_roster(module), "training-completed", {"module": module.id})


@bp.route("/modules/<int:module_id>/undo/<int:user_id>", methods=["POST"])
@access.roles_required(*STAFF)
def undo(module_id, user_id):
    """Withdraw one student's completion, with a reason."""
    module = _staff_module(module_id)
    student = db.get_or_404(User, user_id)
    form = UndoForm()
    if form.validate_on_submit():
        try:
            signoff.undo(current_user, module, student.id, form.reason.data)
        except InvalidInput as error:
            flash(str(error.message), "error")
            return _roster(module, 422)
        flash(_("Completion of %(name)s undone.", name=student.full_name), "success")
        return htmx.trigger(_roster(module), "training-completed", {"module": module.id})
    flash(_("Say why you undo this completion."), "error")
    return _roster(module, 422)


@bp.route("/modules/<int:module_id>/import", methods=["GET", "POST"])
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
    return render_template("training/import.html", module=module, form=form), 422 if form.is_submitted() else 200


def _batch(batch_id):
    """Load an import batch and check access to its module."""
    batch = db.get_or_404(ImportBatch, batch_id)
    return batch, _staff_module(batch.module_id)


@bp.route("/imports/<int:batch_id>")
@access.roles_required(*STAFF)
def import_preview(batch_id):
    """What the sheet would do: matched, already completed, and every row that will be skipped."""
    batch, module = _batch(batch_id)
    return render_template("training/import_preview.html", batch=batch, module=module, form=EmptyForm())


@bp.route("/imports/<int:batch_id>/commit", methods=["POST"])
@access.roles_required(*STAFF)
def import_commit(batch_id):
    """Complete the matched students of a previewed sheet, in one transaction."""
    batch, module = _batch(batch_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        done = signoff.commit_import(current_user, batch)
    except InvalidInput as error:
        flash(str(error.message), "error")
    else:
        flash(_("%(n)d students marked complete from the sheet.", n=done), "success")
    return htmx.redirect(url_for("training.roster", module_id=module.id))

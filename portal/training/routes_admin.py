"""Organisers manage a campaign's modules: create, edit, reorder, retire, quizzes."""
from __future__ import annotations

from flask import flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, htmx
from portal.campaigns.loaders import campaign_or_404
from portal.core.urls import moved
from portal.core.validation import InvalidInput
from portal.forms import EmptyForm, show_error
from portal.training import bp
from portal.training import services as training
from portal.training.forms import ModuleForm, MoveForm, QuizForm, RetireForm
from portal.training.loaders import module_or_404

MODULE_LIST = "training/partials/module_list.html"

# A campaign's settings pages live under /campaigns/<slug>/; the old addresses keep working.
moved(bp, "/training/<slug>/manage", "/campaigns/<slug>/training")
moved(bp, "/training/<slug>/modules/new", "/campaigns/<slug>/training/modules/new", methods=("GET", "POST"))


def _data(form: ModuleForm) -> training.ModuleData:
    """The service's input from the form."""
    return training.ModuleData(**{f: form[f].data for f in training.ModuleData.__dataclass_fields__})


def _module_list(campaign) -> dict:
    """What the organisers' module list shows."""
    return {"campaign": campaign, "modules": training.modules_of(campaign, include_retired=True), "form": EmptyForm()}


def _list_after(module, form, act):
    """Run `act` if the list's small form is valid, then answer with the re-rendered list (htmx) or go back
    to the manage page (303); a form that says neither way comes back with its error and 422."""
    if form.validate_on_submit():
        act()
        outcome = {}
    else:
        error = next(iter(form.errors.values()))[0]
        outcome = {"status_code": 422, "flash_message": error, "flash_category": "error", "message": error}
    return htmx.answer(MODULE_LIST, redirect_to=url_for("training.manage", slug=module.campaign.slug),
                       **outcome, **_module_list(module.campaign))


@bp.route("/campaigns/<slug>/training")
@access.roles_required("admin")
def manage(slug):
    """All modules of a campaign, retired ones included, with their order."""
    return htmx.render("training/manage.html", MODULE_LIST, **_module_list(campaign_or_404(slug)))


@bp.route("/campaigns/<slug>/training/modules/new", methods=["GET", "POST"])
@access.roles_required("admin")
def create_module(slug):
    """Add a module to a campaign."""
    campaign = campaign_or_404(slug)
    form = ModuleForm(is_required=True, estimated_minutes=30)
    if form.validate_on_submit():
        try:
            training.create_module(current_user, campaign, _data(form))
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(_("Module added."), "success")
            return htmx.redirect(url_for("training.manage", slug=slug))
    return htmx.render("training/module_form.html", None, 422 if form.is_submitted() else 200,
                       form=form, campaign=campaign, module=None)


@bp.route("/training/modules/<int:module_id>/edit", methods=["GET", "POST"])
@access.roles_required("admin")
def edit_module(module_id):
    """Edit a module's text and rules."""
    module = module_or_404(module_id, allow_retired=True)
    form = ModuleForm(obj=module)
    if form.validate_on_submit():
        try:
            training.update_module(current_user, module, _data(form))
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(_("Module saved."), "success")
            return htmx.redirect(url_for("training.manage", slug=module.campaign.slug))
    return htmx.render("training/module_form.html", None, 422 if form.is_submitted() else 200,
                       form=form, campaign=module.campaign, module=module)


@bp.route("/training/modules/<int:module_id>/move", methods=["POST"])
@access.roles_required("admin")
def move_module(module_id):
    """Move a module up or down; answers with the re-rendered list."""
    module = module_or_404(module_id)
    form = MoveForm()
    return _list_after(module, form,
                       lambda: training.move_module(current_user, module, -1 if form.direction.data == "up" else 1))


@bp.route("/training/modules/<int:module_id>/retire", methods=["POST"])
@access.roles_required("admin")
def retire_module(module_id):
    """Retire a module, or restore a retired one."""
    module = module_or_404(module_id, allow_retired=True)
    form = RetireForm()
    return _list_after(module, form, lambda: training.set_retired(current_user, module, form.retired.data == "1"))


@bp.route("/training/modules/<int:module_id>/quiz/edit", methods=["GET", "POST"])
@access.roles_required("admin")
def edit_quiz(module_id):
    """Write a module's self-check quiz."""
    module = module_or_404(module_id, allow_retired=True)
    form = QuizForm(quiz=training.quiz_text(module))
    if form.validate_on_submit():
        try:
            training.set_quiz(current_user, module, form.quiz.data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(_("Quiz saved."), "success")
            return htmx.redirect(url_for("training.manage", slug=module.campaign.slug))
    return htmx.render("training/quiz_form.html", None, 422 if form.is_submitted() else 200, form=form, module=module)

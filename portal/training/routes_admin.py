"""Organisers manage a campaign's modules: create, edit, reorder, retire, quizzes."""
from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, htmx
from portal.campaigns.loaders import campaign_or_404
from portal.core.validation import InvalidInput
from portal.forms import EmptyForm, show_error
from portal.training import bp, services
from portal.training.forms import ModuleForm, QuizForm
from portal.training.loaders import module_or_404


def _data(form: ModuleForm) -> services.ModuleData:
    """The service's input from the form."""
    return services.ModuleData(**{f: form[f].data for f in services.ModuleData.__dataclass_fields__})


def _manage_page(campaign, status=200):
    """The module list for organisers, or just its table for htmx."""
    return htmx.render(
        "training/manage.html", "training/partials/module_list.html", status,
        campaign=campaign, modules=services.modules_of(campaign, include_retired=True), form=EmptyForm(),
    )


@bp.route("/<slug>/manage")
@access.roles_required("admin")
def manage(slug):
    """All modules of a campaign, retired ones included, with their order."""
    return _manage_page(campaign_or_404(slug))


@bp.route("/<slug>/modules/new", methods=["GET", "POST"])
@access.roles_required("admin")
def create_module(slug):
    """Add a module to a campaign."""
    campaign = campaign_or_404(slug)
    form = ModuleForm(is_required=True, estimated_minutes=30)
    if form.validate_on_submit():
        try:
            services.create_module(current_user, campaign, _data(form))
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(_("Module added."), "success")
            return htmx.redirect(url_for("training.manage", slug=slug))
    return htmx.render("training/module_form.html", None, 422 if form.is_submitted() else 200,
                       form=form, campaign=campaign, module=None)


@bp.route("/modules/<int:module_id>/edit", methods=["GET", "POST"])
@access.roles_required("admin")
def edit_module(module_id):
    """Edit a module's text and rules."""
    module = module_or_404(module_id, allow_retired=True)
    form = ModuleForm(obj=module)
    if form.validate_on_submit():
        try:
            services.update_module(current_user, module, _data(form))
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(_("Module saved."), "success")
            return htmx.redirect(url_for("training.manage", slug=module.campaign.slug))
    return htmx.render("training/module_form.html", None, 422 if form.is_submitted() else 200,
                       form=form, campaign=module.campaign, module=module)


@bp.route("/modules/<int:module_id>/move", methods=["POST"])
@access.roles_required("admin")
def move_module(module_id):
    """Move a module up or down; answers with the re-rendered list."""
    module = module_or_404(module_id)
    if not EmptyForm().validate_on_submit() or request.form.get("direction") not in ("up", "down"):
        abort(400)
    services.move_module(current_user, module, -1 if request.form["direction"] == "up" else 1)
    if htmx.is_htmx():
        return _manage_page(module.campaign)
    return htmx.redirect(url_for("training.manage", slug=module.campaign.slug))


@bp.route("/modules/<int:module_id>/retire", methods=["POST"])
@access.roles_required("admin")
def retire_module(module_id):
    """Retire a module, or restore a retired one."""
    module = module_or_404(module_id, allow_retired=True)
    if not EmptyForm().validate_on_submit() or request.form.get("retired") not in ("0", "1"):
        abort(400)
    services.set_retired(current_user, module, request.form["retired"] == "1")
    if htmx.is_htmx():
        return _manage_page(module.campaign)
    return htmx.redirect(url_for("training.manage", slug=module.campaign.slug))


@bp.route("/modules/<int:module_id>/quiz/edit", methods=["GET", "POST"])
@access.roles_required("admin")
def edit_quiz(module_id):
    """Write a module's self-check quiz."""
    module = module_or_404(module_id, allow_retired=True)
    form = QuizForm(quiz=services.quiz_text(module))
    if form.validate_on_submit():
        try:
            services.set_quiz(current_user, module, form.quiz.data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(_("Quiz saved."), "success")
            return htmx.redirect(url_for("training.manage", slug=module.campaign.slug))
    return htmx.render("training/quiz_form.html", None, 422 if form.is_submitted() else 200, form=form, module=module)

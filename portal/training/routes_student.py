"""Students' training pages: their modules with progress, reading, the self-check quiz."""
from __future__ import annotations

from flask import abort, request, url_for
from flask_login import current_user

from portal import access, htmx
from portal.campaigns import services as campaigns
from portal.campaigns.loaders import campaign_or_404
from portal.training import bp
from portal.training import services as training
from portal.training.loaders import module_or_404


@bp.route("/training/<slug>")
@access.signed_in
def my_training(slug):
    """A campaign's modules with the current student's status on each."""
    campaign = campaign_or_404(slug)
    modules = training.modules_of(campaign)
    return htmx.render(
        "training/my_training.html", None, campaign=campaign, modules=modules,
        statuses=training.statuses_for(current_user, modules),
        enrolled=campaigns.is_enrolled(current_user, campaign),
        missing=training.missing_required_modules(current_user, campaign),
        can_sign_off=training.can_sign_off(current_user, campaign),
    )


@bp.route("/training/modules/<int:module_id>")
@access.signed_in
def read_module(module_id):
    """Read a module (opening it records nothing: the student says when they have read it)."""
    module = module_or_404(module_id)
    status = training.statuses_for(current_user, [module])[module.id]
    return htmx.render("training/module.html", None, module=module, status=status, result=None,
                       enrolled=campaigns.is_enrolled(current_user, module.campaign))


@bp.route("/training/modules/<int:module_id>/read", methods=["POST"])
@access.roles_required("student")
def mark_read(module_id):
    """'I have read this module': record it (once; pressing again changes nothing) and show the new status."""
    module = module_or_404(module_id)
    if not campaigns.is_enrolled(current_user, module.campaign):
        abort(403)
    training.mark_read(current_user, module)
    status = training.statuses_for(current_user, [module])[module.id]
    return htmx.answer("training/partials/module_read.html",
                       redirect_to=url_for("training.read_module", module_id=module.id),
                       module=module, status=status, enrolled=True, oob_status=True)


@bp.route("/training/modules/<int:module_id>/quiz", methods=["POST"])
@access.roles_required("student")
def submit_quiz(module_id):
    """Grade the self-check quiz; passing makes the module ready for the trainer's sign-off."""
    module = module_or_404(module_id)
    if not campaigns.is_enrolled(current_user, module.campaign):
        abort(403)
    answers = {}
    for question in module.questions:
        raw = request.form.get(f"q{question.id}", "")
        if raw.isascii() and raw.isdigit() and len(raw) < 3:  # an option's index
            answers[question.id] = int(raw)
    score, total, passed = training.grade_quiz(current_user, module, answers)
    status = training.statuses_for(current_user, [module])[module.id]
    result = {"score": score, "total": total, "passed": passed, "answers": answers}
    return htmx.render("training/module.html", None, module=module, status=status, result=result, enrolled=True)

"""Organisers set the rule, preview who qualifies, issue, revoke and correct certificates."""
from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import access, htmx
from portal.accounts.services import person_filter
from portal.campaigns.loaders import campaign_or_404
from portal.certificates import bp, codes, services
from portal.certificates.eligibility import has_ended, rule_for, standings
from portal.certificates.forms import IssueForm, PreviewFilter, ReasonForm, RevokeForm, RuleForm
from portal.certificates.models import Credential
from portal.core.validation import InvalidInput
from portal.forms import show_error
from portal.pagination import paginate_list

FILTERS = {
    "eligible": lambda s: s.newly_eligible,
    "not": lambda s: not s.eligible and s.credential is None,
    "issued": lambda s: s.credential is not None,
}


def _credential(code: str) -> Credential:
    credential = services.find(code)
    if credential is None:
        abort(404)
    return credential


def _rule_form(campaign) -> RuleForm:
    rule = rule_for(campaign)
    hours = rule.min_minutes / 60
    return RuleForm(data={"require_training": rule.require_training,
                          "min_hours": int(hours) if hours == int(hours) else round(hours, 2),
                          "max_no_shows": rule.max_no_shows})


def _counts(everyone) -> dict[str, int]:
    """The page's counters: who joined, who qualifies, who waits for a certificate, who holds one."""
    return {"enrolled": len(everyone), "eligible": sum(s.eligible for s in everyone),
            "pending": sum(s.newly_eligible for s in everyone),
            "issued": sum(s.credential is not None for s in everyone)}


def _manage(campaign, rule_form=None, issue_form=None, status=200, confirm=None):
    everyone = standings(campaign)
    shown = PreviewFilter(request.args)
    chosen = FILTERS.get(shown.show.data)
    page = paginate_list([s for s in everyone if chosen is None or chosen(s)], 50)
    return htmx.render("certificates/manage.html", None, status, campaign=campaign, page=page, counts=_counts(everyone),
                       rule_form=rule_form or _rule_form(campaign), issue_form=issue_form or IssueForm(),
                       filter_form=shown, ended=has_ended(campaign), pretty=codes.pretty, confirm=confirm)


def _confirm(campaign, form):
    """What issuing would do, written nowhere yet: how many certificates, to whom, how many emails."""
    waiting = [s.user for s in standings(campaign) if s.newly_eligible]
    confirm = {"people": waiting, "count": len(waiting)}
    if htmx.is_fragment_request():
        return render_template("certificates/partials/issue_confirm.html", campaign=campaign, issue_form=form,
                               confirm=confirm)
    return _manage(campaign, issue_form=form, confirm=confirm)


@bp.route("/admin/campaigns/<slug>/certificates")
@access.roles_required("admin")
def manage(slug):
    """The rule, the preview of who qualifies and why not, and the issue button."""
    return _manage(campaign_or_404(slug))


@bp.route("/admin/campaigns/<slug>/certificates/rule", methods=["POST"])
@access.roles_required("admin")
def save_rule(slug):
    """Save who earns the certificate; the preview follows at once."""
    campaign = campaign_or_404(slug)
    form = RuleForm()
    if form.validate_on_submit():
        try:
            services.set_rule(current_user, campaign, form.require_training.data, form.min_hours.data,
                              form.max_no_shows.data)
            flash(_("The certificate rule is saved."), "success")
            return htmx.redirect(url_for("certificates.manage", slug=slug))
        except InvalidInput as error:
            show_error(form, error)
    return _manage(campaign, rule_form=form, status=422)


@bp.route("/admin/campaigns/<slug>/certificates/issue", methods=["POST"])
@access.roles_required("admin")
def issue(slug):
    """Issue to everyone newly eligible once the organiser has seen what it will do and confirmed:
    htmx runs it in steps with a progress bar (the counters follow at the end); plain HTML at once."""
    campaign = campaign_or_404(slug)
    form = IssueForm()
    if not form.validate_on_submit():
        return _issue_refused(campaign, form)
    if "confirmed" not in request.form and "done" not in request.form:
        try:
            services.check_may_issue(campaign, form.reason.data)  # refused now, not after confirming
        except InvalidInput as error:
            show_error(form, error)
            return _issue_refused(campaign, form)
        return _confirm(campaign, form)
    done = request.form.get("done", type=int, default=0) or 0
    try:
        if htmx.is_fragment_request():
            step = services.issue_step(current_user, campaign, form.reason.data)
            done = min(done + len(step.issued), 10**7)
            finished = not (step.remaining and step.issued)
            return render_template("certificates/partials/progress.html", campaign=campaign, step=step, done=done,
                                   form=form, total=done + step.remaining,
                                   counts=_counts(standings(campaign)) if finished else None)
        issued = services.issue_all(current_user, campaign, form.reason.data)
    except InvalidInput as error:
        show_error(form, error)
        return _issue_refused(campaign, form)
    flash(_("%(count)d certificates issued.", count=len(issued)), "success")
    return htmx.redirect(url_for("certificates.manage", slug=slug))


def _issue_refused(campaign, form):
    """The issue form again with its message: the card alone for htmx, else the whole page."""
    if htmx.is_fragment_request():
        return htmx.retarget(htmx.render("certificates/partials/issue_form.html", None, 422, campaign=campaign,
                                         issue_form=form, ended=has_ended(campaign)), "#certificate-issue", "outerHTML")
    return _manage(campaign, issue_form=form, status=422)


@bp.route("/admin/campaigns/<slug>/certificates/issued")
@access.roles_required("admin")
def issued(slug):
    """Every certificate of the campaign, including revoked and superseded ones."""
    campaign = campaign_or_404(slug)
    from portal.accounts.models import User
    from portal.pagination import paginate_rows

    query = (select(Credential, User).join(User, User.id == Credential.user_id)
             .where(Credential.campaign_id == campaign.id).order_by(User.sort_name, Credential.issued_at))
    q = (request.args.get("q") or "").strip()[:100]
    if q:
        code = codes.normalise(q)
        query = query.where((Credential.code == code) if code else person_filter(q))
    return render_template("certificates/issued.html", campaign=campaign, page=paginate_rows(query, 50), q=q,
                           pretty=codes.pretty)


@bp.route("/admin/certificates/<code>")
@access.roles_required("admin")
def show(code):
    """One certificate for organisers: fields, history, revoke and correct."""
    credential = _credential(code)
    return _show(credential)


def _show(credential, revoke_form=None, reissue_form=None, status=200):
    return htmx.render("certificates/show.html", None, status, credential=credential, claims=credential.claims,
                       replacement=services.replacement_of(credential), pretty=codes.pretty,
                       revoke_form=revoke_form or RevokeForm(prefix="revoke"),
                       reissue_form=reissue_form or ReasonForm(prefix="reissue"))


@bp.route("/admin/certificates/<code>/revoke", methods=["POST"])
@access.roles_required("admin")
def revoke(code):
    """Revoke with a reason."""
    credential = _credential(code)
    form = RevokeForm(prefix="revoke")
    if form.validate_on_submit():
        try:
            services.revoke(current_user, credential, form.reason.data, form.category.data)
            flash(_("The certificate is revoked. Its page now shows it in red."), "success")
            return htmx.redirect(url_for("certificates.show", code=credential.code))
        except InvalidInput as error:
            show_error(form, error)
    return _show(credential, revoke_form=form, status=422)


@bp.route("/admin/certificates/<code>/reissue", methods=["POST"])
@access.roles_required("admin")
def reissue(code):
    """Correct by reissuing: a new code from today's records; the old one is marked superseded."""
    credential = _credential(code)
    form = ReasonForm(prefix="reissue")
    if form.validate_on_submit():
        try:
            replacement = services.reissue(current_user, credential, form.reason.data)
            flash(_("A corrected certificate was issued with a new code; the old one is marked superseded."), "success")
            return htmx.redirect(url_for("certificates.show", code=replacement.code))
        except InvalidInput as error:
            show_error(form, error)
    return _show(credential, reissue_form=form, status=422)

"""Organisers set the rule, preview who qualifies, issue, revoke and correct certificates."""
from __future__ import annotations

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import access, htmx
from portal.accounts.models import User
from portal.accounts.services import person_filter
from portal.campaigns.loaders import campaign_or_404
from portal.certificates import bp, codes, paper, records
from portal.certificates import services as certificates
from portal.certificates import tasks as certificate_tasks
from portal.certificates.eligibility import has_ended, rule_for, standings
from portal.certificates.forms import IssueForm, PaperForm, PreviewFilter, ReasonForm, RevokeForm, RuleForm
from portal.certificates.models import Credential
from portal.core.images import read_upload
from portal.core.urls import moved
from portal.core.validation import InvalidInput
from portal.forms import show_error
from portal.pagination import paginate_list, paginate_rows

FILTERS = {
    "eligible": lambda s: s.newly_eligible,
    "not": lambda s: not s.eligible and s.credential is None,
    "issued": lambda s: s.credential is not None,
}

# A campaign's certificates are among its settings pages, under /campaigns/<slug>/.
moved(bp, "/admin/campaigns/<slug>/certificates", "/campaigns/<slug>/certificates")
moved(bp, "/admin/campaigns/<slug>/certificates/rule", "/campaigns/<slug>/certificates/rule", methods=("POST",))
moved(bp, "/admin/campaigns/<slug>/certificates/issue", "/campaigns/<slug>/certificates/issue", methods=("POST",))
moved(bp, "/admin/campaigns/<slug>/certificates/issued", "/campaigns/<slug>/certificates/issued")


def _credential(code: str) -> Credential:
    """The credential with this code, else 404."""
    credential = records.find(code)
    if credential is None:
        abort(404)
    return credential


def _rule_form(campaign) -> RuleForm:
    """The rule form filled with the campaign's rule (hours as a number, whole when they are)."""
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


def _manage(campaign, rule_form=None, issue_form=None, status=200, confirm=None, fragment=None, everyone=None):
    """The certificates page (or, for htmx, `fragment` of it) with the forms as given."""
    everyone = standings(campaign) if everyone is None else everyone
    shown = PreviewFilter(request.args)
    chosen = FILTERS.get(shown.show.data)
    page = paginate_list([s for s in everyone if chosen is None or chosen(s)], 50)
    return htmx.render("certificates/manage.html", fragment, status, campaign=campaign, page=page,
                       counts=_counts(everyone), rule_form=rule_form or _rule_form(campaign),
                       issue_form=issue_form or IssueForm(), filter_form=shown, ended=has_ended(campaign),
                       pretty=codes.pretty, confirm=confirm)


@bp.route("/campaigns/<slug>/certificates")
@access.roles_required("admin")
def manage(slug):
    """The rule, the preview of who qualifies and why not, and the issue button."""
    return _manage(campaign_or_404(slug))


@bp.route("/campaigns/<slug>/certificates/rule", methods=["POST"])
@access.roles_required("admin")
def save_rule(slug):
    """Save who earns the certificate; the preview follows at once."""
    campaign = campaign_or_404(slug)
    form = RuleForm()
    if form.validate_on_submit():
        try:
            certificates.set_rule(current_user, campaign, form.require_training.data, form.min_hours.data,
                                  form.max_no_shows.data)
            return htmx.redirect(url_for("certificates.manage", slug=slug), _("The certificate rule is saved."))
        except InvalidInput as error:
            show_error(form, error)
    return _manage(campaign, rule_form=form, status=422)


@bp.route("/campaigns/<slug>/certificates/issue", methods=["POST"])
@access.roles_required("admin")
def issue(slug):
    """Issue to everyone newly eligible once the organiser has seen what it will do and confirmed:
    htmx runs it in steps with a progress bar (the counters follow at the end); plain HTML at once."""
    campaign = campaign_or_404(slug)
    form = IssueForm()
    if not form.validate_on_submit():
        return _issue_refused(campaign, form)
    try:
        if "confirmed" not in request.form:
            return _confirm(campaign, form)
        certificates.check_may_issue(campaign, form.reason.data)
    except InvalidInput as error:
        show_error(form, error)
        return _issue_refused(campaign, form)
    certificate_tasks.issue_run(campaign.id, current_user.id, form.reason.data)  # the worker's (at once in tests)
    return _progress_answer(campaign)


@bp.route("/campaigns/<slug>/certificates/issue/progress")
@access.roles_required("admin")
def issue_progress(slug):
    """How the issuing run is getting on: the card polls this until the run has ended."""
    return _progress_answer(campaign_or_404(slug))


def _confirm(campaign, form):
    """What issuing would do, written nowhere yet: how many certificates, to whom, how many emails;
    refused now (InvalidInput) rather than after confirming."""
    certificates.check_may_issue(campaign, form.reason.data)
    everyone = standings(campaign)
    waiting = [s.user for s in everyone if s.newly_eligible]
    return _manage(campaign, issue_form=form, confirm={"people": waiting, "count": len(waiting)},
                   fragment="certificates/partials/issue_confirm.html", everyone=everyone)


def _issue_refused(campaign, form):
    """The issue form again with its message: the card alone for htmx, else the whole page."""
    card = _manage(campaign, issue_form=form, status=422, fragment="certificates/partials/issue_form.html")
    return htmx.retarget(card, "#certificate-issue", "outerHTML")


def _progress_answer(campaign):
    """The progress card (htmx), or back to the page with where the run stands."""
    everyone = standings(campaign)
    counts, running = _counts(everyone), certificate_tasks.run_in_progress(campaign.id)
    waiting = sum(1 for s in everyone if s.newly_eligible)
    issued = counts["issued"]
    message = (_("Issuing runs in the background: %(count)d certificates issued so far.", count=issued)
               if running else _("Done: %(count)d certificates issued.", count=issued))
    back = url_for("certificates.manage", slug=campaign.slug)
    return htmx.answer("certificates/partials/progress.html", redirect_to=back, flash_message=message,
                       campaign=campaign, running=running, counts=counts, waiting=waiting)


@bp.route("/campaigns/<slug>/certificates/issued")
@access.roles_required("admin")
def issued(slug):
    """Every certificate of the campaign, including revoked and superseded ones; searched by name or code."""
    campaign = campaign_or_404(slug)
    query = (select(Credential, User).join(User, User.id == Credential.user_id)
             .where(Credential.campaign_id == campaign.id).order_by(User.sort_name, Credential.issued_at))
    q = (request.args.get("q") or "").strip()[:100]
    if q:
        code = codes.normalise(q)
        query = query.where((Credential.code == code) if code else person_filter(q))
    return htmx.render("certificates/issued.html", "certificates/partials/issued_list.html", campaign=campaign,
                       page=paginate_rows(query, 50), q=q, pretty=codes.pretty)


def _paper_form(campaign) -> PaperForm:
    """The paper form filled with the campaign's settings."""
    settings, data = paper.paper_of(campaign), {}
    for issuer in paper.issuers_of(campaign):
        data |= {f"{key}_{issuer.position}": getattr(issuer, key) for key in paper.ISSUER_FIELDS}
    return PaperForm(data={"place": settings.place, "motto": settings.motto, **data})


def _paper_page(campaign, form, status=200):
    """The paper settings page (the form partial alone for htmx)."""
    signed = {i.position: bool(i.signature_sha256) for i in paper.issuers_of(campaign)}
    return htmx.render("certificates/paper.html", "certificates/partials/paper_form.html", status,
                       campaign=campaign, form=form, signed=signed)


@bp.route("/campaigns/<slug>/certificates/paper")
@access.roles_required("admin")
def paper_settings(slug):
    """Who issues the campaign's documents: header lines, signatories, signature pictures, place, motto."""
    campaign = campaign_or_404(slug)
    return _paper_page(campaign, _paper_form(campaign))


@bp.route("/campaigns/<slug>/certificates/paper", methods=["POST"])
@access.roles_required("admin")
def save_paper(slug):
    """Save the paper settings, all or nothing; new documents carry them, issued ones keep theirs."""
    campaign = campaign_or_404(slug)
    form = PaperForm()
    if form.validate_on_submit():
        try:
            uploads = {n: read_upload(form[f"signature_{n}"].data, f"signature_{n}") for n in (1, 2)}
            remove = {n: form[f"remove_signature_{n}"].data for n in (1, 2)}
            paper.save(current_user, campaign, form.data, uploads, remove)
            return htmx.redirect(url_for("certificates.paper_settings", slug=slug),
                                 _("The paper settings are saved. Documents issued from now on carry them."))
        except InvalidInput as error:
            show_error(form, error)
    return _paper_page(campaign, form, 422)


@bp.route("/admin/certificates/<code>")
@access.roles_required("admin")
def show(code):
    """One certificate for organisers: fields, history, revoke and correct."""
    return _show(_credential(code))


def _show(credential, revoke_form=None, reissue_form=None, status=200):
    """The certificate's page with the revoke and correct forms as given."""
    return htmx.render("certificates/show.html", None, status, credential=credential, claims=credential.claims,
                       replacement=records.replacement_of(credential), pretty=codes.pretty,
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
            certificates.revoke(current_user, credential, form.reason.data, form.category.data)
            return htmx.redirect(url_for("certificates.show", code=credential.code),
                                 _("The certificate is revoked. Its page now shows it in red."))
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
            replacement = certificates.reissue(current_user, credential, form.reason.data)
            return htmx.redirect(url_for("certificates.show", code=replacement.code),
                                 _("A corrected certificate was issued with a new code; the old one is marked "
                                   "superseded."))
        except InvalidInput as error:
            show_error(form, error)
    return _show(credential, reissue_form=form, status=422)

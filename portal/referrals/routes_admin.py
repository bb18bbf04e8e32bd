"""Organisers: a campaign's cases and shortlist, each case's review, send and award, the exports, the hosts."""
from __future__ import annotations

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal import access, htmx
from portal.audit import labels as audit_labels
from portal.audit import services as audit
from portal.campaigns.loaders import campaign_or_404
from portal.campaigns.models import ServicePoint
from portal.core import downloads
from portal.core.converters import small_int
from portal.core.urls import moved
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import choices, show_error
from portal.pagination import page_number, paginate_list
from portal.referrals import bp, exports, hosts, letters, steps
from portal.referrals import services as referrals
from portal.referrals.evidence import evidence_for
from portal.referrals.evidence import shortlist as rank
from portal.referrals.forms import DecisionForm, HostForm, NoteForm, OutcomeForm, ShortlistFilter
from portal.referrals.labels import KIND_LABELS, STATUS_LABELS
from portal.referrals.loaders import case_or_404
from portal.referrals.models import HostOrganisation, Recommendation
from portal.spreadsheets import to_csv, to_xlsx

# A campaign's referrals are among its settings pages, under /campaigns/<slug>/.
moved(bp, "/referrals/<slug>", "/campaigns/<slug>/referrals")
moved(bp, "/referrals/<slug>/shortlist", "/campaigns/<slug>/referrals/shortlist")
moved(bp, "/referrals/<slug>/export/<kind>.<fmt>", "/campaigns/<slug>/referrals/export/<kind>.<fmt>")

# --- a campaign's cases -------------------------------------------------------------------


@bp.route("/campaigns/<slug>/referrals")
@access.roles_required("admin")
def cases(slug):
    """Every case of the campaign, with its nominations counted, filterable by kind and status."""
    campaign = campaign_or_404(slug)
    kind = request.args.get("kind") if request.args.get("kind") in KIND_LABELS else ""
    status = request.args.get("status") if request.args.get("status") in STATUS_LABELS else ""
    query = select(Recommendation).where(Recommendation.campaign_id == campaign.id)
    if kind:
        query = query.where(Recommendation.kind == kind)
    if status:
        query = query.where(Recommendation.status == status)
    query = query.options(joinedload(Recommendation.user), joinedload(Recommendation.host),
                          selectinload(Recommendation.nominations)).order_by(Recommendation.created_at.desc())
    all_hosts = db.session.scalars(select(HostOrganisation).order_by(HostOrganisation.name)).all()
    page = db.paginate(query, page=page_number(), per_page=50, error_out=False)
    return htmx.render("referrals/cases.html", campaign=campaign, page=page, kind=kind, status=status,
                       hosts=all_hosts)


@bp.route("/campaigns/<slug>/referrals/shortlist")
@access.roles_required("admin")
def shortlist(slug):
    """Who deserves a nomination nobody made yet: ranked by hours, reliability and ratings."""
    campaign = campaign_or_404(slug)
    form = ShortlistFilter(request.args)
    points = db.session.scalars(select(ServicePoint).order_by(ServicePoint.name)).all()
    form.point.choices = choices([(0, _("All points"))] + [(p.id, p.name) for p in points])
    point_id = small_int(request.args.get("point"), default=0) or None
    rows = rank(campaign, form.school.data or "", form.chapter.data or "", point_id)
    nominated = {(c.user_id, c.kind): c for c in db.session.scalars(
        select(Recommendation).where(Recommendation.campaign_id == campaign.id))}
    return htmx.render("referrals/shortlist.html", campaign=campaign, form=form, page=paginate_list(rows, 50),
                       nominated=nominated, params={k: v for k, v in request.args.items() if k != "page"})


@bp.route("/campaigns/<slug>/referrals/export/<kind>.<fmt>")
@access.roles_required("admin")
def export(slug, kind, fmt):
    """Approved referrals (optionally for one host) or approved commendations, as CSV or XLSX."""
    campaign = campaign_or_404(slug)
    if kind not in ("referrals", "commendations") or fmt not in ("csv", "xlsx"):
        abort(404)
    host_id = small_int(request.args.get("host"), default=0) or None
    header, rows = exports.table(campaign, kind[:-1], host_id if kind == "referrals" else None)
    audit.record_access(current_user, f"export.{kind}", "campaign", campaign.id, format=fmt, host=host_id,
                        rows=len(rows))
    data = to_csv(header, rows) if fmt == "csv" else to_xlsx(str(KIND_LABELS[kind[:-1]]), header, rows)
    return downloads.attachment(data, f"{campaign.slug}-{kind}.{fmt}")


# --- one case -----------------------------------------------------------------------------


def _case_page(case, decision_form=None, note_form=None, status=200):
    """The case's page: the record, the nominations, the history, the forms of the next step."""
    active = db.session.scalars(select(HostOrganisation).where(HostOrganisation.is_active)
                                .order_by(HostOrganisation.name)).all()
    decision_form = decision_form or DecisionForm()
    decision_form.host_id.choices = choices([(h.id, f"{h.name} ({hosts.places_left(h)})") for h in active])
    record = evidence_for(case.campaign, [case.user_id]).get(case.user_id)
    return htmx.render("referrals/case.html", None, status, case=case, record=record, decision_form=decision_form,
                       note_form=note_form or NoteForm(),
                       nominated_by_me=current_user.id in {n.nominated_by_id for n in case.nominations})


@bp.route("/referrals/cases/<int:case_id>")
@access.roles_required("admin")
def case(case_id):
    """One case: the record, every nomination, the history, and the next step."""
    case = case_or_404(case_id)
    audit.record_access(current_user, audit_labels.PERSON_VIEWED, "user", case.user_id, case=case.id)
    return _case_page(case)


def _step(case, form, action, done_message=None, **page_forms):
    """Run a step from a case page form: back to the case with `done_message`, or the page again with the
    refusal beside the form (422); NotAllowed is a 403."""
    if form.validate_on_submit():
        try:
            action()
            return htmx.redirect(url_for("referrals.case", case_id=case.id), done_message)
        except InvalidInput as error:
            show_error(form, error)
        except steps.NotAllowed:
            abort(403)
    return _case_page(case, status=422, **page_forms)


@bp.route("/referrals/cases/<int:case_id>/decide", methods=["POST"])
@access.roles_required("admin")
def decide(case_id):
    """Approve or reject (which button was pressed decides)."""
    case, form = case_or_404(case_id), DecisionForm()
    approve = form.decision.data == "approve"
    return _step(case, form, lambda: referrals.decide(current_user, case, approve, form.note.data or "",
                                                      form.host_id.data if approve else None),
                 _("Approved.") if approve else _("The nomination is not approved; the note is kept."),
                 decision_form=form)


@bp.route("/referrals/cases/<int:case_id>/send", methods=["POST"])
@access.roles_required("admin")
def send(case_id):
    """Send an approved referral to the host (only with the student's consent)."""
    case, form = case_or_404(case_id), NoteForm()
    return _step(case, form, lambda: letters.send(current_user, case),
                 _("The referral is sent to %(host)s, with its verifiable letter.",
                   host=case.host.name if case.host else ""), note_form=form)


@bp.route("/referrals/cases/<int:case_id>/outcome", methods=["POST"])
@access.roles_required("admin")
def outcome(case_id):
    """Record the host's answer."""
    case, form = case_or_404(case_id), OutcomeForm()
    accepted = form.outcome.data == "accepted"
    return _step(case, form, lambda: referrals.record_outcome(current_user, case, accepted, form.note.data or ""),
                 note_form=form)


@bp.route("/referrals/cases/<int:case_id>/withdraw", methods=["POST"])
@access.roles_required("admin")
def withdraw(case_id):
    """Close an approved referral that will not be sent, freeing the host's place."""
    case, form = case_or_404(case_id), NoteForm()
    return _step(case, form, lambda: referrals.withdraw(current_user, case, form.note.data or ""), note_form=form)


@bp.route("/referrals/cases/<int:case_id>/award", methods=["POST"])
@access.roles_required("admin")
def award(case_id):
    """Award an approved commendation and issue its certificate."""
    case, form = case_or_404(case_id), NoteForm()
    return _step(case, form, lambda: letters.award(current_user, case, form.note.data or ""),
                 _("The commendation is awarded; the student is told by email."), note_form=form)


# --- hosts --------------------------------------------------------------------------------


@bp.route("/referrals/hosts", endpoint="hosts")
@access.roles_required("admin")
def host_list():
    """Host organisations with their places left."""
    rows = db.session.scalars(select(HostOrganisation).order_by(HostOrganisation.name)).all()
    return htmx.render("referrals/hosts.html", hosts=rows, places_left=hosts.places_left)


@bp.route("/referrals/hosts/new", methods=["GET", "POST"])
@bp.route("/referrals/hosts/<int:host_id>/edit", methods=["GET", "POST"])
@access.roles_required("admin")
def edit_host(host_id=None):
    """Add or edit a host organisation."""
    host = db.get_or_404(HostOrganisation, host_id) if host_id else None
    form = HostForm(obj=host)
    if form.validate_on_submit():
        data = hosts.HostData(**{f: form[f].data for f in hosts.HostData.__dataclass_fields__})
        try:
            hosts.save_host(current_user, host, data)
            return htmx.redirect(url_for("referrals.hosts"), _("The host organisation is saved."))
        except InvalidInput as error:
            show_error(form, error)
    return htmx.render("referrals/host_form.html", None, 422 if form.is_submitted() else 200, form=form, host=host)

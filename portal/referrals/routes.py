"""Staff nominate; organisers shortlist, review, send and award; students agree to what is shared."""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal import access, htmx
from portal.accounts.models import User
from portal.accounts.services import person_filter
from portal.audit import labels
from portal.audit import services as audit
from portal.campaigns.loaders import campaign_or_404
from portal.campaigns.models import ServicePoint
from portal.core.converters import small_int
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import choices, show_error
from portal.pagination import page_number, paginate_list, paginate_rows
from portal.referrals import bp, exports, services
from portal.referrals.evidence import evidence_for
from portal.referrals.evidence import shortlist as rank
from portal.referrals.forms import ConsentForm, DecisionForm, HostForm, NominationForm, NoteForm, ShortlistFilter
from portal.referrals.labels import CONSENT_LABELS, KIND_LABELS, STATUS_LABELS
from portal.referrals.models import HostOrganisation, Recommendation
from portal.spreadsheets import to_csv, to_xlsx

STAFF = ("leader", "trainer", "admin")


def _case(case_id: int) -> Recommendation:
    case = db.session.get(Recommendation, case_id)
    if case is None:
        abort(404)
    return case


def _labels() -> dict:
    return {"kind_labels": KIND_LABELS, "status_labels": STATUS_LABELS, "consent_labels": CONSENT_LABELS}


# --- nominating ---------------------------------------------------------------------------


@bp.route("/<slug>/nominate")
@access.roles_required(*STAFF)
def find_student(slug):
    """Search the campaign's students by name, email or student ID, to nominate one."""
    campaign = campaign_or_404(slug)
    scope = services.search_scope(current_user, campaign)
    if scope is False:
        abort(403)
    q = (request.args.get("q") or "").strip()[:100]
    page = None
    if q:
        query = select(User).where(services.nominees(campaign), person_filter(q)).order_by(User.sort_name)
        if scope is not None:
            query = query.where(User.id.in_(scope))
        page = paginate_rows(query, 25)
    return render_template("referrals/find_student.html", campaign=campaign, q=q, page=page)


@bp.route("/<slug>/nominate/<int:user_id>", methods=["GET", "POST"])
@access.roles_required(*STAFF)
def nominate(slug, user_id):
    """The student's record, gathered for you, and the nomination form."""
    campaign = campaign_or_404(slug)
    student = services.nominee(campaign, user_id)
    if student is None:  # not an enrolled student of this campaign: nothing to show or nominate
        abort(404)
    if services.capacity(current_user, campaign, student) is None:
        abort(403)
    form = NominationForm()
    if form.validate_on_submit():
        try:
            services.nominate(current_user, campaign, student, form.kind.data, form.reason.data)
            flash(_("Thank you: your nomination of %(name)s is recorded for the organisers.", name=student.full_name),
                  "success")
            return htmx.redirect(url_for("referrals.nominate", slug=slug, user_id=user_id))
        except InvalidInput as error:
            show_error(form, error)
        except services.NotAllowed:
            abort(403)
    audit.record_access(current_user, labels.PERSON_VIEWED, "user", student.id, campaign=campaign.id)
    record = evidence_for(campaign, [student.id]).get(student.id)
    mine = db.session.scalars(select(Recommendation).where(
        Recommendation.campaign_id == campaign.id, Recommendation.user_id == student.id)).all()
    return render_template("referrals/nominate.html", campaign=campaign, student=student, record=record, form=form,
                           cases=mine, **_labels()), 422 if form.errors or form.form_errors else 200


# --- organisers ---------------------------------------------------------------------------


@bp.route("/<slug>")
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
    hosts = db.session.scalars(select(HostOrganisation).order_by(HostOrganisation.name)).all()
    page = db.paginate(query, page=page_number(), per_page=50, error_out=False)
    return render_template("referrals/cases.html", campaign=campaign, page=page, kind=kind,
                           status=status, hosts=hosts, **_labels())


@bp.route("/<slug>/shortlist")
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
    return render_template("referrals/shortlist.html", campaign=campaign, form=form, page=paginate_list(rows, 50),
                           nominated=nominated, params={k: v for k, v in request.args.items() if k != "page"},
                           **_labels())


def _case_page(case, decision_form=None, note_form=None, status=200):
    hosts = db.session.scalars(select(HostOrganisation).where(HostOrganisation.is_active)
                               .order_by(HostOrganisation.name)).all()
    decision_form = decision_form or DecisionForm()
    decision_form.host_id.choices = choices([(h.id, f"{h.name} ({services.places_left(h)})") for h in hosts])
    record = evidence_for(case.campaign, [case.user_id]).get(case.user_id)
    return make_response(render_template(
        "referrals/case.html", case=case, record=record, decision_form=decision_form,
        note_form=note_form or NoteForm(),
        nominated_by_me=current_user.id in {n.nominated_by_id for n in case.nominations},
        **_labels()), status)


@bp.route("/cases/<int:case_id>")
@access.roles_required("admin")
def case(case_id):
    """One case: the record, every nomination, the history, and the next step."""
    case = _case(case_id)
    audit.record_access(current_user, labels.PERSON_VIEWED, "user", case.user_id, case=case.id)
    return _case_page(case)


def _step(case, form, action):
    """Run a step for a case page form; refusals come back beside the form (422)."""
    if not form.validate_on_submit():
        return None
    try:
        action()
        return htmx.redirect(url_for("referrals.case", case_id=case.id))
    except InvalidInput as error:
        show_error(form, error)
    except services.NotAllowed:
        abort(403)
    return None


@bp.route("/cases/<int:case_id>/decide", methods=["POST"])
@access.roles_required("admin")
def decide(case_id):
    """Approve or reject (which button was pressed decides)."""
    case = _case(case_id)
    form = DecisionForm()
    approve = request.form.get("decision") == "approve"
    done = _step(case, form, lambda: services.decide(current_user, case, approve, form.note.data or "",
                                                     form.host_id.data if approve else None))
    if done is not None:
        flash(_("Approved.") if approve else _("The nomination is not approved; the note is kept."), "success")
    return done or _case_page(case, decision_form=form, status=422)


@bp.route("/cases/<int:case_id>/send", methods=["POST"])
@access.roles_required("admin")
def send(case_id):
    """Send an approved referral to the host (only with the student's consent)."""
    case = _case(case_id)
    form = NoteForm()
    done = _step(case, form, lambda: services.send(current_user, case))
    if done is not None:
        flash(_("The referral is sent to %(host)s, with its verifiable letter.", host=case.host.name), "success")
    return done or _case_page(case, note_form=form, status=422)


@bp.route("/cases/<int:case_id>/outcome", methods=["POST"])
@access.roles_required("admin")
def outcome(case_id):
    """Record the host's answer."""
    case = _case(case_id)
    form = NoteForm()
    accepted = request.form.get("outcome") == "accepted"
    done = _step(case, form, lambda: services.record_outcome(current_user, case, accepted, form.note.data or ""))
    return done or _case_page(case, note_form=form, status=422)


@bp.route("/cases/<int:case_id>/withdraw", methods=["POST"])
@access.roles_required("admin")
def withdraw(case_id):
    """Close an approved referral that will not be sent, freeing the host's place."""
    case = _case(case_id)
    form = NoteForm()
    done = _step(case, form, lambda: services.withdraw(current_user, case, form.note.data or ""))
    return done or _case_page(case, note_form=form, status=422)


@bp.route("/cases/<int:case_id>/award", methods=["POST"])
@access.roles_required("admin")
def award(case_id):
    """Award an approved commendation and issue its certificate."""
    case = _case(case_id)
    form = NoteForm()
    done = _step(case, form, lambda: services.award(current_user, case, form.note.data or ""))
    if done is not None:
        flash(_("The commendation is awarded; the student is told by email."), "success")
    return done or _case_page(case, note_form=form, status=422)


# --- exports ------------------------------------------------------------------------------


@bp.route("/<slug>/export/<kind>.<fmt>")
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
    name = f"{campaign.slug}-{kind}"
    if fmt == "csv":
        response = make_response(to_csv(header, rows))
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    else:
        response = make_response(to_xlsx(str(KIND_LABELS[kind[:-1]]), header, rows))
        response.headers["Content-Type"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- hosts --------------------------------------------------------------------------------


@bp.route("/hosts")
@access.roles_required("admin")
def hosts():
    """Host organisations with their places left."""
    rows = db.session.scalars(select(HostOrganisation).order_by(HostOrganisation.name)).all()
    return render_template("referrals/hosts.html", hosts=rows, places_left=services.places_left)


@bp.route("/hosts/new", methods=["GET", "POST"])
@bp.route("/hosts/<int:host_id>/edit", methods=["GET", "POST"])
@access.roles_required("admin")
def edit_host(host_id=None):
    """Add or edit a host organisation."""
    host = db.session.get(HostOrganisation, host_id) if host_id else None
    if host_id and host is None:
        abort(404)
    form = HostForm(obj=host)
    if form.validate_on_submit():
        data = services.HostData(**{f: form[f].data for f in services.HostData.__dataclass_fields__})
        try:
            services.save_host(current_user, host, data)
            flash(_("The host organisation is saved."), "success")
            return htmx.redirect(url_for("referrals.hosts"))
        except InvalidInput as error:
            show_error(form, error)
    status = 422 if form.is_submitted() else 200
    return render_template("referrals/host_form.html", form=form, host=host), status


# --- students -----------------------------------------------------------------------------


@bp.route("/me")
@access.roles_required("student")
def mine():
    """My approved referrals and commendations; for a referral, what would be shared, to agree to."""
    rows = db.session.scalars(select(Recommendation).where(
        Recommendation.user_id == current_user.id, Recommendation.status.not_in(("proposed", "rejected")))
        .order_by(Recommendation.created_at.desc())).all()
    previews = {c.id: services.shared_fields(c) for c in rows
                if c.kind == "referral" and c.status == "approved"}
    return render_template("referrals/mine.html", cases=rows, previews=previews, form=ConsentForm(),
                           fingerprint=services.fingerprint, **_labels())


@bp.route("/me/<int:case_id>/consent", methods=["POST"])
@access.roles_required("student")
def consent(case_id):
    """Agree or decline to share the details shown with the host."""
    case = _case(case_id)
    if case.user_id != current_user.id:
        abort(404)
    form = ConsentForm()
    if form.validate_on_submit():
        agree = request.form.get("answer") == "agree"
        try:
            services.answer_consent(current_user, case, agree, request.form.get("seen", ""))
            flash(_("Thank you: the organisers can now send your referral.") if agree
                  else _("Your details will not be shared; the referral will not be sent."), "success")
        except InvalidInput as error:
            flash(error.message, "error")
    return redirect(url_for("referrals.mine"), 303)

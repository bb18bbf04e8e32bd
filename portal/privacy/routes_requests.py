"""Organisers' queue of people's requests about their data, and a request's page with its steps
(and the export and erasure for someone who cannot sign in)."""
from __future__ import annotations

from datetime import datetime, time
from io import BytesIO

from flask import abort, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from portal import access, htmx
from portal.accounts import services as accounts
from portal.accounts.models import User
from portal.audit import services as audit
from portal.certificates.models import Credential
from portal.core import clock, statuses
from portal.core.clock import LOCAL_TZ
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import EmptyForm, choices, one_person, show_error
from portal.i18n import lazy_text as _l
from portal.pagination import page_number
from portal.privacy import bp, closing, erasure, export, request_queue
from portal.privacy import requests as privacy_requests
from portal.privacy.forms import AssignForm, CloseForm, EraseForm, ExtendForm, RecordRequestForm
from portal.privacy.models import REQUEST_KINDS, DataExport, DataRequest

PAGE_SIZE = 30
OFFLINE_CHANNELS = ("letter", "phone", "email", "in_person")


def _request_or_404(request_id: int) -> DataRequest:
    return db.get_or_404(DataRequest, request_id)


def _page_url(req: DataRequest, anchor: str = "") -> str:
    return url_for("privacy.request_page", request_id=req.id) + anchor


# --- the queue, and recording a request that came on paper -----------------------------------------


@bp.route("/admin/privacy/requests")
@access.roles_required("admin")
def requests():
    """The queue of requests about personal data, soonest legal deadline first, with filters."""
    args = {k: request.args.get(k, "")[:20] for k in ("status", "kind", "deadline", "handler")}
    args["status"] = args["status"] or "open"
    stmt = request_queue.queue_query(viewer=current_user, **args)
    page = db.paginate(stmt, page=page_number(), per_page=PAGE_SIZE, error_out=False)
    deadlines = {k: statuses.labels("privacy_deadline")[k] for k in request_queue.FILTER_DEADLINES}
    return htmx.render("privacy/requests.html", "privacy/partials/request_list.html", page=page, args=args,
                       now=clock.now(), labels=privacy_requests, deadline_filters=deadlines,
                       request_statuses=statuses.labels("data_request"))


@bp.route("/admin/privacy/requests/new", methods=["GET", "POST"])
@access.roles_required("admin")
def record_request():
    """Record a request that came by letter, call, email or in person; the person is found by account."""
    form = RecordRequestForm()
    form.channel.choices = choices((c, privacy_requests.CHANNEL_LABELS[c]) for c in OFFLINE_CHANNELS)
    form.kind.choices = choices((k, privacy_requests.KIND_LABELS[k]) for k in REQUEST_KINDS)
    matches: list = []
    if form.validate_on_submit():
        user, matches = _person(form)
        if user is not None or not matches or len(matches) == 1:
            try:
                req = _record(form, user)
            except InvalidInput as error:
                db.session.rollback()
                show_error(form, error)
            else:
                return htmx.redirect(_page_url(req), _("Request recorded. The deadlines are on its page."))
    status = 422 if form.is_submitted() else 200
    return htmx.render("privacy/requests_new.html", None, status, form=form, matches=matches)


def _person(form: RecordRequestForm):
    """The account the organiser means: an exact email wins, else the only match or the one picked."""
    typed = form.person.data or ""
    if not typed:
        return None, []
    user, matches = accounts.find_person(typed)
    return user or one_person(matches, form.person_id.data), matches


def _record(form: RecordRequestForm, user: User | None) -> DataRequest:
    """Open the request the form describes (one transaction); InvalidInput names the field at fault."""
    if form.person.data and user is None:
        raise InvalidInput(_("Nobody has this email, name or student ID. Check it, or clear it and "
                             "say who is asking below."), "person")
    req = privacy_requests.open_request(user, form.kind.data, form.details.data, channel=form.channel.data,
                                        actor=current_user, subject=None if user else form.subject.data,
                                        third_party=form.third_party.data, received_at=_received(form))
    db.session.commit()
    return req


def _received(form: RecordRequestForm) -> datetime | None:
    """When the request arrived: now if today or not given, else noon of that day (Hanoi)."""
    day = form.received_on.data
    if day is None or day >= clock.local_today():
        if day is not None and day > clock.local_today():
            raise InvalidInput(_l("The request cannot arrive in the future."), "received_on")
        return None
    return datetime.combine(day, time(12, 0), tzinfo=LOCAL_TZ)


# --- a request and its steps ------------------------------------------------------------------------


def _step_forms(req: DataRequest, **given) -> dict:
    """The request page's forms, with any submitted one in place of its blank."""
    assign = given.get("assign_form") or AssignForm(formdata=None, handler=str(req.handled_by_id or ""))
    assign.handler.choices = choices((str(u.id), u.full_name) for u in request_queue.organisers())
    return {"ack_form": given.get("ack_form") or EmptyForm(formdata=None),
            "extend_form": given.get("extend_form") or ExtendForm(formdata=None),
            "assign_form": assign,
            "close_form": given.get("close_form") or CloseForm(formdata=None),
            "export_form": EmptyForm(formdata=None)}


def _page(req: DataRequest, status: int = 200, **given):
    """The request page, or its actions partial for htmx (422 when a step was refused)."""
    exports = list(db.session.scalars(db.select(DataExport).where(DataExport.request_id == req.id)
                                      .order_by(DataExport.created_at.desc())))
    return htmx.render("privacy/requests_item.html", "privacy/partials/request_actions.html", status, req=req,
                       history=request_queue.history(req), exports=exports, now=clock.now(),
                       labels=privacy_requests, outcome_text=privacy_requests.outcome_text,
                       **_step_forms(req, **given))


def _step(request_id: int, form_name: str, form, act):
    """Run one step of a request: the form's checks, the service, then back to its page."""
    req = _request_or_404(request_id)
    if form.validate_on_submit():
        try:
            act(req, form)
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            return htmx.redirect(_page_url(req), _("Saved."))
    return _page(req, 422, **{form_name: form})


@bp.route("/admin/privacy/requests/<int:request_id>")
@access.roles_required("admin")
def request_page(request_id):
    """One request: who, what, the deadlines, its history, and the steps left."""
    return _page(_request_or_404(request_id))


@bp.route("/admin/privacy/requests/<int:request_id>/acknowledge", methods=["POST"])
@access.roles_required("admin")
def acknowledge_request(request_id):
    """Record that the person has been answered."""
    return _step(request_id, "ack_form", EmptyForm(),
                 lambda req, form: privacy_requests.acknowledge(req, current_user))


@bp.route("/admin/privacy/requests/<int:request_id>/extend", methods=["POST"])
@access.roles_required("admin")
def extend_request(request_id):
    """Extend the deadline once, with a reason."""
    return _step(request_id, "extend_form", ExtendForm(),
                 lambda req, form: privacy_requests.extend(req, current_user, form.reason.data))


@bp.route("/admin/privacy/requests/<int:request_id>/assign", methods=["POST"])
@access.roles_required("admin")
def assign_request(request_id):
    """Give the request to an organiser."""
    form = AssignForm()
    form.handler.choices = choices((str(u.id), u.full_name) for u in request_queue.organisers())

    def act(req, form):
        handler = db.session.get(User, int(form.handler.data)) if (form.handler.data or "").isdigit() else None
        privacy_requests.assign(req, current_user, handler)

    return _step(request_id, "assign_form", form, act)


@bp.route("/admin/privacy/requests/<int:request_id>/close", methods=["POST"])
@access.roles_required("admin")
def close_request(request_id):
    """Close the request as done or refused, with its outcome."""
    return _step(request_id, "close_form", CloseForm(),
                 lambda req, form: privacy_requests.close(req, current_user, form.status.data, form.outcome.data))


# --- export and erasure for someone who cannot sign in -------------------------------------------------


@bp.route("/admin/privacy/requests/<int:request_id>/export", methods=["POST"])
@access.roles_required("admin")
def request_export(request_id):
    """Prepare the person's export for this request (one transaction with its trace)."""
    req = _request_or_404(request_id)
    if req.user is None or req.user.erased_at is not None:
        abort(404)
    privacy_requests.record_for_request(req, current_user, privacy_requests.EXPORT_PREPARED, user_id=req.user_id)
    export.build(req.user, requested_by=current_user, request=req)  # commits, with the trace above
    return htmx.redirect(_page_url(req, "#exports"),
                         _("The export is ready below for 24 hours. Send it to the person by a safe channel."))


@bp.route("/admin/privacy/requests/<int:request_id>/exports/<int:export_id>")
@access.roles_required("admin")
def request_export_download(request_id, export_id):
    """Download an export made for this request while it lasts; recorded as an export."""
    req = _request_or_404(request_id)
    record = db.session.get(DataExport, export_id)
    if record is None or record.request_id != req.id or record.status != "ready" or record.expires_at <= clock.now():
        abort(404)
    audit.record_access(current_user, privacy_requests.EXPORTED, privacy_requests.TARGET, req.id,
                        export_id=record.id, user_id=record.user_id)
    return send_file(BytesIO(record.content), mimetype="application/zip", as_attachment=True,
                     download_name=export.filename(record))


def _erasable(req: DataRequest) -> User:
    """The account a request's erasure would erase, or 404 (none, already erased) / 403 (one's own)."""
    user = req.user
    if user is None or user.erased_at is not None:
        abort(404)
    if user.id == current_user.id:
        abort(403)
    return user


def _erase_context(req: DataRequest, user: User, form: EraseForm) -> dict:
    """What the confirmation says will happen: seats released, certificates withdrawn."""
    certificates = db.session.scalar(select(func.count(Credential.id)).where(
        Credential.user_id == user.id, Credential.revoked_at.is_(None), Credential.is_current.is_(True))) or 0
    return {"req": req, "person": user, "form": form, "preview": closing.preview(user), "certificates": certificates,
            "closes_request": req.kind == "erasure" and req.status in privacy_requests.OPEN_STATUSES}


def _erase(req: DataRequest, user: User, closes_request: bool) -> None:
    """Erase the person for the request, with its trace (and the request closed) in the same transaction."""
    privacy_requests.record_for_request(req, current_user, privacy_requests.ERASED, user_id=user.id)
    if closes_request:
        privacy_requests.close_in_transaction(req, current_user, "done", privacy_requests.ERASED_OUTCOME)
    erasure.erase(user, actor=current_user, reason="request")  # commits the steps above with it


@bp.route("/admin/privacy/requests/<int:request_id>/erase", methods=["GET", "POST"])
@access.roles_required("admin")
def request_erase(request_id):
    """Confirm, then erase the person's account for this request (an erasure request is closed with it)."""
    req = _request_or_404(request_id)
    user = _erasable(req)
    form = EraseForm()
    context = _erase_context(req, user, form)
    if form.validate_on_submit():
        try:
            _erase(req, user, context["closes_request"])
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            return htmx.redirect(_page_url(req), _("The account is erased. Its hours and bookings stay in the "
                                                   "totals under a pseudonym."))
    status = 422 if form.is_submitted() else 200
    return htmx.render("privacy/requests_erase.html", None, status, **context)

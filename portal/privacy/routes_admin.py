"""Organisers' privacy pages: the queue of people's requests about their data, a request's page
with its steps (and the export and erasure for someone who cannot sign in), and breach records."""
from __future__ import annotations

from datetime import datetime, time

from flask import abort, current_app, flash, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional

from portal import access, htmx
from portal.accounts import services as accounts
from portal.accounts.models import User
from portal.audit import services as audit
from portal.core import clock
from portal.core.clock import LOCAL_TZ
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import BaseForm, EmptyForm, LocalDateField, MultiCheckboxField, choices, one_person, show_error
from portal.i18n import lazy_text as _l
from portal.pagination import page_number
from portal.privacy import bp
from portal.privacy import breach as breach_rules
from portal.privacy import requests as reqs
from portal.privacy.models import REQUEST_KINDS, BreachRecord, DataExport, DataRequest

PAGE_SIZE = 30
OFFLINE_CHANNELS = ("letter", "phone", "email", "in_person")


# --- forms (one per screen) -----------------------------------------------------------------


class RecordRequestForm(BaseForm):
    """An organiser records a request that came by letter, call, email or in person."""

    channel = SelectField(_l("How it arrived"), choices=[], validate_choice=False)
    kind = SelectField(_l("What the person asks for"), choices=[], validate_choice=False)
    person = StringField(_l("Their account (email, name or student ID)"), [Optional(), Length(max=254)],
                         description=_l("An exact email finds the account at once."))
    person_id = HiddenField()
    subject = StringField(_l("No account? Who is asking, and how to reach them"), [Optional(), Length(max=200)],
                          description=_l("For example their name and the address the letter came from."))
    details = TextAreaField(_l("What they ask for"), [Optional(), Length(max=reqs.DETAILS_MAX)])
    received_on = LocalDateField(_l("Received on (dd/mm/yyyy)"), [Optional()],
                                 description=_l("Leave empty if it arrived today. The deadlines count from this day."))
    third_party = BooleanField(_l("A processor or another organisation must act on it (20 days instead of 10 or 15)"))


class ExtendForm(BaseForm):
    """Extend the deadline once."""

    reason = TextAreaField(_l("Why more time is needed"), [Optional(), Length(max=reqs.OUTCOME_MAX)],
                           description=_l("The person must be told this reason."))


class AssignForm(BaseForm):
    """Give the request to an organiser."""

    handler = SelectField(_l("Organiser who handles it"), choices=[], validate_choice=False)


class CloseForm(BaseForm):
    """Close the request as done or refused."""

    status = RadioField(_l("Result"), choices=choices([("done", _l("Done")), ("refused", _l("Refused"))]),
                        validators=[DataRequired(_l("Choose whether the request was done or refused."))])
    outcome = TextAreaField(_l("Outcome, as the person is told"), [Optional(), Length(max=reqs.OUTCOME_MAX)])


class EraseForm(BaseForm):
    """Confirm an erasure."""

    confirm = BooleanField(_l("I have checked who the person is, and I understand that erasure cannot be undone."),
                           [DataRequired(_l("Tick the box to confirm the erasure."))])


class BreachForm(BaseForm):
    """Record a suspected breach."""

    detected_on = LocalDateField(_l("Detected on (dd/mm/yyyy)"), [DataRequired(_l("Enter the date it was detected."))])
    detected_time = TimeField(_l("At (HH:MM)"), [DataRequired(_l("Enter a time as HH:MM."))])
    summary = TextAreaField(_l("What happened"), [Optional(), Length(max=breach_rules.SUMMARY_MAX)],
                            description=_l("What is known so far. Do not copy personal data here."))
    kinds = MultiCheckboxField(_l("Kinds of data that may be touched"), choices=[], validate_choice=False)
    affected_from = LocalDateField(_l("Window from (dd/mm/yyyy)"), [Optional()],
                                   description=_l("The audit log of this window names the people who may be affected."))
    affected_to = LocalDateField(_l("Window to (dd/mm/yyyy)"), [Optional()])
    actions = TextAreaField(_l("What has been done"), [Optional(), Length(max=breach_rules.ACTIONS_MAX)])


class BreachStatusForm(BaseForm):
    """Mark a breach notified or closed."""

    status = RadioField(_l("New status"),
                        choices=choices([("notified", _l("Notified: the authority and the people were told")),
                                         ("closed", _l("Closed: nothing more to do"))]),
                        validators=[DataRequired(_l("Choose notified or closed."))])
    actions = TextAreaField(_l("What has been done"), [Optional(), Length(max=breach_rules.ACTIONS_MAX)])


# --- helpers --------------------------------------------------------------------------------


def _request_or_404(request_id: int) -> DataRequest:
    return db.get_or_404(DataRequest, request_id)


def _local(day, at: time | None = None) -> datetime:
    """A Hanoi day (and time) as an aware datetime."""
    return datetime.combine(day, at or time.min, tzinfo=LOCAL_TZ)


def _record_choices(form: RecordRequestForm) -> None:
    form.channel.choices = choices((c, reqs.CHANNEL_LABELS[c]) for c in OFFLINE_CHANNELS)
    form.kind.choices = choices((k, reqs.KIND_LABELS[k]) for k in REQUEST_KINDS)


def _step_forms(req: DataRequest, **given) -> dict:
    """The request page's forms, with any submitted one in place of its blank."""
    assign = given.get("assign_form") or AssignForm(formdata=None, handler=str(req.handled_by_id or ""))
    assign.handler.choices = choices((str(u.id), u.full_name) for u in reqs.organisers())
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
                       history=reqs.history(req), exports=exports, now=clock.now(), labels=reqs,
                       outcome_text=reqs.outcome_text,
                       **_step_forms(req, **given))


def _step(request_id: int, form_name: str, form, act):
    """Run one step of a request: CSRF and form checks, the service, then back to its page."""
    req = _request_or_404(request_id)
    if form.validate_on_submit():
        try:
            act(req, form)
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Saved."), "success")
            return htmx.redirect(url_for("privacy.request_page", request_id=req.id))
    return _page(req, 422, **{form_name: form})


# --- the queue and a request ----------------------------------------------------------------


@bp.route("/admin/privacy/requests")
@access.roles_required("admin")
def requests():
    """The queue of requests about personal data, soonest legal deadline first, with filters."""
    args = {k: request.args.get(k, "")[:20] for k in ("status", "kind", "deadline", "handler")}
    args["status"] = args["status"] or "open"
    stmt = reqs.queue_query(viewer=current_user, **args)
    page = db.paginate(stmt, page=page_number(), per_page=PAGE_SIZE, error_out=False)
    return htmx.render("privacy/requests.html", "privacy/partials/request_list.html", page=page, args=args,
                       now=clock.now(), labels=reqs)


@bp.route("/admin/privacy/requests/new", methods=["GET", "POST"])
@access.roles_required("admin")
def record_request():
    """Record a request that came by letter, call, email or in person; the person is found by account."""
    form = RecordRequestForm()
    _record_choices(form)
    matches: list = []
    if form.validate_on_submit():
        user, matches = _person(form)
        if user is not None or not matches or len(matches) == 1:
            try:
                if form.person.data and user is None:
                    raise InvalidInput(_("Nobody has this email, name or student ID. Check it, or clear it and "
                                         "say who is asking below."), "person")
                req = reqs.open_request(user, form.kind.data, form.details.data, channel=form.channel.data,
                                        actor=current_user, subject=None if user else form.subject.data,
                                        third_party=form.third_party.data, received_at=_received(form))
                db.session.commit()
            except InvalidInput as error:
                db.session.rollback()
                show_error(form, error)
            else:
                flash(_("Request recorded. The deadlines are on its page."), "success")
                return htmx.redirect(url_for("privacy.request_page", request_id=req.id))
    status = 422 if form.is_submitted() else 200
    return htmx.render("privacy/requests_new.html", None, status, form=form, matches=matches)


def _person(form: RecordRequestForm):
    """The account the organiser means: an exact email wins, else the only match or the one picked."""
    typed = form.person.data or ""
    if not typed:
        return None, []
    user, matches = accounts.find_person(typed)
    return user or one_person(matches, form.person_id.data), matches


def _received(form: RecordRequestForm) -> datetime | None:
    """When the request arrived: now if today or not given, else noon of that day (Hanoi)."""
    day = form.received_on.data
    if day is None or day >= clock.local_today():
        if day is not None and day > clock.local_today():
            raise InvalidInput(_l("The request cannot arrive in the future."), "received_on")
        return None
    return _local(day, time(12, 0))


@bp.route("/admin/privacy/requests/<int:request_id>")
@access.roles_required("admin")
def request_page(request_id):
    """One request: who, what, the deadlines, its history, and the steps left."""
    return _page(_request_or_404(request_id))


@bp.route("/admin/privacy/requests/<int:request_id>/acknowledge", methods=["POST"])
@access.roles_required("admin")
def acknowledge_request(request_id):
    """Record that the person has been answered."""
    return _step(request_id, "ack_form", EmptyForm(), lambda req, form: reqs.acknowledge(req, current_user))


@bp.route("/admin/privacy/requests/<int:request_id>/extend", methods=["POST"])
@access.roles_required("admin")
def extend_request(request_id):
    """Extend the deadline once, with a reason."""
    return _step(request_id, "extend_form", ExtendForm(),
                 lambda req, form: reqs.extend(req, current_user, form.reason.data))


@bp.route("/admin/privacy/requests/<int:request_id>/assign", methods=["POST"])
@access.roles_required("admin")
def assign_request(request_id):
    """Give the request to an organiser."""
    form = AssignForm()
    form.handler.choices = choices((str(u.id), u.full_name) for u in reqs.organisers())

    def act(req, form):
        handler = db.session.get(User, int(form.handler.data)) if (form.handler.data or "").isdigit() else None
        reqs.assign(req, current_user, handler)

    return _step(request_id, "assign_form", form, act)


@bp.route("/admin/privacy/requests/<int:request_id>/close", methods=["POST"])
@access.roles_required("admin")
def close_request(request_id):
    """Close the request as done or refused, with its outcome."""
    return _step(request_id, "close_form", CloseForm(),
                 lambda req, form: reqs.close(req, current_user, form.status.data, form.outcome.data))


@bp.route("/admin/privacy/requests/<int:request_id>/export", methods=["POST"])
@access.roles_required("admin")
def request_export(request_id):
    """Prepare the person's export for this request (one transaction with its trace)."""
    from portal.privacy import export

    req = _request_or_404(request_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if req.user is None or req.user.erased_at is not None:
        abort(404)
    reqs.record_for_request(req, current_user, reqs.EXPORT_PREPARED, user_id=req.user_id)
    export.build(req.user, requested_by=current_user, request=req)  # commits, with the trace above
    flash(_("The export is ready below for 24 hours. Send it to the person by a safe channel."), "success")
    return htmx.redirect(url_for("privacy.request_page", request_id=req.id) + "#exports")


@bp.route("/admin/privacy/requests/<int:request_id>/exports/<int:export_id>")
@access.roles_required("admin")
def request_export_download(request_id, export_id):
    """Download an export made for this request while it lasts; recorded as an export."""
    req = _request_or_404(request_id)
    record = db.session.get(DataExport, export_id)
    if record is None or record.request_id != req.id or record.status != "ready" or record.expires_at <= clock.now():
        abort(404)
    audit.record_access(current_user, reqs.EXPORTED, reqs.TARGET, req.id, export_id=record.id,
                        user_id=record.user_id)
    from io import BytesIO

    from portal.privacy import export

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
    from sqlalchemy import func, select

    from portal.certificates.models import Credential
    from portal.privacy import closing

    certificates = db.session.scalar(select(func.count(Credential.id)).where(
        Credential.user_id == user.id, Credential.revoked_at.is_(None), Credential.is_current.is_(True))) or 0
    return {"req": req, "person": user, "form": form, "preview": closing.preview(user), "certificates": certificates,
            "closes_request": req.kind == "erasure" and req.status in reqs.OPEN_STATUSES}


@bp.route("/admin/privacy/requests/<int:request_id>/erase", methods=["GET", "POST"])
@access.roles_required("admin")
def request_erase(request_id):
    """Confirm, then erase the person's account for this request (an erasure request is closed with it)."""
    from portal.privacy import erasure

    req = _request_or_404(request_id)
    user = _erasable(req)
    form = EraseForm()
    context = _erase_context(req, user, form)
    if form.validate_on_submit():
        try:
            reqs.record_for_request(req, current_user, reqs.ERASED, user_id=user.id)
            if context["closes_request"]:
                reqs.close_in_transaction(req, current_user, "done", reqs.ERASED_OUTCOME)
            erasure.erase(user, actor=current_user, reason="request")  # commits the steps above with it
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("The account is erased. Its hours and bookings stay in the totals under a pseudonym."), "success")
            return htmx.redirect(url_for("privacy.request_page", request_id=req.id))
    status = 422 if form.is_submitted() else 200
    return htmx.render("privacy/requests_erase.html", None, status, **context)


# --- breach records -------------------------------------------------------------------------


def _breach_or_404(breach_id: int) -> BreachRecord:
    return db.get_or_404(BreachRecord, breach_id)


@bp.route("/admin/privacy/breaches")
@access.roles_required("admin")
def breaches():
    """Breach records, newest first, with their notification deadlines."""
    records = list(db.session.scalars(db.select(BreachRecord).order_by(BreachRecord.detected_at.desc(),
                                                                       BreachRecord.id.desc()).limit(200)))
    return htmx.render("privacy/breaches.html", None, records=records,
                       deadlines={b.id: breach_rules.deadline(b) for b in records}, labels=breach_rules)


@bp.route("/admin/privacy/breaches/new", methods=["GET", "POST"])
@access.roles_required("admin")
def record_breach():
    """Record a suspected breach: when it was detected, what happened, which data and which window."""
    form = BreachForm()
    form.kinds.choices = choices(breach_rules.data_kinds().items())
    if form.validate_on_submit():
        try:
            window = (_local(form.affected_from.data) if form.affected_from.data else None,
                      _local(form.affected_to.data, time.max) if form.affected_to.data else None)
            record = breach_rules.record(current_user, _local(form.detected_on.data, form.detected_time.data),
                                     form.summary.data, list(form.kinds.data), *window, actions=form.actions.data)
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Breach recorded. Notify the authority before the deadline shown."), "success")
            return htmx.redirect(url_for("privacy.breach", breach_id=record.id))
    status = 422 if form.is_submitted() else 200
    return htmx.render("privacy/breach_new.html", None, status, form=form)


def _breach_page(record: BreachRecord, status: int = 200, form: BreachStatusForm | None = None):
    people, total, bulk = breach_rules.affected(record)
    contact = current_app.config.get("PRIVACY_CONTACT") or current_user.email
    return htmx.render("privacy/breach.html", None, status, breach=record, deadline=breach_rules.deadline(record),
                       people=people, total=total, bulk=bulk, drafts=breach_rules.drafts(record, total, contact),
                       kinds=breach_rules.data_kinds(), labels=breach_rules,
                       form=form or BreachStatusForm(formdata=None),
                       history=audit.history_of(breach_rules.TARGET, record.id))


@bp.route("/admin/privacy/breaches/<int:breach_id>")
@access.roles_required("admin")
def breach(breach_id):
    """One breach: the 72-hour deadline, the people who may be affected, the drafted notifications."""
    return _breach_page(_breach_or_404(breach_id))


@bp.route("/admin/privacy/breaches/<int:breach_id>/status", methods=["POST"])
@access.roles_required("admin")
def breach_status(breach_id):
    """Mark the breach notified or closed."""
    record = _breach_or_404(breach_id)
    form = BreachStatusForm()
    if form.validate_on_submit():
        try:
            breach_rules.set_status(record, current_user, form.status.data, form.actions.data)
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Saved."), "success")
            return htmx.redirect(url_for("privacy.breach", breach_id=record.id))
    return _breach_page(record, 422, form)

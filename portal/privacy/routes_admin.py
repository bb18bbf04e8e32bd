"""Organisers' privacy pages besides the request queue: the processing register, the retention
settings, and breach records."""
from __future__ import annotations

from datetime import datetime, time

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, htmx
from portal.audit import services as audit
from portal.core.clock import LOCAL_TZ
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import choices, show_error
from portal.privacy import bp, breach, register, register_terms, retention
from portal.privacy.forms import BreachForm, BreachStatusForm
from portal.privacy.models import BreachRecord


@bp.route("/admin/privacy/register")
@access.roles_required("admin")
def processing_register():
    """The processing register, for organisers: every kind of data and every column."""
    return htmx.render("privacy/register.html", None, 200, rows=register.register_rows(),
                       tables=register.TABLES, kinds=register_terms.DATA_KINDS,
                       erase_labels=register_terms.ERASE_LABELS)


@bp.route("/admin/privacy/retention")
@access.roles_required("admin")
def retention_settings():
    """Show each retention rule, its setting and how many records the next run would change."""
    return htmx.render("privacy/retention.html", plan=retention.plan())


# --- breach records -------------------------------------------------------------------------


def _breach_or_404(breach_id: int) -> BreachRecord:
    return db.get_or_404(BreachRecord, breach_id)


def _local(day, at: time | None = None) -> datetime:
    """A Hanoi day (and time) as an aware datetime."""
    return datetime.combine(day, at or time.min, tzinfo=LOCAL_TZ)


@bp.route("/admin/privacy/breaches")
@access.roles_required("admin")
def breaches():
    """Breach records, newest first, with their notification deadlines."""
    records = list(db.session.scalars(db.select(BreachRecord).order_by(BreachRecord.detected_at.desc(),
                                                                       BreachRecord.id.desc()).limit(200)))
    return htmx.render("privacy/breaches.html", records=records,
                       deadlines={b.id: breach.deadline(b) for b in records})


def _record(form: BreachForm) -> BreachRecord:
    """Record the breach the form describes; InvalidInput names the field at fault."""
    window = (_local(form.affected_from.data) if form.affected_from.data else None,
              _local(form.affected_to.data, time.max) if form.affected_to.data else None)
    return breach.record(current_user, _local(form.detected_on.data, form.detected_time.data),
                         form.summary.data, list(form.kinds.data), *window, actions=form.actions.data)


@bp.route("/admin/privacy/breaches/new", methods=["GET", "POST"])
@access.roles_required("admin")
def record_breach():
    """Record a suspected breach: when it was detected, what happened, which data and which window."""
    form = BreachForm()
    form.kinds.choices = choices(breach.data_kinds().items())
    if form.validate_on_submit():
        try:
            record = _record(form)
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            return htmx.redirect(url_for("privacy.breach", breach_id=record.id),
                                 _("Breach recorded. Notify the authority before the deadline shown."))
    status = 422 if form.is_submitted() else 200
    return htmx.render("privacy/breach_new.html", None, status, form=form)


def _breach_page(record: BreachRecord, status: int = 200, form: BreachStatusForm | None = None):
    """A breach's page, with the status form (422 and its errors when a change was refused)."""
    people, total, bulk = breach.affected(record)
    contact = current_app.config.get("PRIVACY_CONTACT") or current_user.email
    return htmx.render("privacy/breach.html", None, status, breach=record, deadline=breach.deadline(record),
                       people=people, total=total, bulk=bulk, drafts=breach.drafts(record, total, contact),
                       kinds=breach.data_kinds(), labels=breach, form=form or BreachStatusForm(formdata=None),
                       history=audit.history_of(breach.TARGET, record.id))


@bp.route("/admin/privacy/breaches/<int:breach_id>", endpoint="breach")
@access.roles_required("admin")
def show_breach(breach_id):
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
            breach.set_status(record, current_user, form.status.data, form.actions.data)
        except InvalidInput as error:
            db.session.rollback()
            show_error(form, error)
        else:
            return htmx.redirect(url_for("privacy.breach", breach_id=record.id), _("Saved."))
    return _breach_page(record, 422, form)

"""Training sessions: trainers schedule them and take attendance; students register."""
from __future__ import annotations

from datetime import datetime

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, htmx
from portal.campaigns import services as campaigns
from portal.campaigns.loaders import campaign_or_404
from portal.core import statuses
from portal.core.clock import LOCAL_TZ
from portal.core.converters import small_int
from portal.core.urls import moved
from portal.core.validation import InvalidInput
from portal.forms import EmptyForm, choices, show_error
from portal.pagination import paginate_rows
from portal.training import bp, sessions
from portal.training import services as training
from portal.training.forms import SessionForm
from portal.training.loaders import require_sign_off, session_or_404

# A campaign's settings pages live under /campaigns/<slug>/; the old addresses keep working.
moved(bp, "/training/<slug>/sessions", "/campaigns/<slug>/training/sessions")
moved(bp, "/training/<slug>/sessions/new", "/campaigns/<slug>/training/sessions/new", methods=("GET", "POST"))


@bp.route("/campaigns/<slug>/training/sessions")
@access.signed_in
def session_list(slug):
    """A campaign's training sessions, soonest first."""
    campaign = campaign_or_404(slug)
    items = sessions.sessions_of(campaign)
    return htmx.render("training/sessions.html", None, campaign=campaign, sessions=items,
                       taken=sessions.seats_taken_by_session([s.id for s in items]),
                       can_schedule=training.can_sign_off(current_user, campaign))


def _local(day, at):
    """An aware datetime from a local (Hanoi) date and time."""
    return datetime.combine(day, at, tzinfo=LOCAL_TZ)


@bp.route("/campaigns/<slug>/training/sessions/new", methods=["GET", "POST"])
@access.roles_required("trainer", "admin")
def schedule_session(slug):
    """Schedule a session covering some modules."""
    campaign = campaign_or_404(slug)
    require_sign_off(campaign)
    form = SessionForm(capacity=40)
    form.module_ids.choices = choices((m.id, m.title) for m in training.modules_of(campaign))
    if form.validate_on_submit():
        data = sessions.SessionData(
            title=form.title.data, starts_at=_local(form.date.data, form.start_time.data),
            ends_at=_local(form.date.data, form.end_time.data), place=form.place.data or "",
            online_url=form.online_url.data or "", capacity=form.capacity.data, module_ids=form.module_ids.data,
        )
        try:
            session = sessions.schedule(current_user, campaign, data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            flash(_("Session scheduled."), "success")
            return htmx.redirect(url_for("training.show_session", session_id=session.id))
    return htmx.render("training/session_form.html", None, 422 if form.is_submitted() else 200, form=form,
                       campaign=campaign)


@bp.route("/training/sessions/<int:session_id>")
@access.signed_in
def show_session(session_id):
    """A session: details, seats, the student's registration, and the trainer's attendance roster."""
    session = session_or_404(session_id)
    can_take = training.can_sign_off(current_user, session.campaign)
    search, attendance = request.args.get("q", "").strip()[:100], request.args.get("attendance", "")
    page = paginate_rows(sessions.roster_query(session, search, attendance), 50) if can_take else None
    return htmx.render(
        "training/session.html", "training/partials/session_roster.html", session=session, form=EmptyForm(),
        registered=any(r.user_id == current_user.id for r in session.registrations),
        taken=len(session.registrations), can_take=can_take, page=page, q=search, attendance=attendance,
        enrolled=campaigns.is_enrolled(current_user, session.campaign),
        attendance_labels=statuses.labels("session_attendance"),
    )


@bp.route("/training/sessions/<int:session_id>/registration", methods=["POST"])
@access.roles_required("student")
def registration(session_id):
    """Register for a session, or cancel the registration ('action=cancel')."""
    session = session_or_404(session_id)
    try:
        if request.form.get("action") == "cancel":
            sessions.unregister(current_user, session)
            flash(_("Your registration is cancelled."), "success")
        else:
            sessions.register(current_user, session)
            flash(_("You are registered. See you there!"), "success")
    except InvalidInput as error:
        flash(str(error.message), "error")
    return htmx.redirect(url_for("training.show_session", session_id=session.id))


@bp.route("/training/sessions/<int:session_id>/attendance", methods=["POST"])
@access.roles_required("trainer", "admin")
def attendance(session_id):
    """Record who attended; their covered modules are completed in the same step."""
    session = session_or_404(session_id)
    require_sign_off(session.campaign)
    present = {small_int(i) for i in request.form.getlist("present")} - {None}
    shown = {small_int(i) for i in request.form.getlist("shown")} - {None}
    done = sessions.take_attendance(current_user, session, present, shown or None)
    flash(_("Attendance saved: %(n)d module completions recorded.", n=done), "success")
    return htmx.redirect(url_for("training.show_session", session_id=session.id))

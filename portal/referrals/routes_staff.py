"""Campaign staff (leaders, trainers, organisers) find a student of the campaign and nominate them."""
from __future__ import annotations

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import access, htmx
from portal.accounts.models import User
from portal.accounts.services import person_filter
from portal.audit import labels as audit_labels
from portal.audit import services as audit
from portal.campaigns.loaders import campaign_or_404
from portal.core.urls import moved
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import show_error
from portal.pagination import paginate_rows
from portal.referrals import bp, steps
from portal.referrals import services as referrals
from portal.referrals.evidence import evidence_for
from portal.referrals.forms import NominationForm
from portal.referrals.models import Recommendation

STAFF = ("leader", "trainer", "admin")

# Nominating is among a campaign's pages, under /campaigns/<slug>/.
moved(bp, "/referrals/<slug>/nominate", "/campaigns/<slug>/referrals/nominate")
moved(bp, "/referrals/<slug>/nominate/<int:user_id>", "/campaigns/<slug>/referrals/nominate/<user_id>",
      methods=("GET", "POST"))


@bp.route("/campaigns/<slug>/referrals/nominate")
@access.roles_required(*STAFF)
def find_student(slug):
    """Search the campaign's students by name, email or student ID, to nominate one."""
    campaign = campaign_or_404(slug)
    scope = referrals.search_scope(current_user, campaign)
    if scope is False:
        abort(403)
    q = (request.args.get("q") or "").strip()[:100]
    page = None
    if q:
        query = select(User).where(referrals.nominees(campaign), person_filter(q)).order_by(User.sort_name)
        if scope is not None:
            query = query.where(User.id.in_(scope))
        page = paginate_rows(query, 25)
    return htmx.render("referrals/find_student.html", "referrals/partials/students_found.html", campaign=campaign,
                       q=q, page=page)


@bp.route("/campaigns/<slug>/referrals/nominate/<int:user_id>", methods=["GET", "POST"])
@access.roles_required(*STAFF)
def nominate(slug, user_id):
    """The student's record, gathered for you, and the nomination form."""
    campaign = campaign_or_404(slug)
    student = referrals.nominee(campaign, user_id)
    if student is None:  # not an enrolled student of this campaign: nothing to show or nominate
        abort(404)
    if referrals.capacity(current_user, campaign, student) is None:
        abort(403)
    form = NominationForm()
    if form.validate_on_submit():
        try:
            referrals.nominate(current_user, campaign, student, form.kind.data, form.reason.data)
            return htmx.redirect(url_for("referrals.nominate", slug=slug, user_id=user_id), _(
                "Thank you: your nomination of %(name)s is recorded for the organisers.", name=student.full_name))
        except InvalidInput as error:
            show_error(form, error)
        except steps.NotAllowed:
            abort(403)
    return _nominate_page(campaign, student, form)


def _nominate_page(campaign, student, form):
    """The student's record (its viewing logged), the cases already open for them, and the form."""
    audit.record_access(current_user, audit_labels.PERSON_VIEWED, "user", student.id, campaign=campaign.id)
    record = evidence_for(campaign, [student.id]).get(student.id)
    cases = db.session.scalars(select(Recommendation).where(
        Recommendation.campaign_id == campaign.id, Recommendation.user_id == student.id)).all()
    return htmx.render("referrals/nominate.html", None, 422 if form.errors or form.form_errors else 200,
                       campaign=campaign, student=student, record=record, form=form, cases=cases)

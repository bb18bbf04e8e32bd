"""Students see their approved referrals and commendations and agree (or not) to what a host receives."""
from __future__ import annotations

from flask import abort, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import access, htmx
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.referrals import bp, letters
from portal.referrals.forms import ConsentForm
from portal.referrals.loaders import case_or_404
from portal.referrals.models import Recommendation


@bp.route("/referrals/me")
@access.roles_required("student")
def mine():
    """My approved referrals and commendations; for a referral, what would be shared, to agree to."""
    rows = db.session.scalars(select(Recommendation).where(
        Recommendation.user_id == current_user.id, Recommendation.status.not_in(("proposed", "rejected")))
        .order_by(Recommendation.created_at.desc())).all()
    previews = {c.id: letters.shared_fields(c) for c in rows
                if c.kind == "referral" and c.status == "approved"}
    return htmx.render("referrals/mine.html", cases=rows, previews=previews, form=ConsentForm(),
                       fingerprint=letters.fingerprint)


@bp.route("/referrals/me/<int:case_id>/consent", methods=["POST"])
@access.roles_required("student")
def consent(case_id):
    """Agree or decline to share the details shown with the host."""
    case = case_or_404(case_id)
    if case.user_id != current_user.id:
        abort(404)
    form = ConsentForm()
    agree = form.answer.data == "agree"
    try:
        if not form.validate():
            raise InvalidInput(form.answer.errors[0] if form.answer.errors else _("Please try again."))
        letters.answer_consent(current_user, case, agree, form.seen.data or "")
    except InvalidInput as error:
        return htmx.redirect(url_for("referrals.mine"), error.message, "error")
    return htmx.redirect(url_for("referrals.mine"), _("Thank you: the organisers can now send your referral.")
                         if agree else _("Your details will not be shared; the referral will not be sent."))

"""The shift's activity log: the end-of-shift form, and the tally kept tap by tap during the shift."""
from __future__ import annotations

from flask import abort, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, htmx
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import show_error
from portal.i18n import current_locale
from portal.operations import activity, bp
from portal.operations.forms import TallyForm, activity_log_form, count_field
from portal.shifts.models import Shift


def _shift_i_may_log(shift_id: int) -> tuple[Shift, bool]:
    """The shift (404), if the current user may write its log (403): its point's leaders and organisers, who
    also confirm it, or a volunteer booked on it, who drafts it."""
    shift = db.get_or_404(Shift, shift_id)
    may_write, may_confirm = activity.may_write_log(current_user, shift)
    if not may_write:
        abort(403)
    return shift, may_confirm


@bp.route("/operations/shifts/<int:shift_id>/log", methods=["GET", "POST"])
@access.roles_required("student", "leader", "admin")
def activity_log(shift_id):
    """The shift's activity diary: counts per category, the elderly helped, notes and incidents."""
    shift, may_confirm = _shift_i_may_log(shift_id)
    cats, log = activity.categories(shift.campaign_id), activity.log_for(shift)
    form = activity_log_form(cats, current_locale(), log)
    if form.validate_on_submit():
        try:
            activity.save(current_user, shift, {c.id: form[count_field(c.id)].data for c in cats}, form.elderly.data,
                          form.notes.data, form.incidents.data, confirm=may_confirm and form.confirm.data == "1")
        except InvalidInput as error:
            show_error(form, error)
        else:
            return htmx.redirect(url_for("operations.activity_log", shift_id=shift.id), _("Activity log saved."))
    return htmx.render("operations/activity_log.html", None, 422 if form.errors else 200, shift=shift,
                       categories=cats, log=log, form=form, may_confirm=may_confirm)


def _tap(shift: Shift, form: TallyForm):
    """Count one tap of the tally form: None when it counted, else what went wrong."""
    try:
        if not form.validate_on_submit():
            raise InvalidInput(_("Tap +1 or −1."), "tally")
        activity.tally(current_user, shift, form.category.data, int(form.delta.data))
    except InvalidInput as invalid:
        return invalid.message
    return None


@bp.route("/operations/shifts/<int:shift_id>/tally", methods=["GET", "POST"])
@access.roles_required("student", "leader", "admin")
def tally(shift_id):
    """Count the people helped as the shift runs: +1 (or −1) per kind of help, each tap saved at once;
    the numbers land in the activity log, confirmed at the end."""
    shift, may_confirm = _shift_i_may_log(shift_id)
    form = TallyForm()
    message = _tap(shift, form) if form.is_submitted() else None
    cats, counts = activity.categories(shift.campaign_id), activity.tallied(shift)
    tapped = next((c for c in cats if c.key == form.category.data), None)
    context = {"shift": shift, "categories": cats, "counts": counts, "log": activity.log_for(shift),
               "may_confirm": may_confirm, "message": message, "c": tapped,
               "n": counts.get(getattr(tapped, "key", ""), 0)}
    if not form.is_submitted():
        return htmx.render("operations/tally.html", "operations/partials/tally_tap.html", **context)
    # A tap: htmx gets the category's number (or, with nothing to re-render in place, the total and the
    # message); a plain form goes back to the page, with the message if the tap did not count.
    fragment = "operations/partials/tally_tap.html" if tapped else "operations/partials/tally_total.html"
    answer = htmx.answer(fragment, redirect_to=url_for("operations.tally", shift_id=shift.id),
                         status_code=422 if message else 200, flash_message=message, flash_category="error", **context)
    return answer if tapped else htmx.retarget(answer, f"#tally-{shift.id}-total", "outerHTML")

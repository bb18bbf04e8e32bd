"""What staff see of reminders: a shift's answers (its leaders, organisers everywhere), and the organisers'
pages of a campaign: its reminder settings, and its students with no-shows (lift a pause)."""
from __future__ import annotations

from datetime import time

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, htmx
from portal.campaigns.loaders import campaign_or_404
from portal.core.validation import InvalidInput
from portal.forms import EmptyForm, show_error
from portal.operations.loaders import shift_at_my_point
from portal.reminders import answers, bp, noshows
from portal.reminders import services as reminders
from portal.reminders.forms import SettingsForm


@bp.route("/reminders/shifts/<int:shift_id>")
@access.roles_required("leader", "admin")
def shift_answers(shift_id):
    """Who confirmed, who has not answered and who gave up their seat, for one shift at a point I run."""
    shift = shift_at_my_point(shift_id)
    return htmx.render("reminders/shift_answers.html", None, shift=shift, roster=answers.roster(shift))


@bp.route("/campaigns/<slug>/reminders", methods=["GET", "POST"])
@access.roles_required("admin")
def settings(slug):
    """Organisers choose when the campaign's volunteers are reminded, what they bring, and the no-show rule."""
    campaign = campaign_or_404(slug)
    current = reminders.settings_for(campaign.id)
    form = SettingsForm(data={**{name: getattr(current, name) for name in reminders.FIELDS},
                              "evening_at": current.evening_at.strftime("%H:%M")})
    if form.validate_on_submit():
        hour, minute = (int(part) for part in form.evening_at.data.split(":"))
        try:
            reminders.save_settings(current_user, campaign.id, evening_on=form.evening_on.data,
                                    evening_at=time(hour, minute), soon_on=form.soon_on.data,
                                    soon_hours=form.soon_hours.data, what_to_bring=form.what_to_bring.data,
                                    no_show_limit=form.no_show_limit.data)
        except InvalidInput as error:
            show_error(form, error)
        else:
            return htmx.redirect(url_for("reminders.settings", slug=slug), _("Reminder settings saved."))
    return htmx.render("reminders/settings.html", None, 422 if form.errors else 200, campaign=campaign, form=form,
                       bring=reminders.BRING)


@bp.route("/campaigns/<slug>/no-shows")
@access.roles_required("admin")
def no_shows(slug):
    """Students of the campaign who missed shifts: how many, the rule, and whether their self-booking is paused."""
    campaign = campaign_or_404(slug)
    return htmx.render("reminders/no_shows.html", None, campaign=campaign, lines=noshows.report(campaign),
                       limit=reminders.settings_for(campaign.id).no_show_limit, lift_form=EmptyForm())


@bp.route("/campaigns/<slug>/no-shows/<int:user_id>/lift", methods=["POST"])
@access.roles_required("admin")
def lift_pause(slug, user_id):
    """Lift a student's no-show pause in the campaign: they can book for themselves again."""
    campaign = campaign_or_404(slug)
    back = url_for("reminders.no_shows", slug=slug)
    if not EmptyForm().validate_on_submit():
        return htmx.redirect(back, _("The form expired. Try again."), "error")
    try:
        noshows.lift(current_user, campaign, user_id)
    except InvalidInput as error:
        return htmx.redirect(back, error.message, "warning")
    return htmx.redirect(back, _("The pause is lifted: the student can book again."))

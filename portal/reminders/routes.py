"""The pages a reminder email links to, opened with the link's signed token (no sign-in needed on a phone).

A GET only shows the question (mail scanners follow links); the buttons post it with the form's CSRF token.
"""
from __future__ import annotations

from flask import url_for

from portal import access, htmx
from portal.core import clock
from portal.core.validation import InvalidInput
from portal.forms import show_error
from portal.reminders import answers, bp, noshows
from portal.reminders import services as reminders
from portal.reminders.forms import AnswerForm, MissedForm


def _link_problem(error: InvalidInput):
    """A link that is expired, altered or not for this booking: say so (404), change nothing."""
    return htmx.render("reminders/link_problem.html", None, 404, message=error.message)


@bp.route("/reminders/answer/<token>", methods=["GET", "POST"])
@access.public
def answer(token):
    """"Bạn vẫn đến chứ?": the question and two buttons; the posted answer confirms or gives the seat up."""
    try:
        held = reminders.booking_of_token("answer", token)
    except InvalidInput as error:
        return _link_problem(error)
    form = AnswerForm()
    if form.validate_on_submit():
        outcome = answers.answer(held, form.answer.data)
        return htmx.redirect(url_for("reminders.answer", token=token), outcome.message, outcome.category)
    return htmx.render("reminders/answer.html", None, 422 if form.errors else 200, form=form, held=held,
                       given=answers.confirmation(held.id), token=token, now=clock.now())


@bp.route("/reminders/missed/<token>", methods=["GET", "POST"])
@access.public
def missed(token):
    """After a missed shift: "did something go wrong?", with an optional reason only organisers read."""
    try:
        held = reminders.booking_of_token("missed", token)
    except InvalidInput as error:
        return _link_problem(error)
    form = MissedForm()
    if form.validate_on_submit():
        try:
            noshows.save_reason(held, form.reason.data or "")
        except InvalidInput as error:
            show_error(form, error)
        else:
            return htmx.redirect(url_for("reminders.missed", token=token), answers.THANKS)
    return htmx.render("reminders/missed.html", None, 422 if form.errors else 200, form=form, held=held,
                       row=noshows.missed_row(held.id), token=token)

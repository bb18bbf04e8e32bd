"""The board's forms: a post on one point's board, a post on several points, a message to a shift."""
from __future__ import annotations

from wtforms import BooleanField, FileField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.forms import BaseForm, MultiCheckboxField, choices
from portal.i18n import format_date, format_time_local
from portal.i18n import lazy_text as _l
from portal.teamboard.models import BODY_MAX, LINK_MAX, MESSAGE_MAX


def _no_shift(value):
    """The select's empty option means no shift."""
    return int(value) if value not in (None, "", "0") else None


class PostForm(BaseForm):
    """A post on one point's board, possibly a call for more people on one of its shifts."""

    body = TextAreaField(_l("Update"), [DataRequired(message=_l("Write the update.")), Length(max=BODY_MAX)],
                         description=_l("Short and practical: what changed, what to bring, where to go."),
                         render_kw={"rows": 3})
    link = StringField(_l("Link (optional)"), [Optional(), Length(max=LINK_MAX)],
                       description=_l("A web address starting with https://"))
    image = FileField(_l("Picture (optional)"), description=_l("JPEG, PNG or WebP, at most 2 MB."),
                      render_kw={"accept": "image/jpeg,image/png,image/webp"})
    pinned = BooleanField(_l("Pin to the top of the board"))
    shift_id = SelectField(_l("Call for people on a shift (optional)"), coerce=_no_shift, validate_choice=False)
    need_count = IntegerField(_l("How many more people"), [Optional(), NumberRange(
        1, 100, message=_l("Enter a number from 1 to 100."))])


def post_form(shifts, formdata=None) -> PostForm:
    """The post form with the point's upcoming shifts to call for."""
    kwargs = {} if formdata is None else {"formdata": formdata}
    form = PostForm(**kwargs)
    form.shift_id.choices = choices([("", _l("No call"))] + [
        (str(s.id), f"{format_date(s.starts_at)} {format_time_local(s.starts_at)}–{format_time_local(s.ends_at)}"
                    f" ({s.booked_count}/{s.capacity})") for s in shifts])
    return form


class ManyPostForm(BaseForm):
    """An organiser's post on several points' boards, or on every point of a branch."""

    point_ids = MultiCheckboxField(_l("Service points"), coerce=int, choices=[])
    branch_ids = MultiCheckboxField(_l("Every point of these branches"), coerce=int, choices=[])
    body = PostForm.body
    link = PostForm.link
    image = PostForm.image
    pinned = PostForm.pinned


class MessageForm(BaseForm):
    """A leader's message to the volunteers of one shift."""

    body = TextAreaField(_l("Your message"), [DataRequired(message=_l("Write the message.")), Length(max=MESSAGE_MAX)],
                         description=_l("For example: the point opens at 7:00 tomorrow, come to the side door."),
                         render_kw={"rows": 3})

"""The organisers' forms for guides: the guide's text, a screenshot, a reviewer's note."""
from __future__ import annotations

from wtforms import FileField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import BaseForm
from portal.guides.models import BODY_MAX, CALL_MAX, SLUG_MAX, SUMMARY_MAX, TITLE_MAX
from portal.i18n import lazy_text as _l

ALT_MAX = 200
NOTE_MAX = 300
MARKDOWN_HINT = _l("Markdown: numbered steps 1. 2. 3., **bold**, links [text](https://…), pictures ![text](image:12) "
                   "(copy the snippet shown under each picture).")


def _required(message):
    """A required text field's validators."""
    return [DataRequired(message=message)]


class GuideForm(BaseForm):
    """A guide's short address and its text: Vietnamese required, English optional (title and steps together)."""

    slug = StringField(_l("Short address"), [*_required(_l("Enter the guide's short address.")), Length(max=SLUG_MAX)],
                       description=_l("3 to 60 lowercase letters, digits and hyphens, e.g. kich-hoat-vneid. It is "
                                      "printed in the posters' QR codes, so it cannot change once published."),
                       render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"})
    title_vi = StringField(_l("Title (Vietnamese)"), [*_required(_l("Enter the title in Vietnamese.")),
                                                      Length(max=TITLE_MAX)])
    summary_vi = TextAreaField(_l("Summary (Vietnamese)"), [*_required(_l("Enter the summary in Vietnamese.")),
                                                            Length(max=SUMMARY_MAX)],
                               description=_l("One or two sentences: who it is for and what they will have done."),
                               render_kw={"rows": 2})
    call_vi = StringField(_l("Call to action (Vietnamese)"),
                          [*_required(_l("Enter the call to action in Vietnamese.")), Length(max=CALL_MAX)],
                          description=_l("Printed in large type on the poster, e.g. “Quét mã để xem từng bước”."))
    body_vi = TextAreaField(_l("Steps (Vietnamese)"), [*_required(_l("Write the steps in Vietnamese.")),
                                                       Length(max=BODY_MAX)],
                            description=MARKDOWN_HINT, render_kw={"rows": 14})
    title_en = StringField(_l("Title (English, optional)"), [Optional(), Length(max=TITLE_MAX)])
    summary_en = TextAreaField(_l("Summary (English, optional)"), [Optional(), Length(max=SUMMARY_MAX)],
                               render_kw={"rows": 2})
    call_en = StringField(_l("Call to action (English, optional)"), [Optional(), Length(max=CALL_MAX)])
    body_en = TextAreaField(_l("Steps (English, optional)"), [Optional(), Length(max=BODY_MAX)],
                            description=_l("Leave the English title and steps empty for a guide in Vietnamese only."),
                            render_kw={"rows": 10})


class ImageForm(BaseForm):
    """A screenshot for a guide and the words that describe it to someone who cannot see it."""

    image = FileField(_l("Picture"), description=_l("JPEG, PNG or WebP, at most 2 MB. The portal removes the "
                                                    "photo's hidden details (place, device) and makes it smaller."),
                      render_kw={"accept": "image/jpeg,image/png,image/webp"})
    alt = StringField(_l("What the picture shows"), [*_required(_l("Describe the picture in a few words.")),
                                                      Length(max=ALT_MAX)],
                      description=_l("Read aloud to people who cannot see it, e.g. “Màn hình đăng nhập VNeID”."))


class NoteForm(BaseForm):
    """Why a reviewer sends a guide back to its author."""

    note = TextAreaField(_l("What needs changing"), [*_required(_l("Write what needs changing.")),
                                                     Length(max=NOTE_MAX)], render_kw={"rows": 3})


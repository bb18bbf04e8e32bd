"""Text that reaches HTML is always escaped: stored names and titles carried by messages arrive as text.

The attack: a module title, point name, host name or category label holding htmx attributes.
Under our CSP a <script> is blocked, but htmx would still act on injected attributes with the
viewer's CSRF token. Every message that carries data must therefore escape it.
"""
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import flash, render_template_string
from flask_babel import force_locale
from markupsafe import Markup

from portal.accounts.models import User
from portal.campaigns.models import Campaign, PointLeader, ServicePoint
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import BaseForm, show_error
from portal.i18n import lazy_ntext, lazy_text
from portal.operations import activity, checkin
from portal.shifts import booking
from portal.shifts.models import Booking
from tests.factories import enrol

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = '<b hx-get="/x" hx-trigger="load">'
ESCAPED = "&lt;b hx-get=&#34;/x&#34; hx-trigger=&#34;load&#34;&gt;"
PLACEHOLDER = re.compile(r"%\((\w+)\)([sdfr]|\.\d+f)")


def _messages_with_data():
    """Every message of the catalogue that formats data into itself, with the kinds of its placeholders."""
    with open(ROOT / "portal" / "translations" / "messages.pot", "rb") as handle:
        catalogue = read_po(handle)
    found = []
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if ids[0] and PLACEHOLDER.search(ids[0]):
            found.append(ids)
    return found


MESSAGES = _messages_with_data()


def _values(text: str) -> dict:
    """The payload for every text placeholder, numbers for the others."""
    return {name: (PAYLOAD if kind in ("s", "r") else 3) for name, kind in PLACEHOLDER.findall(text)}


def assert_escaped(html: str) -> None:
    """The payload arrived as text, never as markup."""
    assert PAYLOAD not in html and "<b hx-get" not in html
    assert ESCAPED in html


def test_the_catalogue_has_the_messages_this_test_is_about():
    assert len(MESSAGES) > 100


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_message_carrying_data_arrives_escaped_wherever_it_is_shown(app, lang):
    """Each message path that takes data: the template itself, a flash, a form error (summary and
    field), a refusal raised as InvalidInput, and markup built around the message."""
    checked = 0
    with app.test_request_context(f"/?lang={lang}"), force_locale(lang):
        for ids in MESSAGES:
            values = _values(ids[0])
            if PAYLOAD not in values.values():
                continue
            if len(ids) > 1:  # a plural's %(num)d is its count, given once
                message = lazy_ntext(ids[0], ids[1], values.pop("num", 1), **values)
            else:
                message = lazy_text(ids[0], **values)
            assert_escaped(render_template_string("{{ m }}", m=message))
            assert_escaped(str(Markup("<p>%s</p>") % message))
            flash(message, "error")
            assert_escaped(render_template_string('{% include "partials/flashes.html" %}'))
            form = BaseForm(meta={"csrf": False})
            show_error(form, InvalidInput(message))
            assert_escaped(render_template_string(
                '{% from "macros/forms.html" import error_summary %}{{ error_summary(form) }}', form=form))
            checked += 1
    assert checked > 60


def test_messages_are_lazy_text_everywhere_never_flask_babels_safe_lazy_string():
    """Flask-Babel's LazyString declares itself safe markup; the portal must use lazy_text instead."""
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "portal").rglob("*.py")
                 if re.search(r"\blazy_n?gettext\b", path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_markup_is_only_built_from_our_own_renderings():
    """Markup() and |safe mark text as trusted: only rendered templates, generated QR codes, the
    sanitised module body and a notice's text (escaped first, links built from a format) may be."""
    allowed = {"portal/certificates/__init__.py", "portal/guides/render.py", "portal/operations/routes.py",
               "portal/accounts/routes_two_factor.py", "portal/notifications/display.py"}
    uses = {str(path.relative_to(ROOT)) for path in (ROOT / "portal").rglob("*.py")
            if re.search(r"\bMarkup\(", path.read_text(encoding="utf-8"))}
    assert uses <= allowed
    safe_filters = [str(path.relative_to(ROOT)) for path in (ROOT / "templates").rglob("*.html")
                    if re.search(r"\|\s*safe\b", path.read_text(encoding="utf-8"))]
    assert safe_filters == ["templates/training/module.html"]  # nh3-sanitised on save


@dataclass
class Hostile:
    """A campaign, a point whose name carries the payload (its leader too), a calm point and an enrolled student."""

    campaign: Campaign
    point: ServicePoint
    calm: ServicePoint
    leader: User
    student: User


@pytest.fixture
def hostile(make_user, make_campaign, make_point, make_shift, make_module):
    """A campaign whose stored names all carry the payload: a point, a module, a category."""
    campaign = make_campaign()
    point = make_point(name=f"Điểm {PAYLOAD}")
    calm = make_point(name="Điểm Bát Tràng")
    leader = make_user(role="leader")
    db.session.add(PointLeader(point_id=point.id, user_id=leader.id))
    student = make_user()
    enrol(campaign, student)
    return Hostile(campaign=campaign, point=point, calm=calm, leader=leader, student=student)


def test_a_booking_refusal_names_a_hostile_point_as_text(client, auth, hostile, make_shift):
    mine = make_shift(hostile.campaign, hostile.point)
    clash = make_shift(hostile.campaign, hostile.calm, starts_at=mine.starts_at)
    booking.book(hostile.student, mine.id)
    auth.as_(hostile.student)
    refused = client.post(f"/shifts/{clash.id}/book", headers={"HX-Request": "true"})
    assert refused.status_code == 422
    assert_escaped(refused.get_data(as_text=True))
    assert 'class="muted small refusal" hx-disable' in client.get("/shifts/").get_data(as_text=True)


def test_a_missing_module_with_a_hostile_title_is_named_as_text(client, auth, hostile, make_shift, make_module):
    make_module(hostile.campaign, title=f"Học phần {PAYLOAD}")
    shift = make_shift(hostile.campaign, hostile.calm)
    auth.as_(hostile.student)
    refused = client.post(f"/shifts/{shift.id}/book", headers={"HX-Request": "true"})
    assert refused.status_code == 422
    assert_escaped(refused.get_data(as_text=True))


def test_a_form_error_names_a_hostile_category_as_text(client, auth, hostile, make_shift):
    shift = make_shift(hostile.campaign, hostile.point, starts_in=timedelta(hours=-2), hours=3)
    cats = activity.add_default_categories(hostile.campaign.id)  # what creating the campaign through the service adds
    cats[0].label_vi = f"Hướng dẫn {PAYLOAD}"
    db.session.commit()
    auth.as_(hostile.leader)
    data = {f"count-{c.id}": "0" for c in cats}
    data[f"count-{cats[0].id}"] = "nhiều"
    refused = client.post(f"/operations/shifts/{shift.id}/log", data=data)
    assert refused.status_code == 422
    assert_escaped(refused.get_data(as_text=True))


def test_a_flash_names_a_hostile_point_as_text(client, auth, hostile, make_shift):
    shift = make_shift(hostile.campaign, hostile.point, starts_in=timedelta(minutes=20), hours=3)
    db.session.add(Booking(shift_id=shift.id, user_id=hostile.student.id))
    shift.booked_count = 1
    db.session.commit()
    auth.as_(hostile.student)
    done = client.post(f"/operations/checkin/{hostile.point.id}/{checkin.current_code(hostile.point.id)}")
    assert done.status_code == 303
    assert_escaped(client.get(done.headers["Location"]).get_data(as_text=True))

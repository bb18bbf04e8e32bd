"""Reminder settings per campaign (with their defaults), the fixed "what to bring" list, and the signed
links of the reminder emails (answer "still coming?", say why a shift was missed).

A link carries a booking id and its student's id, signed with the app's SECRET_KEY for one purpose
(as accounts/signed_links.py signs account links), so it works from an email on a phone without
signing in; the page it opens changes nothing until its form is posted (mail scanners follow links).
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from portal.audit import services as audit
from portal.core.clock import LOCAL_TZ
from portal.core.text import nfc
from portal.core.urls import external_url
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.reminders.models import CampaignReminderSettings
from portal.shifts.models import Booking

DEFAULTS = {"evening_on": True, "evening_at": time(19, 0), "soon_on": True, "soon_hours": 2, "what_to_bring": "",
            "no_show_limit": 3}
FIELDS = list(DEFAULTS)
# What every volunteer brings, unless the campaign's organisers wrote their own list.
BRING = [_l("Your student card or citizen ID card"), _l("The volunteer shirt of the campaign"),
         _l("A charged phone (for VNeID and the check-in code)"), _l("A pen and a bottle of water")]
ANSWER_MAX_AGE = 8 * 86400  # longer than any reminder's lead time: the booking's own state decides the rest
MISSED_MAX_AGE = 14 * 86400


def settings_for(campaign_id: int) -> CampaignReminderSettings:
    """The campaign's reminder settings (an unsaved row with the defaults when organisers never chose)."""
    return db.session.get(CampaignReminderSettings, campaign_id) or CampaignReminderSettings(
        campaign_id=campaign_id, **DEFAULTS)


def settings_of(campaign_ids) -> dict[int, CampaignReminderSettings]:
    """Many campaigns' settings in one query (defaults where there is no row)."""
    rows = {s.campaign_id: s for s in db.session.scalars(select(CampaignReminderSettings).where(
        CampaignReminderSettings.campaign_id.in_(list(campaign_ids))))}
    return {cid: rows.get(cid) or CampaignReminderSettings(campaign_id=cid, **DEFAULTS) for cid in campaign_ids}


def save_settings(actor, campaign_id: int, **values) -> CampaignReminderSettings:
    """Store a campaign's reminder settings, audited, and commit."""
    if not 1 <= values["soon_hours"] <= 12:
        raise InvalidInput(_l("Choose between 1 and 12 hours."), "soon_hours")
    if not 0 <= values["no_show_limit"] <= 20:
        raise InvalidInput(_l("Choose a number from 0 to 20."), "no_show_limit")
    values["what_to_bring"] = nfc(values["what_to_bring"] or "").strip()[:1000]
    row = db.session.get(CampaignReminderSettings, campaign_id)
    before = None if row is None else audit.snapshot(row, FIELDS)
    if row is None:
        row = CampaignReminderSettings(campaign_id=campaign_id)
        db.session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_by_id = actor.id
    db.session.flush()
    audit.record(actor, "reminders.settings", "campaign", campaign_id, before, audit.snapshot(row, FIELDS))
    db.session.commit()
    return row


def bring_list(settings: CampaignReminderSettings) -> list:
    """What to bring: the organisers' lines, or the fixed list."""
    lines = [line.strip(" -•\t") for line in (settings.what_to_bring or "").splitlines()]
    return [line for line in lines if line] or list(BRING)


def evening_moment(settings: CampaignReminderSettings, starts_at: datetime) -> datetime:
    """When the evening-before reminder of a shift is due (Hanoi wall time, the day before it starts)."""
    day = starts_at.astimezone(LOCAL_TZ).date() - timedelta(days=1)
    return datetime.combine(day, settings.evening_at, LOCAL_TZ)


def _signer(purpose: str) -> URLSafeTimedSerializer:
    """A signer whose tokens are valid for one purpose only."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"reminders.{purpose}")


def token_for(purpose: str, booking_id: int, user_id: int) -> str:
    """The signed token of a booking's link (ids only: nothing readable about the person)."""
    return _signer(purpose).dumps({"b": booking_id, "u": user_id})


def link_for(purpose: str, booking_id: int, user_id: int) -> str:
    """The absolute link of a reminder email: `answer` (still coming?) or `missed` (what went wrong?)."""
    endpoint = "reminders.answer" if purpose == "answer" else "reminders.missed"
    return external_url(endpoint, token=token_for(purpose, booking_id, user_id))


def booking_of_token(purpose: str, token: str) -> Booking:
    """The booking a link was made for, or InvalidInput saying why the link does not work."""
    max_age = ANSWER_MAX_AGE if purpose == "answer" else MISSED_MAX_AGE
    try:
        payload = _signer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidInput(_l("This link has expired.")) from None
    except BadSignature:
        raise InvalidInput(_l("This link is not valid. Check that you copied all of it.")) from None
    booking = db.session.get(Booking, payload.get("b")) if isinstance(payload, dict) else None
    if booking is None or booking.user_id != payload.get("u"):
        raise InvalidInput(_l("This link is not valid. Check that you copied all of it."))
    return booking

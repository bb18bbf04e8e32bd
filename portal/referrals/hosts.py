"""Host organisations for internships: their places, and adding or editing one."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from portal.accounts.models import fold
from portal.audit import services as audit
from portal.campaigns.models import Campaign
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.referrals import steps
from portal.referrals.models import HostOrganisation, Recommendation

HOLDS_A_PLACE = ("approved", "sent", "accepted")


def places_left(host: HostOrganisation, campaign: Campaign | None = None) -> int:
    """Places of a host not yet held by an approved, sent or accepted referral."""
    held = db.session.scalar(select(func.count()).select_from(Recommendation).where(
        Recommendation.host_id == host.id, Recommendation.status.in_(HOLDS_A_PLACE),
        Recommendation.consent != "refused"))
    return host.places - held


@dataclass
class HostData:
    """What the host form says, as save_host takes it."""

    name: str
    contact_name: str
    contact_email: str
    contact_phone: str
    places: int
    fields: str
    is_active: bool = True


def save_host(actor, host: HostOrganisation | None, data: HostData) -> HostOrganisation:
    """Create or edit a host organisation."""
    steps.require_admin(actor)
    name = " ".join(nfc(data.name or "").split())
    if not 2 <= len(name) <= 200:
        raise InvalidInput(_l("Enter the organisation's name."), "name")
    clash = next((h for h in db.session.scalars(select(HostOrganisation)) if fold(h.name) == fold(name)), None)
    if clash is not None and clash is not host:
        raise InvalidInput(_l("A host organisation with this name already exists."), "name")
    if host is not None and data.places < host.places - places_left(host):
        raise InvalidInput(_l("More referrals already hold places at this host than that."), "places")
    before = _host_dict(host) if host else None
    host = host or HostOrganisation()
    host.name, host.contact_name = name, nfc(data.contact_name or "").strip()
    host.contact_email = (data.contact_email or "").strip().lower()
    host.contact_phone = (data.contact_phone or "").strip()
    host.places, host.fields, host.is_active = data.places, nfc(data.fields or "").strip(), data.is_active
    db.session.add(host)
    db.session.flush()
    audit.record(actor, "host.save", "host_organisation", host.id, before, _host_dict(host))
    db.session.commit()
    return host


def _host_dict(host: HostOrganisation) -> dict:
    """The host as the audit trail keeps it."""
    return {"name": host.name, "contact_email": host.contact_email, "places": host.places, "fields": host.fields,
            "is_active": host.is_active}

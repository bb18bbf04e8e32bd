"""Campaign rules: valid dates, unique slugs, organisers, status, audited changes."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from blinker import Namespace
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.accounts.models import User, UserRole
from portal.audit import services as audit
from portal.campaigns.models import (
    ORGANISER_MAX,
    SLUG_MAX,
    STAFF_ROLES,
    STATUSES,
    Branch,
    Campaign,
    CampaignEnrolment,
    CampaignOrganiser,
    CampaignStaff,
    ServicePoint,
)
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l

BOOKING_RULES = ["booking_window_days", "cancel_cutoff_hours", "max_shifts_per_week", "max_hours_per_day",
                 "peak_extra_seats"]
AUDIT_FIELDS = [
    "name", "slug", "description", "start_date", "end_date", "peak_start", "peak_end", "status",
    "organiser_names", *BOOKING_RULES,
]
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = {"new", "points"}  # taken by other pages under /campaigns/


@dataclass
class CampaignData:
    """What an organiser types on the campaign form."""

    name: str
    slug: str
    description: str
    start_date: date
    end_date: date
    peak_start: date | None
    peak_end: date | None
    status: str
    organisers: list[str]
    booking_window_days: int = 14
    cancel_cutoff_hours: int = 12
    max_shifts_per_week: int = 5
    max_hours_per_day: int = 8
    peak_extra_seats: int = 2


def slugify(text: str) -> str:
    """Make a URL slug from a Vietnamese name: 'Thanh niên đồng hành' -> 'thanh-nien-dong-hanh'."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")[:SLUG_MAX]


def parse_organisers(text: str) -> list[str]:
    """One organiser a line; blank lines and repeats dropped, order kept."""
    seen: list[str] = []
    for line in (text or "").splitlines():
        name = " ".join(nfc(line).split())
        if name and name not in seen:
            seen.append(name)
    return seen


def _check(data: CampaignData, campaign: Campaign | None) -> str:
    """Refuse inconsistent campaign data; return the slug to use."""
    slug = data.slug or slugify(data.name)
    if not _SLUG_RE.match(slug):
        raise InvalidInput(_l("Use lower-case letters, digits and hyphens only."), "slug")
    if slug in RESERVED_SLUGS:
        raise InvalidInput(_l("This web address is reserved. Choose another."), "slug")
    if data.end_date < data.start_date:
        raise InvalidInput(_l("The end date must be on or after the start date."), "end_date")
    if (data.peak_start is None) != (data.peak_end is None):
        raise InvalidInput(_l("Give both the start and the end of the peak period, or neither."), "peak_end")
    if data.peak_start and data.peak_end < data.peak_start:
        raise InvalidInput(_l("The peak period must end on or after its start."), "peak_end")
    if data.status not in STATUSES:
        raise InvalidInput(_l("Choose a status from the list."), "status")
    if any(len(o) > ORGANISER_MAX for o in data.organisers):
        raise InvalidInput(_l("Each organiser's name may have at most %(n)d characters.", n=ORGANISER_MAX),
                           "organiser_text")
    other = db.session.scalar(select(Campaign).where(Campaign.slug == slug))
    if other is not None and other is not campaign:
        raise InvalidInput(_l("Another campaign already uses this web address."), "slug")
    return slug


def _apply(campaign: Campaign, data: CampaignData, slug: str) -> None:
    """Copy checked data onto a campaign."""
    campaign.name = nfc(data.name)
    campaign.slug = slug
    campaign.description = nfc(data.description or "")
    campaign.start_date, campaign.end_date = data.start_date, data.end_date
    campaign.peak_start, campaign.peak_end = data.peak_start, data.peak_end
    campaign.status = data.status
    for rule in BOOKING_RULES:
        setattr(campaign, rule, getattr(data, rule))
    wanted = data.organisers
    for link in [o for o in campaign.organisers if o.name not in wanted]:
        campaign.organisers.remove(link)
    db.session.flush()
    existing = {o.name: o for o in campaign.organisers}
    for position, name in enumerate(wanted):
        link = existing.get(name) or CampaignOrganiser(name=name, position=position)
        link.position = position
        if name not in existing:
            campaign.organisers.append(link)


# Sent inside the transaction that creates a campaign: higher floors (operations' activity categories)
# add what every campaign starts with, without campaigns importing them.
campaign_created = Namespace().signal("campaign-created")


def _save(actor, campaign: Campaign, data: CampaignData, slug: str, action: str, before: dict | None) -> None:
    """Apply, audit and commit as one transaction; a slug taken meanwhile by a concurrent save
    fails on the unique index and becomes the same message as the pre-check."""
    try:
        _apply(campaign, data, slug)
        db.session.add(campaign)
        db.session.flush()
        db.session.refresh(campaign, ["organisers"])
        audit.record(actor, action, "campaign", campaign.id, before, audit.snapshot(campaign, AUDIT_FIELDS))
        if before is None:
            campaign_created.send(campaign)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise InvalidInput(_l("Another campaign already uses this web address."), "slug") from None


def create(actor, data: CampaignData) -> Campaign:
    """Create a campaign and record it in the audit trail."""
    campaign = Campaign()
    _save(actor, campaign, data, _check(data, None), "campaign.create", None)
    return campaign


def update(actor, campaign: Campaign, data: CampaignData) -> None:
    """Edit a campaign; the audit trail keeps what changed."""
    slug = _check(data, campaign)
    _save(actor, campaign, data, slug, "campaign.update", audit.snapshot(campaign, AUDIT_FIELDS))


def listing(include_drafts: bool):
    """Campaigns newest first; drafts only for organisers."""
    stmt = select(Campaign).order_by(Campaign.start_date.desc(), Campaign.id.desc())
    if not include_drafts:
        stmt = stmt.where(Campaign.status != "draft")
    return db.session.scalars(stmt).all()


def by_slug(slug: str) -> Campaign | None:
    """Find a campaign by its slug."""
    return db.session.scalar(select(Campaign).where(Campaign.slug == slug))


def branches_with_points():
    """Every branch with its active service points, for the public directory."""
    return db.session.scalars(
        select(Branch).options(selectinload(Branch.points).selectinload(ServicePoint.leaders)).order_by(Branch.name)
    ).all()


def directory_counts() -> tuple[int, int]:
    """How many branches and active service points there are."""
    branches = db.session.scalar(select(func.count()).select_from(Branch))
    points = db.session.scalar(select(func.count()).select_from(ServicePoint).where(ServicePoint.is_active))
    return branches, points


# --- enrolment and staff ------------------------------------------------------------------


def is_enrolled(user, campaign: Campaign) -> bool:
    """Tell whether a student takes part in the campaign."""
    return db.session.scalar(select(CampaignEnrolment.id).where(
        CampaignEnrolment.campaign_id == campaign.id, CampaignEnrolment.user_id == user.id)) is not None


def join(user, campaign: Campaign) -> None:
    """Enrol a student in an open campaign (joining twice changes nothing)."""
    if campaign.status != "open":
        raise InvalidInput(_l("This campaign is not open for volunteers."), "campaign")
    if not user.has_role("student"):
        raise InvalidInput(_l("Only student volunteers join campaigns."), "campaign")
    if is_enrolled(user, campaign):
        return
    db.session.add(CampaignEnrolment(campaign_id=campaign.id, user_id=user.id))
    try:
        db.session.commit()
    except IntegrityError:  # a double click
        db.session.rollback()


def staff_of(campaign: Campaign, role: str):
    """The people assigned to a campaign in `role`, sorted by given name."""
    return list(db.session.scalars(
        select(User).join(CampaignStaff, CampaignStaff.user_id == User.id)
        .where(CampaignStaff.campaign_id == campaign.id, CampaignStaff.role == role).order_by(User.sort_name)
    ))


def set_staff(actor, campaign: Campaign, user_id: int, role: str, assigned: bool) -> None:
    """Assign a trainer or leader to a campaign, or remove them; audited."""
    user = db.session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None:
        raise InvalidInput(_l("Choose a person from the list."), "user_id")
    if role not in STAFF_ROLES or not user.has_role(role):
        raise InvalidInput(_l("This person does not have that role."), "user_id")
    link = db.session.scalar(select(CampaignStaff).where(
        CampaignStaff.campaign_id == campaign.id, CampaignStaff.user_id == user.id, CampaignStaff.role == role))
    if assigned and link is None:
        db.session.add(CampaignStaff(campaign_id=campaign.id, user_id=user.id, role=role))
    elif not assigned and link is not None:
        db.session.delete(link)
    else:
        return
    audit.record(actor, "campaign.staff", "campaign", campaign.id,
                 after={"user_id": user.id, "role": role, "assigned": assigned})
    try:
        db.session.commit()
    except IntegrityError:  # assigned a moment ago in another tab
        db.session.rollback()


def staff_candidates(role: str):
    """Active people holding `role`, who may be assigned to a campaign."""
    return list(db.session.scalars(
        select(User).where(User.is_active_account, User.roles.any(UserRole.role == role)).order_by(User.sort_name)
    ))


def assigned_campaigns(user, role: str) -> list[Campaign]:
    """Campaigns (not drafts) that a trainer or leader is assigned to, newest first."""
    return list(db.session.scalars(
        select(Campaign).join(CampaignStaff, CampaignStaff.campaign_id == Campaign.id)
        .where(CampaignStaff.user_id == user.id, CampaignStaff.role == role, Campaign.status != "draft")
        .order_by(Campaign.start_date.desc())
    ))

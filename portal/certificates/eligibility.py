"""Who earned a campaign's certificate, and for those who did not, exactly why. Read in bulk."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from portal.accounts.models import User
from portal.campaigns.models import Campaign, CampaignEnrolment, ServicePoint
from portal.certificates.models import CertificateRule, Credential
from portal.core import clock
from portal.extensions import db
from portal.i18n import format_hours
from portal.i18n import lazy_text as _l
from portal.operations.models import Attendance
from portal.operations.services import served_minutes
from portal.shifts.models import Booking, Shift
from portal.training.models import Completion
from portal.training.services import modules_of


@dataclass
class Standing:
    """One enrolled student's record in a campaign, measured against the rules."""

    user: User
    minutes: int = 0
    attended: int = 0
    no_shows: int = 0
    points: set[str] = field(default_factory=set)
    missing_modules: list[str] = field(default_factory=list)
    reasons: list = field(default_factory=list)
    credential: Credential | None = None

    @property
    def eligible(self) -> bool:
        return not self.reasons

    @property
    def newly_eligible(self) -> bool:
        """Eligible and holding no credential of this campaign yet (valid, revoked or superseded)."""
        return self.eligible and self.credential is None


def rule_for(campaign: Campaign) -> CertificateRule:
    """The campaign's rule, or the default one (training required, at least one shift, no limits)."""
    rule = db.session.scalar(select(CertificateRule).where(CertificateRule.campaign_id == campaign.id))
    return rule or CertificateRule(campaign_id=campaign.id, require_training=True, min_minutes=0, max_no_shows=None)


def has_ended(campaign: Campaign, today: date | None = None) -> bool:
    """Closed by the organisers, or past its last day in Hanoi."""
    today = today or clock.local_today()
    return campaign.status == "closed" or campaign.end_date < today


def standings(campaign: Campaign, user_ids: list[int] | None = None) -> list[Standing]:
    """Every enrolled student (or the given ones), sorted by name, in a fixed number of queries whatever
    their number."""
    query = (select(User).join(CampaignEnrolment, CampaignEnrolment.user_id == User.id)
             .where(CampaignEnrolment.campaign_id == campaign.id).order_by(User.sort_name, User.id))
    if user_ids is not None:
        query = query.where(User.id.in_(user_ids))
    found = {u.id: Standing(user=u) for u in db.session.scalars(query)}
    if not found:
        return []
    ids = list(found) if user_ids is not None else None

    def only(column):
        return [column.in_(ids)] if ids is not None else []

    rows = db.session.execute(
        select(Booking.user_id, Attendance.status, Attendance.adjusted_minutes, Attendance.checked_in_at,
               Attendance.checked_out_at, Shift.starts_at, Shift.ends_at, ServicePoint.name)
        .join(Shift, Shift.id == Booking.shift_id).join(ServicePoint, ServicePoint.id == Shift.point_id)
        .join(Attendance, Attendance.booking_id == Booking.id)
        .where(Shift.campaign_id == campaign.id, Booking.status == "booked", Shift.status == "open",
               Shift.starts_at <= clock.now(), *only(Booking.user_id)))
    for user_id, status, adjusted, checked_in, checked_out, starts, ends, point in rows:
        standing = found.get(user_id)
        if standing is None:
            continue
        standing.minutes += served_minutes(adjusted, checked_in, checked_out, starts, ends)
        if status == "present":
            standing.attended += 1
            standing.points.add(point)
        elif status == "no_show":
            standing.no_shows += 1

    rule = rule_for(campaign)
    required = [m for m in modules_of(campaign) if m.is_required] if rule.require_training else []
    if required:
        done: dict[int, set[int]] = {}
        for user_id, module_id in db.session.execute(
                select(Completion.user_id, Completion.module_id)
                .where(Completion.module_id.in_([m.id for m in required]), Completion.is_current,
                       *only(Completion.user_id))):
            done.setdefault(user_id, set()).add(module_id)
        for standing in found.values():
            have = done.get(standing.user.id, set())
            standing.missing_modules = [m.title for m in required if m.id not in have]

    for credential in db.session.scalars(
            select(Credential).where(Credential.campaign_id == campaign.id, Credential.kind == "participation",
                                     Credential.is_current, *only(Credential.user_id))):
        if credential.user_id in found:
            found[credential.user_id].credential = credential

    for standing in found.values():
        standing.reasons = reasons(standing, rule)
    return list(found.values())


def reasons(standing: Standing, rule: CertificateRule) -> list:
    """Why a student does not qualify (empty when they do), in words."""
    why = []
    if not standing.user.is_active_account:
        why.append(_l("The account is deactivated."))
    if standing.missing_modules:
        why.append(_l("Required training not completed: %(modules)s.", modules=", ".join(standing.missing_modules)))
    if standing.attended == 0:
        why.append(_l("No shift attended."))
    if standing.minutes < rule.min_minutes:
        have, need = format_hours(standing.minutes), format_hours(rule.min_minutes)
        if have == need:  # 479 against 480 minutes: say it in minutes, not "8 hours; 8 needed"
            why.append(_l("%(have)d minutes attended; %(need)d minutes needed.",
                          have=standing.minutes, need=rule.min_minutes))
        else:
            why.append(_l("%(have)s hours attended; %(need)s hours needed.", have=have, need=need))
    if rule.max_no_shows is not None and standing.no_shows > rule.max_no_shows:
        why.append(_l("%(count)d no-shows; at most %(most)d allowed.", count=standing.no_shows, most=rule.max_no_shows))
    return why

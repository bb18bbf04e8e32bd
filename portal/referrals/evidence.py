"""The record behind a nomination, gathered automatically, and the organisers' shortlist."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from portal.accounts import consent
from portal.accounts.models import User
from portal.campaigns.models import Campaign, ServicePoint
from portal.certificates.eligibility import Standing, standings
from portal.extensions import db
from portal.operations.models import Attendance, VolunteerRating
from portal.shifts.models import Booking, Shift
from portal.training.models import Completion, TrainingModule


@dataclass
class Evidence:
    """A student's record in a campaign: hours, shifts, points, no-shows, training, ratings."""

    standing: Standing
    training: list[tuple[str, object]] = field(default_factory=list)  # (module title, completed_at)
    ratings: list[dict] = field(default_factory=list)  # {rating, comment, by, at}

    @property
    def average_rating(self) -> float | None:
        return round(sum(r["rating"] for r in self.ratings) / len(self.ratings), 2) if self.ratings else None


def evidence_for(campaign: Campaign, user_ids: list[int]) -> dict[int, Evidence]:
    """Evidence for the given students, in a fixed number of queries."""
    found = {s.user.id: Evidence(standing=s) for s in standings(campaign, user_ids)}
    if not found:
        return {}
    ids = list(found)
    for user_id, title, completed_at in db.session.execute(
            select(Completion.user_id, TrainingModule.title, Completion.completed_at)
            .join(TrainingModule, TrainingModule.id == Completion.module_id)
            .where(TrainingModule.campaign_id == campaign.id, Completion.is_current, Completion.user_id.in_(ids))
            .order_by(TrainingModule.position)):
        found[user_id].training.append((title, completed_at))
    rater = aliased(User)
    for user_id, rating, comment, name, at, point in db.session.execute(
            select(Booking.user_id, VolunteerRating.rating, VolunteerRating.comment, rater.full_name,
                   VolunteerRating.rated_at, ServicePoint.name)
            .join(Booking, Booking.id == VolunteerRating.booking_id)
            .join(Shift, Shift.id == Booking.shift_id).join(ServicePoint, ServicePoint.id == Shift.point_id)
            .outerjoin(rater, rater.id == VolunteerRating.rated_by_id)
            .where(Shift.campaign_id == campaign.id, Booking.user_id.in_(ids))
            .order_by(VolunteerRating.rated_at.desc())):
        found[user_id].ratings.append({"rating": rating, "comment": comment, "by": name or "", "at": at,
                                       "point": point})
    return found


@dataclass
class Candidate:
    """A row of the shortlist."""

    standing: Standing
    average_rating: float | None
    ratings: int


def shortlist(campaign: Campaign, school: str = "", chapter: str = "", point_id: int | None = None) -> list[Candidate]:
    """Students who attended at least one shift, best first: most hours, fewest no-shows, best rated;
    not those who withdrew their consent to internship referrals."""
    withdrawn = set(db.session.scalars(consent.withdrawn_user_ids(consent.REFERRALS)))
    everyone = [s for s in standings(campaign) if s.attended and s.user.id not in withdrawn]
    if school:
        everyone = [s for s in everyone if school.casefold() in (s.user.school or "").casefold()]
    if chapter:
        everyone = [s for s in everyone if chapter.casefold() in (s.user.chapter or "").casefold()]
    if point_id is not None:
        served = set(db.session.scalars(
            select(Booking.user_id).join(Shift, Shift.id == Booking.shift_id)
            .join(Attendance, Attendance.booking_id == Booking.id)
            .where(Shift.campaign_id == campaign.id, Shift.point_id == point_id, Attendance.status == "present")))
        everyone = [s for s in everyone if s.user.id in served]
    ratings = {user_id: (avg, count) for user_id, avg, count in db.session.execute(
        select(Booking.user_id, func.avg(VolunteerRating.rating), func.count(VolunteerRating.id))
        .join(Booking, Booking.id == VolunteerRating.booking_id).join(Shift, Shift.id == Booking.shift_id)
        .where(Shift.campaign_id == campaign.id).group_by(Booking.user_id))}
    rows = [Candidate(standing=s,
                      average_rating=round(float(ratings[s.user.id][0]), 2) if s.user.id in ratings else None,
                      ratings=ratings.get(s.user.id, (None, 0))[1]) for s in everyone]
    rows.sort(key=lambda c: (-c.standing.minutes, c.standing.no_shows, -(c.average_rating or 0),
                             c.standing.user.sort_name))
    return rows

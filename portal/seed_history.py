"""The demo's current season with its first two weeks done, so that the dashboard, the weekly and monthly
reports, the staffing page and the no-shows page show real figures on a newcomer's first visit.

Forty demo volunteers (never the named demo accounts, whose states the browser journeys rely on) served
the season's shifts of the last 14 days: most checked in and out by the point's leader, a few no-shows
(one student three times, so self-booking is paused), a few cancelled; each shift with a confirmed
activity log, the leader's ratings and the citizens' feedback of those days. The next two weeks' shifts
are partly booked, always leaving a seat (three and four days ahead not at all: see UPCOMING). The
choices are seeded (the same every run), and the history is written once: a database that has it is
left alone.
"""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from portal.accounts.consent import CONSENT_PURPOSE
from portal.accounts.models import Consent, User, UserRole
from portal.campaigns.models import Campaign, CampaignEnrolment, PointLeader
from portal.core import clock
from portal.core.clock import LOCAL_TZ
from portal.extensions import db
from portal.operations import activity
from portal.operations.models import ActivityCount, ActivityLog, Attendance, CitizenFeedback, VolunteerRating
from portal.seed_scale import SCHOOLS
from portal.seed_texts import FEEDBACK, INCIDENTS, NOTES, RATINGS, TASKS, VOLUNTEERS
from portal.shifts.models import Booking, BookingPause, Shift
from portal.training.models import Completion, TrainingModule

HISTORY_DAYS = 14
# Seats taken on the shifts so many days ahead (the nearer, the fuller). Three and four days ahead stay empty:
# the reminder journey (e2e) counts the reminders of the shifts three days ahead (four once past midnight).
UPCOMING = {1: (2, 3, 3), 2: (1, 2, 3), 3: (0,), 4: (0,), 5: (1, 2, 2, 3), 6: (1, 1, 2, 3), 7: (0, 1, 2, 2)}
LATER = (0, 1, 1, 2)  # from 8 days ahead to the end of the staffing page's fortnight
SEED = 2026
PAUSED = 30  # the volunteer (an index in seed_texts.VOLUNTEERS) who missed three shifts and is paused
WEEKLY_CAP = 4  # shifts a volunteer serves in a week here, under the campaign's limit of five

# How many citizens a volunteer helps in a shift, per activity category (on average).
WEIGHTS = {"dossier_guidance": 2, "portal_declaration": 1, "queue_direction": 2, "scanning": 1, "results_return": 0.6,
           "feedback_recorded": 0.3, "accounts_created": 0.6, "vneid_activated": 1.2, "online_submissions": 1.2,
           "cashless_payments": 0.6}

def seed_history(campaign: Campaign, password_hash: str) -> list[str]:
    """Give the season its first two weeks (once); return what was made."""
    first = db.session.scalar(select(User).where(User.email == _email(1)))
    if first is not None and db.session.scalar(select(CampaignEnrolment.id).where(
            CampaignEnrolment.campaign_id == campaign.id, CampaignEnrolment.user_id == first.id)) is not None:
        return []
    rng = random.Random(SEED)
    now, today = clock.now(), clock.local_today()
    people = _volunteers(campaign, password_hash, today - timedelta(days=HISTORY_DAYS + 12))
    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    leaders = {p.point_id: p.user_id for p in db.session.scalars(select(PointLeader).order_by(PointLeader.user_id))}
    past = db.session.scalars(select(Shift).where(
        Shift.campaign_id == campaign.id, Shift.status == "open", Shift.ends_at <= now,
        Shift.starts_at >= _midnight(today - timedelta(days=HISTORY_DAYS)), Shift.starts_at < _midnight(today))
        .order_by(Shift.starts_at, Shift.point_id)).all()
    homes = {point_id: n for n, point_id in enumerate(sorted(set(db.session.scalars(
        select(Shift.point_id).where(Shift.campaign_id == campaign.id)))))}
    plan = _Planner(people, rng)
    served = [(shift, plan.book(shift, homes.get(shift.point_id, 0), rng.choice((2, 3, 3, 4, 4)))) for shift in past]
    outcomes = _outcomes(served, people[PAUSED], rng)
    bookings = _book_past(served, outcomes, rng)
    present, no_shows, rated, logs = _record(served, bookings, outcomes, leaders, admin.id,
                                             activity.categories(campaign.id), rng)
    paused = people[PAUSED]
    missed_last = max(s.ends_at for s, chosen in served if paused in chosen)
    db.session.add(BookingPause(user_id=paused.id, campaign_id=campaign.id, no_shows=3,
                                paused_at=min(_midnight(missed_last.astimezone(LOCAL_TZ).date() + timedelta(days=1))
                                              + timedelta(hours=8), now)))
    feedback = _feedback(past, leaders, admin, now, rng)
    ahead = _book_ahead(campaign, plan, homes, paused, today, rng)
    cancelled = sum(1 for b in bookings if b.status == "cancelled")
    return [f"{len(people)} volunteers served the season's last {HISTORY_DAYS} days: {len(past)} shifts, "
            f"{present} attended, {no_shows} no-shows, {cancelled} cancelled, {rated} ratings, {logs} activity "
            f"logs, {feedback} citizens' feedback; {ahead} bookings on the next two weeks' shifts"]


def _email(number: int) -> str:
    return f"tnv{number:02d}@example.org"


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), LOCAL_TZ)


def _volunteers(campaign: Campaign, password_hash: str, trained_on: date) -> list[User]:
    """The forty volunteers: accounts with consent, enrolled in the season and trained before it began."""
    modules = db.session.scalars(select(TrainingModule).where(TrainingModule.campaign_id == campaign.id)).all()
    trainer = db.session.scalar(select(User).where(User.email == "trainer@example.org"))
    joined = _midnight(trained_on) - timedelta(days=3)
    people = []
    for number, name in enumerate(VOLUNTEERS, start=1):
        person = db.session.scalar(select(User).where(User.email == _email(number)))
        if person is None:
            school = SCHOOLS[number % len(SCHOOLS)]
            person = User(email=_email(number), full_name=name, password_hash=password_hash, school=school,
                          chapter="Đoàn TNCS Hồ Chí Minh " + school.removeprefix("Trường "),
                          student_code=f"TNV26{number:03d}", password_changed_at=joined, email_verified_at=joined,
                          created_at=joined)
            person.roles.append(UserRole(role="student"))
            person.consents.append(Consent(notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
                                           purpose=CONSENT_PURPOSE, accepted_at=joined))
            db.session.add(person)
        people.append(person)
    db.session.flush()
    db.session.add_all(CampaignEnrolment(campaign_id=campaign.id, user_id=p.id, joined_at=joined) for p in people)
    trained_at = _midnight(trained_on) + timedelta(hours=16)
    db.session.add_all(Completion(module_id=m.id, user_id=p.id, completed_at=trained_at, method="bulk",
                                  recorded_by_id=trainer.id if trainer else None) for p in people for m in modules)
    return people


class _Planner:
    """Chooses who serves a shift: free that day, under the weekly cap, the shift's point's regulars first."""

    def __init__(self, people: list[User], rng: random.Random):
        self.people, self.rng = people, rng
        self.home = {p.id: n % 4 for n, p in enumerate(people)}
        self.days: dict[int, set[date]] = defaultdict(set)
        self.weeks: dict[tuple, int] = defaultdict(int)
        self.held: dict[int, int] = defaultdict(int)

    def book(self, shift: Shift, home: int, wanted: int, exclude=()) -> list[User]:
        """Up to `wanted` people for the shift, recorded as busy that day."""
        day = shift.starts_at.astimezone(LOCAL_TZ).date()
        week = day.isocalendar()[:2]
        free = [p for p in self.people if p not in exclude and day not in self.days[p.id]
                and self.weeks[(p.id, week)] < WEEKLY_CAP]
        free.sort(key=lambda p: (self.home[p.id] != home % 4, self.held[p.id], self.rng.random()))
        chosen = free[:min(wanted, shift.capacity)]
        for person in chosen:
            self.days[person.id].add(day)
            self.weeks[(person.id, week)] += 1
            self.held[person.id] += 1
        return chosen


def _outcomes(served, paused: User, rng: random.Random) -> dict[tuple[int, int], str]:
    """Each booking's end: mostly present, a few cancelled, a few no-shows (at most two a person); the
    paused volunteer missed their last three shifts."""
    outcomes, missed = {}, defaultdict(int)
    for shift, chosen in served:
        for person in chosen:
            draw = rng.random()
            outcome = "cancelled" if draw < 0.06 else "no_show" if draw < 0.12 else "present"
            if outcome == "no_show" and (missed[person.id] >= 2 or person is paused):
                outcome = "present"
            missed[person.id] += outcome == "no_show"
            outcomes[(shift.id, person.id)] = outcome
    for shift, _ in [(s, c) for s, c in served if paused in c][-3:]:
        outcomes[(shift.id, paused.id)] = "no_show"
    return outcomes


def _book_past(served, outcomes, rng: random.Random) -> list[Booking]:
    """The bookings of the served shifts (made days before; the cancelled ones freed their seat), flushed."""
    bookings = []
    for shift, chosen in served:
        for person in chosen:
            made = shift.starts_at - timedelta(days=rng.randint(2, 9), hours=rng.randint(0, 12))
            booking = Booking(shift_id=shift.id, user_id=person.id, source="self", created_at=made,
                              created_by_id=person.id)
            if outcomes[(shift.id, person.id)] == "cancelled":
                booking.status, booking.cancelled_by_id = "cancelled", person.id
                booking.cancelled_at = made + (shift.starts_at - made) * rng.uniform(0.3, 0.8)
            bookings.append(booking)
        shift.booked_count = sum(1 for p in chosen if outcomes[(shift.id, p.id)] != "cancelled")
    db.session.add_all(bookings)
    db.session.flush()
    return bookings


def _record(served, bookings, outcomes, leaders: dict, admin_id: int, categories, rng: random.Random) -> tuple:
    """Each served shift's attendance, ratings and activity log, kept by its point's leader (else an
    organiser); (present, no-shows, ratings, logs)."""
    by_shift = defaultdict(list)
    for booking in bookings:
        by_shift[booking.shift_id].append(booking)
    present = no_shows = rated = logs = 0
    for shift, _ in served:
        confirmer, here = leaders.get(shift.point_id, admin_id), 0
        for booking in by_shift[shift.id]:
            outcome = outcomes[(shift.id, booking.user_id)]
            if outcome == "present":
                here += 1
                rated += _attend(booking, shift, confirmer, rng)
            elif outcome == "no_show":
                no_shows += 1
                db.session.add(Attendance(booking_id=booking.id, status="no_show", updated_by_id=confirmer,
                                          updated_at=shift.ends_at + timedelta(minutes=20)))
        present += here
        if here:
            logs += 1
            _log(shift, here, confirmer, categories, rng)
    return present, no_shows, rated, logs


def _attend(booking: Booking, shift: Shift, confirmer: int, rng: random.Random) -> int:
    """Check-in and check-out by the leader (now and then by the volunteer's own code), a task, often a
    rating; 1 when rated."""
    arrived = shift.starts_at + timedelta(minutes=rng.choice((-15, -10, -10, -5, -5, 0, 3, 12)))
    left = shift.ends_at + timedelta(minutes=rng.choice((-10, 0, 0, 5, 10)))
    db.session.add(Attendance(booking_id=booking.id, status="present", checked_in_at=arrived, checked_out_at=left,
                              check_in_method="self" if rng.random() < 0.2 else "leader", task=rng.choice(TASKS),
                              updated_by_id=confirmer, updated_at=left))
    if rng.random() >= 0.7:
        return 0
    stars = rng.choice((5, 5, 5, 4, 4, 3))
    db.session.add(VolunteerRating(booking_id=booking.id, rating=stars, comment=rng.choice(RATINGS[stars]),
                                   rated_by_id=confirmer, rated_at=left + timedelta(hours=1)))
    return 1


def _log(shift: Shift, present: int, confirmer: int, categories, rng: random.Random) -> None:
    """The shift's activity log, confirmed by the point's leader: citizens helped per category."""
    busy = 1.2 if shift.starts_at.astimezone(LOCAL_TZ).hour < 12 else 0.8
    log = ActivityLog(shift_id=shift.id, status="confirmed", elderly_helped=rng.randint(present, 3 * present),
                      notes=rng.choice(NOTES) if rng.random() < 0.35 else "",
                      incidents=rng.choice(INCIDENTS) if rng.random() < 0.06 else "",
                      updated_by_id=confirmer, confirmed_by_id=confirmer,
                      updated_at=shift.ends_at + timedelta(minutes=30))
    for category in categories:
        count = round(WEIGHTS.get(category.key, 1) * present * busy * rng.uniform(0.5, 1.5))
        if count:
            log.counts.append(ActivityCount(category_id=category.id, count=count))
    db.session.add(log)


def _feedback(past: list[Shift], leaders: dict, admin: User, now: datetime, rng: random.Random) -> int:
    """Citizens' feedback recorded on about a third of the shift days at each point; the older handled by
    an organiser (forwarded or resolved), the last days' still new."""
    days = sorted({(s.point_id, s.starts_at.astimezone(LOCAL_TZ).date()) for s in past})
    texts = rng.sample(FEEDBACK, len(FEEDBACK))
    made = 0
    for point_id, day in days:
        if rng.random() >= 0.35:
            continue
        category, text = texts[made % len(texts)]
        when = _midnight(day) + timedelta(hours=rng.randint(8, 16), minutes=rng.randint(0, 59))
        item = CitizenFeedback(point_id=point_id, category=category, text=text, created_at=when,
                               created_by_id=leaders.get(point_id, admin.id))
        age = (now - when).days
        if age >= 3 and rng.random() < 0.8:
            item.status = "resolved" if age >= 7 and rng.random() < 0.6 else "forwarded"
            item.handled_by_id, item.handled_at = admin.id, min(when + timedelta(hours=rng.randint(4, 48)), now)
        db.session.add(item)
        made += 1
    return made


def _book_ahead(campaign: Campaign, plan: _Planner, homes: dict, paused: User, today: date,
                rng: random.Random) -> int:
    """Some seats taken on the shifts of the staffing page's fortnight (from tomorrow), every shift keeping at
    least one free seat (the paused volunteer books none)."""
    tomorrow, fortnight = _midnight(today + timedelta(days=1)), _midnight(today + timedelta(days=14))
    shifts = db.session.scalars(select(Shift).where(
        Shift.campaign_id == campaign.id, Shift.status == "open", Shift.starts_at >= tomorrow,
        Shift.starts_at < fortnight).order_by(Shift.starts_at, Shift.point_id))
    now, made = clock.now(), []
    for shift in shifts:
        ahead = (shift.starts_at.astimezone(LOCAL_TZ).date() - today).days
        wanted = min(rng.choice(UPCOMING.get(ahead, LATER)), shift.capacity - shift.booked_count - 1)
        chosen = plan.book(shift, homes.get(shift.point_id, 0), wanted, exclude=(paused,)) if wanted > 0 else []
        made += [Booking(shift_id=shift.id, user_id=p.id, source="self", created_by_id=p.id,
                         created_at=now - timedelta(hours=rng.randint(1, 20))) for p in chosen]
        shift.booked_count += len(chosen)
    db.session.add_all(made)
    return len(made)

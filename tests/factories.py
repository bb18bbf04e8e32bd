"""Builders of test data. Each returns a callable, so a test says only what matters to it."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from werkzeug.security import generate_password_hash

from portal.accounts.models import User, UserRole
from portal.campaigns.models import Campaign, CampaignOrganiser, ServicePoint
from portal.core import clock
from portal.extensions import db

PASSWORD = "correct horse battery"
# The TOTP secret of every organiser that make_user enrols in two-factor sign-in.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_counter = itertools.count(1)
# Hashing is slow by design; tests reuse one hash of PASSWORD.
_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def user_builder():
    """Return make_user(role="student", **fields) -> a committed User."""

    def make_user(role="student", roles=None, email=None, full_name=None, verified=True,
                  active=True, password=None, two_factor=None, **fields):
        """two_factor: enrol with TOTP_SECRET; by default organisers (role admin) are enrolled,
        as they must be, and others are not; two_factor=False gives an organiser without it."""
        from portal.accounts.two_factor import encrypt_secret

        n = next(_counter)
        # A phone by default: booking needs one (phone=None makes someone who gave none at sign-up).
        fields.setdefault("phone", f"09{n % 10**8:08d}")
        if two_factor is None:
            two_factor = "admin" in (roles or [role])
        if two_factor:
            fields = {"totp_secret": encrypt_secret(TOTP_SECRET), "totp_enabled_at": clock.now(), **fields}
        user = User(
            email=email or f"user{n}@example.org",
            full_name=full_name or f"Nguyễn Văn Thử {chr(ord('A') + n % 26)}",
            password_hash=generate_password_hash(password) if password else _HASH,
            email_verified_at=clock.now() if verified else None,
            is_active_account=active,
            **fields,
        )
        for r in roles or [role]:
            user.roles.append(UserRole(role=r))
        db.session.add(user)
        db.session.commit()
        return user

    return make_user


def campaign_builder():
    """Return make_campaign(**fields) -> a committed Campaign."""

    def make_campaign(**fields):
        n = next(_counter)
        values = {
            "name": f"Chiến dịch thử {n}",
            "slug": f"chien-dich-thu-{n}",
            "description": "",
            "start_date": date(2025, 12, 18),
            "end_date": date(2026, 2, 15),
            "status": "open",
            **fields,
        }
        campaign = Campaign(**values)
        db.session.add(campaign)
        db.session.commit()
        return campaign

    return make_campaign


def module_builder():
    """Return make_module(campaign, **fields) -> a committed TrainingModule."""
    from portal.training.models import TrainingModule

    def make_module(campaign, **fields):
        n = next(_counter)
        values = {"title": f"Học phần {n}", "summary": "Tóm tắt", "body_md": "Nội dung **chính**.",
                  "body_html": "<p>Nội dung <strong>chính</strong>.</p>", "estimated_minutes": 30,
                  "position": n, "is_required": True, **fields}
        module = TrainingModule(campaign_id=campaign.id, **values)
        db.session.add(module)
        db.session.commit()
        return module

    return make_module


def enrol(campaign, *users):
    """Enrol students in a campaign."""
    from portal.campaigns.models import CampaignEnrolment

    for user in users:
        db.session.add(CampaignEnrolment(campaign_id=campaign.id, user_id=user.id))
    db.session.commit()


def assign(campaign, user, role="trainer"):
    """Assign a trainer or leader to a campaign."""
    from portal.campaigns.models import CampaignStaff

    db.session.add(CampaignStaff(campaign_id=campaign.id, user_id=user.id, role=role))
    db.session.commit()


def point_builder():
    """Return make_point(**fields) -> a committed ServicePoint (with its branch)."""
    from portal.campaigns.models import Branch, ServicePoint

    def make_point(**fields):
        n = next(_counter)
        branch = fields.pop("branch", None) or Branch(name=f"Chi nhánh số {n}")
        point = ServicePoint(branch=branch, name=fields.pop("name", f"Điểm Hỗ trợ dịch vụ công số {n}"),
                             ward=f"Phường {n}", address=f"{n} Phố Huế", **fields)
        db.session.add(point)
        db.session.commit()
        return point

    return make_point


def shift_builder():
    """Return make_shift(campaign, point, starts_in=timedelta, hours=4, capacity=5, **fields)."""
    from datetime import timedelta

    from portal.shifts.models import Shift

    def make_shift(campaign, point, starts_in=None, hours=4, capacity=5, **fields):
        start = fields.pop("starts_at", None)
        if start is None and starts_in is None:
            # By default 08:00 in Hanoi the day after tomorrow: the shift never crosses midnight,
            # whatever the hour the suite runs, and is always more than a day ahead.
            from datetime import datetime, time
            from zoneinfo import ZoneInfo

            hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
            start = datetime.combine((clock.now() + timedelta(days=2)).astimezone(hanoi).date(), time(8), hanoi)
        start = start or (clock.now() + starts_in).replace(microsecond=0)
        shift = Shift(campaign_id=campaign.id, point_id=point.id, starts_at=start,
                      ends_at=start + timedelta(hours=hours), capacity=capacity, **fields)
        db.session.add(shift)
        db.session.commit()
        return shift

    return make_shift


def served(campaign, point, user, *, status="present", hours=4, days_ago=10, adjusted_minutes=None):
    """A past shift the student booked, with its attendance (present with check-in/out, or a no-show)."""
    from datetime import timedelta

    from sqlalchemy import select

    from portal.operations.models import Attendance
    from portal.shifts.models import Booking, Shift

    start = (clock.now() - timedelta(days=days_ago)).replace(minute=0, second=0, microsecond=0)
    shift = db.session.scalar(select(Shift).where(Shift.point_id == point.id, Shift.starts_at == start,
                                                  Shift.ends_at == start + timedelta(hours=hours)))
    if shift is None:
        shift = Shift(campaign_id=campaign.id, point_id=point.id, starts_at=start,
                      ends_at=start + timedelta(hours=hours), capacity=5, booked_count=0)
        db.session.add(shift)
    shift.booked_count += 1
    db.session.flush()
    booking = Booking(shift_id=shift.id, user_id=user.id, status="booked")
    db.session.add(booking)
    db.session.flush()
    record = Attendance(booking_id=booking.id, status=status, adjusted_minutes=adjusted_minutes)
    if status == "present":
        record.checked_in_at, record.checked_out_at = start, start + timedelta(hours=hours)
    db.session.add(record)
    db.session.commit()
    return booking


@dataclass
class FinishedSeason:
    """A closed campaign that ran from 18/12/2025 to 15/02/2026: its required modules and two points."""

    campaign: Campaign
    modules: list
    hoan_kiem: ServicePoint
    gia_lam: ServicePoint


def finished_season(organisers=("Thành đoàn Hà Nội",), modules=("Bảo mật thông tin công dân",)) -> FinishedSeason:
    """The season that certificates and referrals look back on; the caller adds its people and their service
    (`trained`, `served`)."""
    campaign = campaign_builder()(name="Thanh niên đồng hành cùng hành chính công", status="closed",
                                  start_date=date(2025, 12, 18), end_date=date(2026, 2, 15))
    campaign.organisers.extend(CampaignOrganiser(name=name, position=n) for n, name in enumerate(organisers))
    db.session.commit()
    make_module, make_point = module_builder(), point_builder()
    built = [make_module(campaign, title=title) for title in modules]
    return FinishedSeason(campaign=campaign, modules=built, hoan_kiem=make_point(name="Điểm phường Hoàn Kiếm"),
                          gia_lam=make_point(name="Điểm xã Gia Lâm"))


def trained(trainer, modules, users) -> None:
    """Sign the users off on every module, as at a training session."""
    from portal.training import signoff

    for module in modules:
        signoff.complete(trainer, module, [user.id for user in users], method="session")

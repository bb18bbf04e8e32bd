"""A city-sized campaign for load and report testing: 126 points in 12 branches, 10,000 students,
60 days of 3 shifts a day at every point, about 100,000 bookings with attendance and activity logs.

Rows are written with bulk INSERTs (executemany), which is what makes it fast; the data obey the
same rules as real data (no double booking, no overlapping shifts for a student, seats within
capacity), and the random choices are seeded, so two runs give the same figures.
"""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import insert, select, text

from portal.accounts.consent import CONSENT_PURPOSE
from portal.accounts.models import Consent, User, UserRole, sort_key
from portal.accounts.services import hash_password
from portal.campaigns.models import Branch, Campaign, CampaignEnrolment, CampaignOrganiser, ServicePoint
from portal.core import clock
from portal.core.clock import LOCAL_TZ
from portal.extensions import db
from portal.operations import activity
from portal.operations.models import ActivityCount, ActivityLog, Attendance
from portal.shifts.models import Booking, Shift
from portal.training.models import Completion, TrainingModule

SLUG = "quy-mo-thanh-pho"
BRANCHES, POINTS_PER_BRANCH, STUDENTS, DAYS = 12, 10, 10_000, 60
POINTS = 126  # 12 branches; the first six have 11 points, the others 10
SLOTS = ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)), (time(17, 30), time(20, 0)))
SCHOOLS = ["Trường Đại học Luật Hà Nội", "Học viện Nông nghiệp và Môi trường", "Trường Đại học Bách khoa Hà Nội",
           "Trường Đại học Sư phạm Hà Nội", "Trường Đại học Khoa học Xã hội và Nhân văn",
           "Trường Đại học Kinh tế Quốc dân", "Học viện Hành chính Quốc gia", "Trường Đại học Công nghiệp Hà Nội"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Hải"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hương", "Khánh", "Lan", "Linh", "Nam", "Phương", "Quân",
         "Thảo", "Trang", "Tuấn", "Vy", "Yến"]


def seed_scale(password: str = "donghanh-scale-2025") -> list[str]:
    """Create the scale campaign once (refuses to run twice); return what was made."""
    if db.session.scalar(select(Campaign.id).where(Campaign.slug == SLUG)) is not None:
        return [f"campaign {SLUG} already exists: nothing done"]
    rng = random.Random(2025)
    today = clock.local_today()
    first_day = today - timedelta(days=45)
    campaign = Campaign(name="Thanh niên đồng hành cùng hành chính công (quy mô thành phố)", slug=SLUG,
                        status="open", start_date=first_day, end_date=first_day + timedelta(days=DAYS - 1),
                        description="Dữ liệu mô phỏng quy mô toàn thành phố.", max_shifts_per_week=7,
                        booking_window_days=30)
    campaign.organisers.append(CampaignOrganiser(name="Thành đoàn Hà Nội", position=0))
    db.session.add(campaign)
    branches = [Branch(name=f"Chi nhánh quy mô {n + 1:02d}") for n in range(BRANCHES)]
    db.session.add_all(branches)
    db.session.flush()
    points = []
    for n in range(POINTS):
        branch = branches[n % BRANCHES]
        points.append(ServicePoint(branch_id=branch.id, name=f"Điểm quy mô {n + 1:03d}", ward=f"Phường {n + 1:03d}",
                                   address=f"{n + 1} phố Quy Mô"))
    db.session.add_all(points)
    module = TrainingModule(campaign_id=campaign.id, title="Bảo mật thông tin công dân", summary="", body_md="",
                            body_html="", estimated_minutes=30, position=1, is_required=True)
    db.session.add(module)
    db.session.flush()
    categories = activity.add_default_categories(campaign.id)
    now = clock.now()

    # Students, with their role, consent, enrolment and training.
    first_id = (db.session.scalar(select(User.id).order_by(User.id.desc()).limit(1)) or 0) + 1
    password_hash = hash_password(password)
    names = [f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}" for _ in range(STUDENTS)]
    ids = list(range(first_id, first_id + STUDENTS))
    db.session.execute(insert(User), [{
        "id": i, "email": f"sv{n:05d}@quymo.example.org", "full_name": names[n], "sort_name": sort_key(names[n]),
        "password_hash": password_hash, "school": SCHOOLS[n % len(SCHOOLS)], "chapter": f"Chi đoàn {n % 200:03d}",
        "student_code": f"QM{n:05d}", "locale": "vi", "is_active_account": True, "email_verified_at": now,
        "created_at": now} for n, i in enumerate(ids)])
    db.session.execute(insert(UserRole), [{"user_id": i, "role": "student", "granted_at": now} for i in ids])
    db.session.execute(insert(Consent), [{"user_id": i, "notice_version": "2025-12", "purpose": CONSENT_PURPOSE,
                                          "accepted_at": now} for i in ids])
    db.session.execute(insert(CampaignEnrolment), [{"campaign_id": campaign.id, "user_id": i, "joined_at": now}
                                                   for i in ids])
    db.session.execute(insert(Completion), [{"module_id": module.id, "user_id": i, "completed_at": now,
                                             "method": "bulk", "is_current": True} for i in ids])

    # Shifts: every point, every day, three slots. Each slot's seats go to a block of students that
    # rotates through the cohort, so nobody is booked twice at the same time.
    shift_rows, plan = [], []
    for day_number in range(DAYS):
        day = first_day + timedelta(days=day_number)
        for slot, (start, end) in enumerate(SLOTS):
            starts = datetime.combine(day, start, LOCAL_TZ)
            ends = datetime.combine(day, end, LOCAL_TZ)
            for point in points:
                capacity = rng.choice((4, 5, 5, 6))
                booked = min(capacity, rng.choice((3, 4, 4, 5, 5, 6)))
                shift_rows.append({"campaign_id": campaign.id, "point_id": point.id, "starts_at": starts,
                                   "ends_at": ends, "capacity": capacity, "booked_count": booked, "task_focus": "",
                                   "status": "open", "created_at": now})
                plan.append((day_number * len(SLOTS) + slot, booked, starts, ends))
    first_shift = (db.session.scalar(select(Shift.id).order_by(Shift.id.desc()).limit(1)) or 0) + 1
    for offset, row in enumerate(shift_rows):
        row["id"] = first_shift + offset
    db.session.execute(insert(Shift), shift_rows)

    bookings, attendance, logs, counts = [], [], [], []
    next_booking = (db.session.scalar(select(Booking.id).order_by(Booking.id.desc()).limit(1)) or 0) + 1
    next_log = (db.session.scalar(select(ActivityLog.id).order_by(ActivityLog.id.desc()).limit(1)) or 0) + 1
    cursor_by_slot: dict[int, int] = {}
    for offset, (slot_number, booked, starts, ends) in enumerate(plan):
        shift_id = first_shift + offset
        cursor = cursor_by_slot.get(slot_number, (slot_number * 577) % STUDENTS)
        past = ends < now
        for seat in range(booked):
            user_id = ids[(cursor + seat) % STUDENTS]
            bookings.append({"id": next_booking, "shift_id": shift_id, "user_id": user_id, "status": "booked",
                             "source": "self", "is_override": False, "created_at": now})
            if past:
                present = rng.random() > 0.08
                attendance.append({"booking_id": next_booking, "status": "present" if present else "no_show",
                                   "checked_in_at": starts - timedelta(minutes=rng.randint(0, 20)) if present else None,
                                   "checked_out_at": ends if present else None,
                                   "check_in_method": "leader" if present else None, "task": "", "updated_at": now})
            next_booking += 1
        cursor_by_slot[slot_number] = cursor + booked
        if past:
            logs.append({"id": next_log, "shift_id": shift_id, "status": "confirmed",
                         "elderly_helped": rng.randint(0, 6), "notes": "", "incidents": "", "updated_at": now})
            for category in categories[:6]:
                counts.append({"log_id": next_log, "category_id": category.id, "count": rng.randint(0, 12)})
            next_log += 1
    for table, rows in ((Booking, bookings), (Attendance, attendance), (ActivityLog, logs), (ActivityCount, counts)):
        for start in range(0, len(rows), 20_000):
            db.session.execute(insert(table), rows[start:start + 20_000])
    _advance_sequences(("users", "shifts", "bookings", "activity_logs"))
    db.session.commit()
    _analyse()
    return [f"campaign {SLUG}: {BRANCHES} branches, {POINTS} points, {STUDENTS} students",
            f"{len(shift_rows)} shifts over {DAYS} days, {len(bookings)} bookings, "
            f"{len(attendance)} attendance records, "
            f"{len(logs)} activity logs"]


def _analyse() -> None:
    """Give the planner statistics of the new rows, as PostgreSQL's manual advises after a bulk load
    (autovacuum would, some minutes later); SQLite's planner reads its indexes without."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))


def _advance_sequences(tables) -> None:
    """On PostgreSQL, move each id sequence past the ids written explicitly above."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))

"""People's requests about their data: deadlines, the organisers' steps, the queue and request pages."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal.accounts.validation import InvalidInput
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.privacy import requests as reqs
from portal.privacy.models import DataRequest

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def hanoi(*args) -> datetime:
    return datetime(*args, tzinfo=HANOI)


# --- deadlines ------------------------------------------------------------------------------


def test_acknowledgement_counts_working_days_in_hanoi_time():
    # Friday 15:00 in Hanoi: Saturday and Sunday do not count, so the answer is due by Tuesday night.
    due = reqs.add_working_days(hanoi(2026, 1, 9, 15, 0), 2)
    assert due.astimezone(HANOI).date().isoformat() == "2026-01-13"
    assert (due.astimezone(HANOI).hour, due.astimezone(HANOI).minute) == (23, 59)


def test_a_request_made_late_on_sunday_utc_is_monday_in_hanoi():
    # 18:00 UTC on Sunday is 01:00 on Monday in Hanoi: Tuesday and Wednesday are the two days.
    received = datetime(2026, 1, 11, 18, 0, tzinfo=ZoneInfo("UTC"))
    assert reqs.add_working_days(received, 2).astimezone(HANOI).date().isoformat() == "2026-01-14"


@pytest.mark.parametrize("kind, days", [("access", 10), ("erasure", 10), ("correction", 10), ("other", 10),
                                         ("withdrawal", 15), ("restriction", 15), ("objection", 15)])
def test_due_date_depends_on_the_kind(app, make_user, kind, days):
    student = make_user()
    received = hanoi(2026, 1, 5, 9, 0)
    req = reqs.open_request(student, kind, "", received_at=received)
    db.session.commit()
    assert req.due_at.astimezone(HANOI).date() == (received + timedelta(days=days)).date()


def test_a_third_party_gives_twenty_days_and_settings_change_the_defaults(make_app, make_user):
    app = make_app(PRIVACY_DUE_DAYS=7, PRIVACY_DUE_DAYS_THIRD_PARTY=25)
    with app.app_context():
        student = make_user()
        received = hanoi(2026, 1, 5, 9, 0)
        plain = reqs.open_request(student, "access", None, received_at=received)
        third = reqs.open_request(student, "access", None, received_at=received, third_party=True)
        db.session.commit()
        assert plain.due_at.astimezone(HANOI).date().isoformat() == "2026-01-12"
        assert third.due_at.astimezone(HANOI).date().isoformat() == "2026-01-30"


def test_open_request_stays_in_the_callers_transaction(app, make_user):
    student = make_user()
    req = reqs.open_request(student, "access", "Mọi thứ")
    assert req.id is not None
    db.session.rollback()
    assert db.session.scalar(select(DataRequest)) is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == reqs.OPENED)) is None


def test_open_request_is_audited_without_the_typed_text(app, make_user):
    student = make_user()
    organiser = make_user(role="admin")
    req = reqs.open_request(None, "erasure", "Thư tay ngày 3/1", channel="letter", actor=organiser,
                            subject="Bà Lê Thị Thư, Gia Lâm")
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == reqs.OPENED))
    assert event.actor_id == organiser.id and event.target_id == req.id
    assert "Thư" not in str(event.after) and "Gia Lâm" not in str(event.after)
    assert req.created_by_id == organiser.id and req.subject == "Bà Lê Thị Thư, Gia Lâm"
    own = reqs.open_request(student, "access", None)
    db.session.commit()
    assert own.created_by_id == student.id and own.subject is None


def test_a_request_needs_a_person(app):
    with pytest.raises(InvalidInput) as refused:
        reqs.open_request(None, "access", "x", channel="phone", subject="  ")
    assert refused.value.field == "subject"
    with pytest.raises(InvalidInput):
        reqs.open_request(None, "nonsense", "x", subject="A")


# --- steps ----------------------------------------------------------------------------------


def _request(make_user, kind="access"):
    student = make_user()
    req = reqs.open_request(student, kind, "Tôi muốn xem dữ liệu")
    db.session.commit()
    return req


def test_acknowledge_then_close_records_who_and_when(app, make_user):
    organiser = make_user(role="admin")
    req = _request(make_user)
    reqs.acknowledge(req, organiser)
    assert req.status == "in_progress" and req.acknowledged_at and req.handled_by_id == organiser.id
    with pytest.raises(InvalidInput):
        reqs.acknowledge(req, organiser)
    reqs.close(req, organiser, "done", "Đã gửi tệp dữ liệu")
    assert req.status == "done" and req.closed_at and req.outcome == "Đã gửi tệp dữ liệu"
    with pytest.raises(InvalidInput):
        reqs.close(req, organiser, "refused", "again")
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "data_request")
                                      .order_by(AuditEvent.id)))
    assert actions == [reqs.OPENED, reqs.ACKNOWLEDGED, reqs.CLOSED]


def test_close_needs_an_outcome_and_a_real_status(app, make_user):
    organiser = make_user(role="admin")
    req = _request(make_user)
    with pytest.raises(InvalidInput) as refused:
        reqs.close(req, organiser, "done", "   ")
    assert refused.value.field == "outcome"
    with pytest.raises(InvalidInput):
        reqs.close(req, organiser, "new", "x")
    assert db.session.get(DataRequest, req.id).status == "new"


def test_extend_once_with_a_reason(app, make_user):
    organiser = make_user(role="admin")
    req = _request(make_user)
    due = req.due_at
    with pytest.raises(InvalidInput):
        reqs.extend(req, organiser, "")
    reqs.extend(req, organiser, "Cần đối chiếu với chi nhánh")
    assert req.is_extended and req.due_at == due + timedelta(days=15)
    with pytest.raises(InvalidInput):
        reqs.extend(req, organiser, "Again")
    assert db.session.get(DataRequest, req.id).due_at == due + timedelta(days=15)


def test_assign_only_to_an_active_organiser(app, make_user):
    organiser = make_user(role="admin")
    other = make_user(role="admin")
    trainer = make_user(role="trainer")
    req = _request(make_user)
    with pytest.raises(InvalidInput):
        reqs.assign(req, organiser, trainer)
    reqs.assign(req, organiser, other)
    assert req.handled_by_id == other.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == reqs.ASSIGNED))
    assert event.after == {"handled_by_id": other.id}


def test_deadline_states():
    now = hanoi(2026, 1, 10, 12, 0)
    assert reqs.deadline_state(now - timedelta(minutes=1), now=now) == "overdue"
    assert reqs.deadline_state(now + timedelta(hours=30), now=now) == "due_soon"
    assert reqs.deadline_state(now + timedelta(days=5), now=now) == "ok"
    assert reqs.deadline_state(now, done_at=now + timedelta(hours=1)) == "late"
    assert reqs.deadline_state(now, done_at=now - timedelta(hours=1)) == "met"

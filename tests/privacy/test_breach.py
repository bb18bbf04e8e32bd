"""Breach records: the 72-hour deadline, the people the audit log names, the drafted notices."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal.audit import labels
from portal.audit import services as audit
from portal.audit.models import AuditEvent
from portal.core import clock
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.privacy import breach
from portal.privacy.models import BreachRecord

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def _at(event, when):
    event.created_at = when
    return event


def test_deadline_is_72_hours_from_detection(app, make_user):
    organiser = make_user(role="admin")
    detected = clock.now() - timedelta(hours=60)
    record = breach.record(organiser, detected, "Lộ bảng tính", ["views"], None, None)
    state = breach.deadline(record)
    assert state.due == detected + timedelta(hours=72)
    assert state.state == "due_soon" and state.hours_left == 11
    old = breach.record(organiser, clock.now() - timedelta(hours=80), "Cũ", ["views"], None, None)
    assert breach.deadline(old).state == "overdue"
    breach.set_status(old, organiser, "notified")
    assert breach.deadline(old).state == "late"


def test_record_refuses_future_detection_and_a_backwards_window(app, make_user):
    organiser = make_user(role="admin")
    with pytest.raises(InvalidInput):
        breach.record(organiser, clock.now() + timedelta(days=1), "x", ["views"], None, None)
    with pytest.raises(InvalidInput):
        breach.record(organiser, clock.now(), "x", ["views"], clock.now(), clock.now() - timedelta(days=1))
    with pytest.raises(InvalidInput):
        breach.record(organiser, clock.now(), "x", [], None, None)
    assert db.session.scalar(select(BreachRecord)) is None


def test_affected_people_come_from_the_audit_log_of_the_window(app, make_user):
    organiser = make_user(role="admin")
    viewed = make_user(full_name="Bùi Bị Xem")
    outside = make_user(full_name="Cao Ngoài Khung")
    signed_in = make_user(full_name="Đinh Đăng Nhập")
    now = clock.now()
    _at(audit.record(organiser, labels.PERSON_VIEWED, "user", viewed.id), now - timedelta(hours=2))
    _at(audit.record(organiser, labels.PERSON_VIEWED, "user", outside.id), now - timedelta(days=5))
    _at(audit.record(signed_in, labels.AUTH_LOGIN, "user", signed_in.id), now - timedelta(hours=1))
    _at(audit.record(organiser, labels.EXPORT_REPORT, "report", None), now - timedelta(hours=1))
    db.session.commit()
    record = breach.record(organiser, now, "Phiên đăng nhập bị lộ", ["views", "exports"], now - timedelta(days=1), now)
    people, total, bulk = breach.affected(record)
    assert [p.full_name for p in people] == ["Bùi Bị Xem"] and total == 1 and bulk == 1
    sign_ins = breach.record(organiser, now, "x", ["sign-ins"], now - timedelta(days=1), now)
    assert {p.full_name for p in breach.affected(sign_ins)[0]} == {"Đinh Đăng Nhập"}
    everything = breach.record(organiser, now, "x", [breach.ANY], now - timedelta(days=1), now)
    assert {"Bùi Bị Xem", "Đinh Đăng Nhập"} <= {p.full_name for p in breach.affected(everything)[0]}
    assert "Cao Ngoài Khung" not in {p.full_name for p in breach.affected(everything)[0]}


def test_drafts_in_vietnamese_and_english(app, make_user):
    organiser = make_user(role="admin")
    record = breach.record(organiser, clock.now(), "Một tệp xuất bị gửi nhầm", ["exports"], None, None,
                           actions="Đã thu hồi liên kết")
    drafts = breach.drafts(record, 3, "privacy@example.org")
    for audience in ("authority", "people"):
        for locale in ("vi", "en"):
            subject, body = drafts[audience][locale]
            assert subject and "Một tệp xuất bị gửi nhầm" in body and "privacy@example.org" in body


def test_breach_pages_record_show_and_close(client, auth, make_user):
    auth.as_(make_user(role="admin"))
    assert client.get("/admin/privacy/breaches").status_code == 200
    now = datetime.now(HANOI)
    response = client.post("/admin/privacy/breaches/new", data={
        "detected_on": now.strftime("%d/%m/%Y"), "detected_time": "00:00", "summary": "Máy tính bị mất",
        "kinds": ["views", "sign-ins"], "affected_from": (now - timedelta(days=2)).strftime("%d/%m/%Y"),
        "affected_to": now.strftime("%d/%m/%Y")})
    assert response.status_code == 303
    record = db.session.scalar(select(BreachRecord))
    assert record.data_kinds == "views,sign-ins"
    page = client.get(f"/admin/privacy/breaches/{record.id}").get_data(as_text=True)
    assert "Máy tính bị mất" in page and "<textarea" in page
    assert client.post(f"/admin/privacy/breaches/{record.id}/status", data={}).status_code == 422
    assert client.post(f"/admin/privacy/breaches/{record.id}/status", data={"status": "notified"}).status_code == 303
    assert client.post(f"/admin/privacy/breaches/{record.id}/status", data={"status": "closed"}).status_code == 303
    assert db.session.get(BreachRecord, record.id).status == "closed"
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "breach_record")
                                      .order_by(AuditEvent.id)))
    assert actions == [breach.RECORDED, breach.NOTIFIED, breach.CLOSED]


def test_breach_form_refuses_missing_fields(client, auth, make_user):
    auth.as_(make_user(role="admin"))
    response = client.post("/admin/privacy/breaches/new", data={"summary": ""})
    assert response.status_code == 422 and 'id="detected_on-error"' in response.get_data(as_text=True)

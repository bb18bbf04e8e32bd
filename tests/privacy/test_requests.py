"""People's requests about their data: deadlines, the organisers' steps, the queue and request pages."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.privacy import requests as privacy_requests
from portal.privacy.models import DataExport, DataRequest

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def hanoi(*args) -> datetime:
    return datetime(*args, tzinfo=HANOI)


# --- deadlines ------------------------------------------------------------------------------


def test_acknowledgement_counts_working_days_in_hanoi_time():
    # Friday 15:00 in Hanoi: Saturday and Sunday do not count, so the answer is due by Tuesday night.
    due = privacy_requests.add_working_days(hanoi(2026, 1, 9, 15, 0), 2)
    assert due.astimezone(HANOI).date().isoformat() == "2026-01-13"
    assert (due.astimezone(HANOI).hour, due.astimezone(HANOI).minute) == (23, 59)


def test_a_request_made_late_on_sunday_utc_is_monday_in_hanoi():
    # 18:00 UTC on Sunday is 01:00 on Monday in Hanoi: Tuesday and Wednesday are the two days.
    received = datetime(2026, 1, 11, 18, 0, tzinfo=ZoneInfo("UTC"))
    assert privacy_requests.add_working_days(received, 2).astimezone(HANOI).date().isoformat() == "2026-01-14"


@pytest.mark.parametrize("kind, days", [("access", 10), ("erasure", 10), ("correction", 10), ("other", 10),
                                         ("withdrawal", 15), ("restriction", 15), ("objection", 15)])
def test_due_date_depends_on_the_kind(app, make_user, kind, days):
    student = make_user()
    received = hanoi(2026, 1, 5, 9, 0)
    req = privacy_requests.open_request(student, kind, "", received_at=received)
    db.session.commit()
    assert req.due_at.astimezone(HANOI).date() == (received + timedelta(days=days)).date()


def test_a_third_party_gives_twenty_days_and_settings_change_the_defaults(make_app, make_user):
    app = make_app(PRIVACY_DUE_DAYS=7, PRIVACY_DUE_DAYS_THIRD_PARTY=25)
    with app.app_context():
        student = make_user()
        received = hanoi(2026, 1, 5, 9, 0)
        plain = privacy_requests.open_request(student, "access", None, received_at=received)
        third = privacy_requests.open_request(student, "access", None, received_at=received, third_party=True)
        db.session.commit()
        assert plain.due_at.astimezone(HANOI).date().isoformat() == "2026-01-12"
        assert third.due_at.astimezone(HANOI).date().isoformat() == "2026-01-30"


def test_open_request_stays_in_the_callers_transaction(app, make_user):
    student = make_user()
    req = privacy_requests.open_request(student, "access", "Mọi thứ")
    assert req.id is not None
    db.session.rollback()
    assert db.session.scalar(select(DataRequest)) is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == privacy_requests.OPENED)) is None


def test_open_request_is_audited_without_the_typed_text(app, make_user):
    student = make_user()
    organiser = make_user(role="admin")
    req = privacy_requests.open_request(None, "erasure", "Thư tay ngày 3/1", channel="letter", actor=organiser,
                            subject="Bà Lê Thị Thư, Gia Lâm")
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == privacy_requests.OPENED))
    assert event.actor_id == organiser.id and event.target_id == req.id
    assert "Thư" not in str(event.after) and "Gia Lâm" not in str(event.after)
    assert req.created_by_id == organiser.id and req.subject == "Bà Lê Thị Thư, Gia Lâm"
    own = privacy_requests.open_request(student, "access", None)
    db.session.commit()
    assert own.created_by_id == student.id and own.subject is None


def test_a_request_needs_a_person(app):
    with pytest.raises(InvalidInput) as refused:
        privacy_requests.open_request(None, "access", "x", channel="phone", subject="  ")
    assert refused.value.field == "subject"
    with pytest.raises(InvalidInput):
        privacy_requests.open_request(None, "nonsense", "x", subject="A")


# --- steps ----------------------------------------------------------------------------------


def _request(make_user, kind="access"):
    student = make_user()
    req = privacy_requests.open_request(student, kind, "Tôi muốn xem dữ liệu")
    db.session.commit()
    return req


def test_acknowledge_then_close_records_who_and_when(app, make_user):
    organiser = make_user(role="admin")
    req = _request(make_user)
    privacy_requests.acknowledge(req, organiser)
    assert req.status == "in_progress" and req.acknowledged_at and req.handled_by_id == organiser.id
    with pytest.raises(InvalidInput):
        privacy_requests.acknowledge(req, organiser)
    privacy_requests.close(req, organiser, "done", "Đã gửi tệp dữ liệu")
    assert req.status == "done" and req.closed_at and req.outcome == "Đã gửi tệp dữ liệu"
    with pytest.raises(InvalidInput):
        privacy_requests.close(req, organiser, "refused", "again")
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "data_request")
                                      .order_by(AuditEvent.id)))
    assert actions == [privacy_requests.OPENED, privacy_requests.ACKNOWLEDGED, privacy_requests.CLOSED]


def test_close_needs_an_outcome_and_a_real_status(app, make_user):
    organiser = make_user(role="admin")
    req = _request(make_user)
    with pytest.raises(InvalidInput) as refused:
        privacy_requests.close(req, organiser, "done", "   ")
    assert refused.value.field == "outcome"
    with pytest.raises(InvalidInput):
        privacy_requests.close(req, organiser, "new", "x")
    assert db.session.get(DataRequest, req.id).status == "new"


def test_extend_once_with_a_reason(app, make_user):
    organiser = make_user(role="admin")
    req = _request(make_user)
    due = req.due_at
    with pytest.raises(InvalidInput):
        privacy_requests.extend(req, organiser, "")
    privacy_requests.extend(req, organiser, "Cần đối chiếu với chi nhánh")
    assert req.is_extended and req.due_at == due + timedelta(days=15)
    with pytest.raises(InvalidInput):
        privacy_requests.extend(req, organiser, "Again")
    assert db.session.get(DataRequest, req.id).due_at == due + timedelta(days=15)


def test_assign_only_to_an_active_organiser(app, make_user):
    organiser = make_user(role="admin")
    other = make_user(role="admin")
    trainer = make_user(role="trainer")
    req = _request(make_user)
    with pytest.raises(InvalidInput):
        privacy_requests.assign(req, organiser, trainer)
    privacy_requests.assign(req, organiser, other)
    assert req.handled_by_id == other.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == privacy_requests.ASSIGNED))
    assert event.after == {"handled_by_id": other.id}


def test_deadline_states():
    now = hanoi(2026, 1, 10, 12, 0)
    assert privacy_requests.deadline_state(now - timedelta(minutes=1), now=now) == "overdue"
    assert privacy_requests.deadline_state(now + timedelta(hours=30), now=now) == "due_soon"
    assert privacy_requests.deadline_state(now + timedelta(days=5), now=now) == "ok"
    assert privacy_requests.deadline_state(now, done_at=now + timedelta(hours=1)) == "late"
    assert privacy_requests.deadline_state(now, done_at=now - timedelta(hours=1)) == "met"


# --- the queue and the request page ---------------------------------------------------------


def test_queue_shows_deadlines_in_words_and_overdue_first(client, auth, make_user):
    organiser = auth.as_(make_user(role="admin"))
    late = privacy_requests.open_request(make_user(full_name="Trần Quá Hạn"), "access", None,
                             received_at=datetime.now(HANOI) - timedelta(days=12))
    fresh = privacy_requests.open_request(make_user(full_name="Lê Mới Gửi"), "erasure", None)
    db.session.commit()
    page = client.get("/admin/privacy/requests", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert page.index("Trần Quá Hạn") < page.index("Lê Mới Gửi")
    assert "Overdue" in page or "Quá hạn" in page
    overdue = client.get("/admin/privacy/requests?deadline=overdue").get_data(as_text=True)
    assert "Trần Quá Hạn" in overdue and "Lê Mới Gửi" not in overdue
    privacy_requests.close(fresh, organiser, "done", "Đã xóa")
    assert "Lê Mới Gửi" not in client.get("/admin/privacy/requests").get_data(as_text=True)
    assert "Lê Mới Gửi" in client.get("/admin/privacy/requests?status=all").get_data(as_text=True)
    assert late.id


def test_queue_fragment_for_htmx(client, auth, make_user):
    auth.as_(make_user(role="admin"))
    response = client.get("/admin/privacy/requests?kind=erasure", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and 'id="request-list"' in body
    assert "HX-Request" in response.headers["Vary"]


def test_students_cannot_open_the_queue(client, auth, make_user):
    auth.as_(make_user())
    assert client.get("/admin/privacy/requests").status_code == 403


def test_organiser_records_a_call_by_exact_email(client, auth, make_user):
    organiser = auth.as_(make_user(role="admin"))
    student = make_user(email="an.nguyen@example.org")
    make_user(email="an.nguyen@example.org.vn")
    response = client.post("/admin/privacy/requests/new", data={
        "channel": "phone", "kind": "erasure", "person": "An.Nguyen@example.org", "details": "Gọi điện ngày 5/1"})
    assert response.status_code == 303
    req = db.session.scalar(select(DataRequest))
    assert (req.user_id, req.channel, req.created_by_id, req.subject) == (student.id, "phone", organiser.id, None)
    assert response.headers["Location"].endswith(f"/admin/privacy/requests/{req.id}")


def test_several_matches_ask_which_person(client, auth, make_user):
    auth.as_(make_user(role="admin"))
    one = make_user(full_name="Phạm Thị Hoa")
    make_user(full_name="Đỗ Thị Hoa")
    data = {"channel": "letter", "kind": "access", "person": "Hoa"}
    response = client.post("/admin/privacy/requests/new", data=data)
    assert response.status_code == 422 and 'name="person_id"' in response.get_data(as_text=True)
    assert db.session.scalar(select(DataRequest)) is None
    assert client.post("/admin/privacy/requests/new", data={**data, "person_id": str(one.id)}).status_code == 303
    assert db.session.scalar(select(DataRequest)).user_id == one.id


def test_a_person_without_account_is_named_by_subject(client, auth, make_user):
    auth.as_(make_user(role="admin"))
    refused = client.post("/admin/privacy/requests/new", data={"channel": "letter", "kind": "access"})
    assert refused.status_code == 422 and 'id="subject-error"' in refused.get_data(as_text=True)
    nobody = client.post("/admin/privacy/requests/new", data={"channel": "letter", "kind": "access",
                                                              "person": "nobody@example.org"})
    assert nobody.status_code == 422 and 'id="person-error"' in nobody.get_data(as_text=True)
    ok = client.post("/admin/privacy/requests/new", data={
        "channel": "letter", "kind": "access", "subject": "Ông Vũ Văn Thư, thư tay", "received_on": "02/01/2026"})
    assert ok.status_code == 303
    req = db.session.scalar(select(DataRequest))
    assert req.user_id is None and req.subject == "Ông Vũ Văn Thư, thư tay"
    assert req.received_at.astimezone(HANOI).date().isoformat() == "2026-01-02"


def test_request_page_steps_and_history(client, auth, make_user):
    organiser = auth.as_(make_user(role="admin", full_name="Ngô Ban Tổ Chức"))
    req = _request(make_user)
    assert client.post(f"/admin/privacy/requests/{req.id}/acknowledge").status_code == 303
    refused = client.post(f"/admin/privacy/requests/{req.id}/extend", data={"reason": ""},
                          headers={"HX-Request": "true"})
    assert refused.status_code == 422 and 'id="request-actions"' in refused.get_data(as_text=True)
    assert client.post(f"/admin/privacy/requests/{req.id}/extend", data={"reason": "Chờ chi nhánh"}).status_code == 303
    assert client.post(f"/admin/privacy/requests/{req.id}/close",
                       data={"status": "done", "outcome": "Đã gửi"}).status_code == 303
    page = client.get(f"/admin/privacy/requests/{req.id}").get_data(as_text=True)
    assert "Chờ chi nhánh" in page and "Đã gửi" in page and "Ngô Ban Tổ Chức" in page
    assert db.session.get(DataRequest, req.id).handled_by_id == organiser.id


def test_organiser_prepares_and_downloads_the_export_for_a_request(client, auth, make_user):
    auth.as_(make_user(role="admin"))
    req = _request(make_user)
    assert client.post(f"/admin/privacy/requests/{req.id}/export").status_code == 303

    record = db.session.scalar(select(DataExport))
    assert record.request_id == req.id
    response = client.get(f"/admin/privacy/requests/{req.id}/exports/{record.id}")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "summary.html" in zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == req.id,
                                                                     AuditEvent.target_type == "data_request")))
    assert {privacy_requests.EXPORT_PREPARED, privacy_requests.EXPORTED} <= actions
    other = _request(make_user)
    assert client.get(f"/admin/privacy/requests/{other.id}/exports/{record.id}").status_code == 404


def test_erasure_from_the_request_confirms_first_then_closes_it(client, auth, make_user):
    auth.as_(make_user(role="admin"))
    student = make_user(full_name="Hoàng Sẽ Xóa", phone="0912345678")
    req = privacy_requests.open_request(student, "erasure", None)
    db.session.commit()
    page = client.get(f"/admin/privacy/requests/{req.id}/erase").get_data(as_text=True)
    assert "Hoàng Sẽ Xóa" in page
    refused = client.post(f"/admin/privacy/requests/{req.id}/erase", data={})
    assert refused.status_code == 422
    assert db.session.get(type(student), student.id).erased_at is None
    assert client.post(f"/admin/privacy/requests/{req.id}/erase", data={"confirm": "y"}).status_code == 303
    erased = db.session.get(type(student), student.id)
    assert erased.erased_at is not None and "Hoàng" not in erased.full_name
    closed = db.session.get(DataRequest, req.id)
    assert closed.status == "done"
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "data_request")))
    assert {privacy_requests.ERASED, privacy_requests.CLOSED} <= actions
    assert client.get(f"/admin/privacy/requests/{req.id}/erase").status_code == 404


def test_organiser_cannot_erase_themselves_from_a_request(client, auth, make_user):
    organiser = auth.as_(make_user(role="admin"))
    req = privacy_requests.open_request(organiser, "erasure", None)
    db.session.commit()
    assert client.post(f"/admin/privacy/requests/{req.id}/erase", data={"confirm": "y"}).status_code == 403

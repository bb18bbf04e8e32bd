"""The export: everything about the person in one ZIP, theirs alone, for 24 hours."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

from sqlalchemy import select

from portal.audit import services as audit
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.privacy import export
from portal.privacy.models import DataExport
from tests.factories import enrol, served


def _zip(response_or_bytes):
    data = response_or_bytes if isinstance(response_or_bytes, bytes) else response_or_bytes.data
    return zipfile.ZipFile(io.BytesIO(data))


def test_student_downloads_a_zip_with_summary_json_and_csv(client, auth, make_user, make_campaign, make_point):
    student = auth.as_(make_user(full_name="Phạm Thị Xuất", phone="0912345678"))
    other = make_user(full_name="Người Khác")
    campaign, point = make_campaign(), make_point()
    enrol(campaign, student, other)
    served(campaign, point, student, adjusted_minutes=30)
    served(campaign, point, other)
    response = client.post("/me/data/export")
    assert response.status_code == 303
    record = db.session.scalar(select(DataExport))
    archive = _zip(client.get(f"/me/data/export/{record.id}"))
    names = archive.namelist()
    assert {"summary.html", "data.json", "csv/account/users.csv", "csv/shifts/attendance.csv"} <= set(names)
    data = json.loads(archive.read("data.json"))
    assert data["account"]["users"][0]["phone"] == "0912345678"
    assert data["account"]["users"][0]["password_hash"] == "set"
    assert [a["adjusted_minutes"] for a in data["shifts"]["attendance"]] == [30]
    assert "Phạm Thị Xuất" in archive.read("summary.html").decode()
    assert "Người Khác" not in archive.read("data.json").decode()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.export"))
    assert event.target_id == student.id


def test_someone_elses_export_is_a_404(client, auth, make_user):
    owner = make_user()
    record = export.build(owner)
    auth.as_(make_user(role="admin"))
    assert client.get(f"/me/data/export/{record.id}").status_code == 404


def test_an_export_expires_after_24_hours(client, auth, make_user):
    student = auth.as_(make_user())
    record = export.build(student)
    assert client.get(f"/me/data/export/{record.id}").status_code == 200
    record.expires_at = record.expires_at - timedelta(hours=25)
    db.session.commit()
    assert client.get(f"/me/data/export/{record.id}").status_code == 404


def test_an_organiser_builds_an_export_for_a_request(app, make_user):
    admin, student = make_user(role="admin"), make_user()
    record = export.build(student, requested_by=admin)
    assert (record.user_id, record.requested_by_id, record.status) == (student.id, admin.id, "ready")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.export")).actor_id == admin.id


def test_reset_links_in_emails_are_masked_in_the_export(app, make_user):
    student = make_user()
    db.session.add(OutboxMessage(to_email=student.email, subject="Đặt lại mật khẩu", kind="reset-password",
                                 body_text="http://portal.test/password/reset/abcdefghijklmnopqrstuvwxyz\n"))
    db.session.commit()
    data = json.loads(_zip(export.build_zip(student)).read("data.json"))
    assert data["emails"]["outbox_messages"][0]["body_text"] == "http://portal.test/password/reset/…\n"


def test_the_export_leaves_out_others_data_from_entries_the_person_made(app, make_user):
    leader, student = make_user(role="leader"), make_user(full_name="Bí Mật")
    audit.record(leader, "user.roles", "user", student.id, before={"full_name": "Bí Mật"}, after={"full_name": "X"})
    db.session.commit()
    assert "Bí Mật" not in _zip(export.build_zip(leader)).read("data.json").decode()
    assert "Bí Mật" in _zip(export.build_zip(student)).read("data.json").decode()

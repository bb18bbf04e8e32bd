"""One audit mechanism: events ride in the caller's transaction and admins can filter them."""
from datetime import date, datetime, timezone

from sqlalchemy import func, select

from portal.audit import services as audit
from portal.audit.models import AuditEvent
from portal.extensions import db


def test_an_event_rolls_back_with_the_change_it_describes(app, make_user):
    actor = make_user(role="admin")
    audit.record(actor, "thing.change", "thing", 1, {"a": 1}, {"a": 2})
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_only_changed_fields_are_kept(app, make_user):
    actor = make_user(role="admin")
    event = audit.record(actor, "thing.change", "thing", 1, {"a": 1, "b": 2}, {"a": 1, "b": 3})
    assert (event.before, event.after) == ({"b": 2}, {"b": 3})


def test_dates_filter_by_hanoi_day(app, make_user):
    actor = make_user(role="admin")
    # 18:30 UTC on 31/12 is already 01/01 in Hanoi.
    late = audit.record(actor, "x.y", "x", 1)
    late.created_at = datetime(2025, 12, 31, 18, 30, tzinfo=timezone.utc)
    early = audit.record(actor, "x.y", "x", 2)
    early.created_at = datetime(2025, 12, 31, 10, 0, tzinfo=timezone.utc)
    db.session.commit()
    new_year = db.session.scalars(audit.query(date_from=date(2026, 1, 1), date_to=date(2026, 1, 1))).all()
    assert [e.target_id for e in new_year] == [1]


def test_admin_filters_the_audit_log_by_action_and_person(client, auth, make_user):
    admin = auth.as_(make_user(role="admin", full_name="Trần Thị Thu"))
    other = make_user(role="admin", full_name="Lê Văn Nam")
    audit.record(admin, "campaign.create", "campaign", 7)
    audit.record(other, "user.roles", "user", 8)
    db.session.commit()
    body = client.get("/admin/audit/?action=campaign.create").get_data(as_text=True)
    assert "Chiến dịch #7" in body and "Tài khoản #8" not in body and "Tạo chiến dịch" in body
    body = client.get(f"/admin/audit/?actor={other.id}").get_data(as_text=True)
    assert "Tài khoản #8" in body and "Chiến dịch #7" not in body
    fragment = client.get("/admin/audit/?action=user", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="audit-events"' in fragment and "<html" not in fragment


def test_a_bad_date_filter_is_reported_not_a_crash(client, auth, make_user):
    auth.as_(make_user(role="admin"))
    response = client.get("/admin/audit/?date_from=31/31/2026")
    assert response.status_code == 200
    assert 'id="date_from-error"' in response.get_data(as_text=True)

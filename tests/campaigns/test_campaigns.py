"""Organisers create and edit campaigns; bad dates and taken slugs change nothing."""
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.campaigns import services as campaigns
from portal.campaigns.models import Campaign
from portal.extensions import db

FORM = {
    "name": "Thanh niên đồng hành cùng hành chính công 2026",
    "slug": "",
    "description": "Mùa thứ hai.",
    "start_date": "18/12/2026",
    "end_date": "15/02/2027",
    "peak_start": "15/12/2026",
    "peak_end": "15/01/2027",
    "status": "draft",
    "booking_window_days": "10", "cancel_cutoff_hours": "24", "max_shifts_per_week": "4",
    "max_hours_per_day": "8", "peak_extra_seats": "3",
    "organiser_text": "Thành đoàn Hà Nội\nTrung tâm Phục vụ hành chính công thành phố Hà Nội\n\nThành đoàn Hà Nội",
}


def campaign_count():
    return db.session.scalar(select(func.count()).select_from(Campaign))


def test_slug_is_made_from_a_vietnamese_name():
    slug = campaigns.slugify("Thanh niên đồng hành cùng hành chính công 2026")
    assert slug == "thanh-nien-dong-hanh-cung-hanh-chinh-cong-2026"


def test_admin_creates_a_campaign_with_dates_in_dd_mm_yyyy(client, auth, make_user):
    admin = auth.as_(make_user(role="admin"))
    response = client.post("/campaigns/new", data=FORM)
    assert response.status_code == 303
    campaign = db.session.scalar(select(Campaign))
    assert campaign.slug == "thanh-nien-dong-hanh-cung-hanh-chinh-cong-2026"
    assert campaign.start_date.isoformat() == "2026-12-18" and campaign.peak_end.isoformat() == "2027-01-15"
    assert campaign.organiser_names == ["Thành đoàn Hà Nội", "Trung tâm Phục vụ hành chính công thành phố Hà Nội"]
    assert (campaign.booking_window_days, campaign.cancel_cutoff_hours, campaign.peak_extra_seats) == (10, 24, 3)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "campaign.create"))
    assert event.actor_id == admin.id and event.after["start_date"] == "2026-12-18"
    page = client.get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
    assert "18/12/2026" in page and "15/01/2027" in page


def test_bad_campaign_input_is_refused_and_writes_nothing(client, auth, make_user, make_campaign):
    auth.as_(make_user(role="admin"))
    make_campaign(slug="taken")
    bad = [
        ({"end_date": "17/12/2026"}, "end_date"),
        ({"start_date": "31/02/2026"}, "start_date"),
        ({"start_date": "2026/12/18"}, "start_date"),
        ({"peak_end": ""}, "peak_end"),
        ({"peak_end": "14/12/2026"}, "peak_end"),
        ({"slug": "taken"}, "slug"),
        ({"slug": "Có Dấu"}, "slug"),
        ({"slug": "new"}, "slug"),
        ({"status": "archived"}, "status"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"cancel_cutoff_hours": "-1"}, "cancel_cutoff_hours"),
        ({"max_shifts_per_week": "0"}, "max_shifts_per_week"),
        ({"booking_window_days": "mười"}, "booking_window_days"),
    ]
    before = campaign_count()
    for change, field in bad:
        response = client.post("/campaigns/new", data={**FORM, **change})
        assert response.status_code == 422, change
        assert f'id="{field}-error"' in response.get_data(as_text=True), change
    assert campaign_count() == before
    campaign_events = select(func.count()).select_from(AuditEvent).where(AuditEvent.action.startswith("campaign."))
    assert db.session.scalar(campaign_events) == 0


def test_editing_records_what_changed(client, auth, make_user, make_campaign):
    auth.as_(make_user(role="admin"))
    campaign = make_campaign(slug="mua-1", status="draft")
    data = {**FORM, "slug": "mua-1", "status": "open", "organiser_text": "Đoàn Thanh niên xã Gia Lâm"}
    assert client.post("/campaigns/mua-1/edit", data=data).status_code == 303
    db.session.refresh(campaign)
    assert campaign.status == "open" and campaign.organiser_names == ["Đoàn Thanh niên xã Gia Lâm"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "campaign.update"))
    assert event.before["status"] == "draft" and event.after["status"] == "open"
    assert "description" in event.after and "slug" not in event.after  # only what changed


def test_students_see_open_campaigns_but_not_drafts(client, auth, make_user, make_campaign):
    make_campaign(slug="dang-mo", name="Chiến dịch đang mở", status="open")
    make_campaign(slug="nhap", name="Chiến dịch nháp", status="draft")
    auth.as_(make_user(role="student"))
    listing = client.get("/campaigns/").get_data(as_text=True)
    assert "Chiến dịch đang mở" in listing and "Chiến dịch nháp" not in listing
    assert client.get("/campaigns/nhap").status_code == 404
    assert client.post("/campaigns/new", data=FORM).status_code == 403
    assert campaign_count() == 2


def test_several_campaigns_share_one_student_account(client, auth, make_user, make_campaign):
    make_campaign(name="Mùa 2025", slug="mua-2025")
    make_campaign(name="Mùa 2026", slug="mua-2026")
    auth.as_(make_user())
    body = client.get("/campaigns/").get_data(as_text=True)
    assert "Mùa 2025" in body and "Mùa 2026" in body


def test_database_refuses_an_end_before_the_start(app, make_campaign):
    import datetime

    import pytest
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        make_campaign(start_date=datetime.date(2026, 1, 2), end_date=datetime.date(2026, 1, 1))
    db.session.rollback()


def test_service_points_page_lists_branches_and_points(client, auth, make_user, runner):
    runner.invoke(args=["seed-demo"])
    auth.as_(make_user())
    body = client.get("/campaigns/points").get_data(as_text=True)
    assert "Chi nhánh số 6" in body and "Điểm Hỗ trợ dịch vụ công số xã Gia Lâm" in body


def test_admin_assigns_and_removes_campaign_staff_and_a_wrong_role_is_refused(client, auth, make_user, make_campaign):
    campaign = make_campaign(slug="mua-dong")
    trainer = make_user(role="trainer", full_name="Lê Quang Huy")
    auth.as_(make_user(role="admin"))
    assigned = client.post("/campaigns/mua-dong/staff",
                           data={"user_id": trainer.id, "role": "trainer", "assigned": "1"})
    assert assigned.status_code == 303 and assigned.headers["Location"] == "/campaigns/mua-dong/staff"
    assert campaigns.staff_of(campaign, "trainer") == [trainer]
    for wrong in ({"user_id": trainer.id, "role": "leader", "assigned": "1"},  # not a leader
                  {"user_id": trainer.id, "role": "mayor", "assigned": "1"},
                  {"user_id": "abc", "role": "trainer", "assigned": "0"},
                  {"user_id": 999_999, "role": "trainer", "assigned": "0"}):
        refused = client.post("/campaigns/mua-dong/staff", data=wrong)
        assert refused.status_code == 303
        assert 'class="flash flash--error"' in client.get("/campaigns/mua-dong/staff").get_data(as_text=True)
    assert campaigns.staff_of(campaign, "trainer") == [trainer] and campaigns.staff_of(campaign, "leader") == []
    client.post("/campaigns/mua-dong/staff", data={"user_id": trainer.id, "role": "trainer", "assigned": "0"})
    assert campaigns.staff_of(campaign, "trainer") == []
    changes = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "campaign.staff")).all()
    assert [e.after["assigned"] for e in changes] == [True, False]

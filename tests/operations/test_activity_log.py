"""The shift's activity log: categories as data, validated counts, drafts and the leader's confirmation."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.campaigns import services as campaigns
from portal.campaigns.models import PointLeader
from portal.campaigns.services import CampaignData
from portal.extensions import db
from portal.operations import activity
from portal.operations.models import ActivityCategory, ActivityCount, ActivityLog
from portal.shifts.models import Booking
from tests.factories import enrol
from tests.operations.scenario import PointShift


@pytest.fixture
def world(make_user, make_campaign, make_point, make_shift):
    campaign = make_campaign()
    point = make_point()
    leader = make_user(role="leader")
    db.session.add(PointLeader(point_id=point.id, user_id=leader.id))
    student = make_user()
    enrol(campaign, student)
    shift = make_shift(campaign, point, starts_in=timedelta(hours=-3), hours=3)
    db.session.add(Booking(shift_id=shift.id, user_id=student.id))
    db.session.commit()
    cats = activity.add_default_categories(campaign.id)  # as creating the campaign through its service does
    db.session.commit()
    return PointShift(campaign=campaign, point=point, leader=leader, student=student, shift=shift, cats=cats)


def form(cats, **values):
    data = {f"count-{c.id}": "0" for c in cats}
    data.update(values)
    return data


def test_a_new_campaign_comes_with_the_article_categories_as_data(make_user):
    campaign = campaigns.create(make_user(role="admin"), CampaignData(
        name="Mùa đông tình nguyện", slug="", description="", start_date=date(2026, 12, 1),
        end_date=date(2027, 1, 31), status="open", peak_start=None, peak_end=None, organisers=[]))
    db.session.expire_all()  # read back what the campaign's own transaction committed
    keys = [c.key for c in activity.categories(campaign.id)]
    assert "vneid_activated" in keys and "cashless_payments" in keys and len(keys) == 10


def test_adding_the_defaults_again_keeps_what_organisers_changed(world):
    campaign, cats = world.campaign, world.cats
    cats[0].is_active = False
    db.session.commit()
    again = activity.add_default_categories(campaign.id)
    assert len(again) == 9 and len(activity.categories(campaign.id, include_inactive=True)) == 10


def test_a_volunteer_drafts_and_the_leader_confirms(client, auth, world):
    leader, student, shift, cats = world.leader, world.student, world.shift, world.cats
    vneid = next(c for c in cats if c.key == "vneid_activated")
    auth.as_(student)
    assert client.post(f"/operations/shifts/{shift.id}/log",
                       data=form(cats, **{f"count-{vneid.id}": "12", "elderly": "5",
                                          "notes": "Đông người buổi sáng"})).status_code == 303
    log = db.session.scalar(select(ActivityLog))
    assert log.status == "draft" and log.elderly_helped == 5
    client.post("/logout")
    auth.as_(leader)
    client.post(f"/operations/shifts/{shift.id}/log",
                data=form(cats, **{f"count-{vneid.id}": "14", "elderly": "5", "confirm": "1"}))
    db.session.refresh(log)
    assert log.status == "confirmed" and log.confirmed_by_id == leader.id
    assert db.session.scalar(select(ActivityCount.count).where(ActivityCount.category_id == vneid.id)) == 14
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "activity_log.save")).all()[-1]
    assert event.before["counts"][str(vneid.id)] == 12 and event.after["counts"][str(vneid.id)] == 14
    client.post("/logout")
    auth.as_(student)
    refused = client.post(f"/operations/shifts/{shift.id}/log", data=form(cats, **{f"count-{vneid.id}": "1"}))
    assert refused.status_code == 422  # confirmed: only the leader changes it now


@pytest.mark.parametrize("change,field", [
    ({"count": "-3"}, "count"), ({"count": "100000"}, "count"), ({"count": "mười"}, "count"),
    ({"count": "²"}, "count"), ({"count": "2", "elderly": "5"}, "elderly"),
])
def test_bad_counts_are_refused_and_nothing_is_written(client, auth, world, change, field):
    leader, shift, cats = world.leader, world.shift, world.cats
    auth.as_(leader)
    first = cats[0]
    data = form(cats, **{f"count-{first.id}": change["count"], "elderly": change.get("elderly", "0")})
    response = client.post(f"/operations/shifts/{shift.id}/log", data=data)
    assert response.status_code == 422
    expected = f"count-{first.id}" if field == "count" else "elderly"
    assert f'href="#{expected}"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ActivityLog)) == 0


def test_the_error_names_the_category_in_the_readers_language(client, auth, world):
    leader, shift, cats = world.leader, world.shift, world.cats
    vneid = next(c for c in cats if c.key == "vneid_activated")
    auth.as_(leader)
    for lang, label in (("vi", vneid.label_vi), ("en", vneid.label_en)):
        page = client.post(f"/operations/shifts/{shift.id}/log?lang={lang}",
                           data=form(cats, **{f"count-{vneid.id}": "x"}))
        assert page.status_code == 422 and f"“{label}”" in page.get_data(as_text=True)


def test_others_cannot_write_the_log(client, auth, world, make_user):
    shift, cats = world.shift, world.cats
    auth.as_(make_user())  # a student not booked on the shift
    assert client.get(f"/operations/shifts/{shift.id}/log").status_code == 403
    client.post("/logout")
    auth.as_(make_user(role="leader"))  # another point's leader
    assert client.post(f"/operations/shifts/{shift.id}/log", data=form(cats)).status_code == 403


def test_closed_campaign_logs_are_frozen(client, auth, world):
    campaign, leader, shift, cats = world.campaign, world.leader, world.shift, world.cats
    campaign.status = "closed"
    db.session.commit()
    auth.as_(leader)
    assert client.post(f"/operations/shifts/{shift.id}/log", data=form(cats)).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(ActivityCategory)) == 10


def test_organisers_edit_categories_and_the_log_follows(client, auth, world, make_user):
    campaign, leader, shift, cats = world.campaign, world.leader, world.shift, world.cats
    auth.as_(make_user(role="admin"))
    data = {f"label-{c.id}": c.label_vi for c in cats}
    data.update({f"label_en-{c.id}": c.label_en for c in cats})
    data.update({f"active-{c.id}": "y" for c in cats[1:]})  # switch the first one off
    data.update({"new_vi": "Hỗ trợ cài đặt iHanoi", "new_en": "iHanoi set-up"})
    assert client.post(f"/campaigns/{campaign.slug}/categories", data=data).status_code == 303
    active = activity.categories(campaign.id)
    assert cats[0].id not in [c.id for c in active] and active[-1].label_vi == "Hỗ trợ cài đặt iHanoi"
    bad = client.post(f"/campaigns/{campaign.slug}/categories", data={**data, f"label-{cats[1].id}": ""})
    assert bad.status_code == 422
    moved = client.post(f"/operations/campaigns/{campaign.slug}/categories", data=data)  # the old address
    assert moved.status_code == 308 and moved.headers["Location"].endswith(f"/campaigns/{campaign.slug}/categories")
    assert client.get(f"/operations/campaigns/{campaign.slug}/categories").status_code == 308
    client.post("/logout")
    auth.as_(leader)
    assert client.get(f"/campaigns/{campaign.slug}/categories").status_code == 403
    page = client.get(f"/operations/shifts/{shift.id}/log").get_data(as_text=True)
    assert "Hỗ trợ cài đặt iHanoi" in page and cats[0].label_vi not in page


def test_the_count_limit_is_configurable(make_app, world):
    leader, shift, cats = world.leader, world.shift, world.cats
    app = make_app(ACTIVITY_MAX_PER_CATEGORY=5)
    with app.app_context():
        client = app.test_client()
        client.post("/login", data={"email": leader.email, "password": "correct horse battery"})
        url = f"/operations/shifts/{shift.id}/log"
        assert client.post(url, data=form(cats, **{f"count-{cats[0].id}": "6"})).status_code == 422
        assert client.post(url, data=form(cats, **{f"count-{cats[0].id}": "5"})).status_code == 303


def test_a_refused_log_keeps_every_number_typed(client, auth, world):
    leader, shift, cats = world.leader, world.shift, world.cats
    auth.as_(leader)
    data = form(cats, **{f"count-{cats[0].id}": "7", f"count-{cats[1].id}": "nhiều", "elderly": "2",
                         "notes": "Máy in hỏng"})
    page = client.post(f"/operations/shifts/{shift.id}/log", data=data).get_data(as_text=True)
    first = re.search(rf'<input[^>]*name="count-{cats[0].id}"[^>]*>', page).group(0)
    second = re.search(rf'<input[^>]*name="count-{cats[1].id}"[^>]*>', page).group(0)
    assert 'value="7"' in first and 'value="nhiều"' in second and 'aria-invalid="true"' in second
    assert "Máy in hỏng</textarea>" in page and activity.log_for(shift) is None

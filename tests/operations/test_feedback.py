"""Citizens' feedback: recorded without personal data, followed to resolution, at the leader's points only."""
import pytest
from sqlalchemy import func, select

from portal.campaigns.models import PointLeader
from portal.extensions import db
from portal.operations.feedback import personal_data_problem
from portal.operations.models import CitizenFeedback


@pytest.mark.parametrize("text", [
    "Ông 001203004567 phản ánh chờ lâu",          # a citizen ID (CCCD) number
    "Gọi lại số 0912 345 678 khi có kết quả",      # a phone number
    "SĐT +84912345678",                            # a phone number, international
    "Bà gửi email tới ba.lan@example.com",         # an email
    "CCCD 001.203.004.567",                         # an ID with dots
])
def test_personal_data_is_detected(text):
    assert personal_data_problem(text) is not None


@pytest.mark.parametrize("text", ["Chờ 45 phút buổi sáng thứ Hai", "Cần thêm 2 máy quét; 120 hồ sơ/ngày"])
def test_ordinary_text_passes(text):
    assert personal_data_problem(text) is None


@pytest.fixture
def leader_point(make_user, make_point):
    point = make_point()
    leader = make_user(role="leader")
    db.session.add(PointLeader(point_id=point.id, user_id=leader.id))
    db.session.commit()
    return leader, point


def test_leader_records_and_resolves_feedback(client, auth, leader_point):
    leader, point = leader_point
    auth.as_(leader)
    refused = client.post(f"/operations/points/{point.id}/feedback",
                          data={"category": "waiting", "text": "Anh ấy để lại số 0987654321"})
    assert refused.status_code == 422 and 'href="#text"' in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CitizenFeedback)) == 0
    ok = client.post(f"/operations/points/{point.id}/feedback",
                     data={"category": "waiting", "text": "Chờ quá lâu giờ cao điểm"})
    assert ok.status_code == 303
    item = db.session.scalar(select(CitizenFeedback))
    client.post(f"/operations/feedback/{item.id}/status", data={"status": "forwarded"})
    client.post(f"/operations/feedback/{item.id}/status", data={"status": "resolved"})
    db.session.refresh(item)
    assert (item.status, item.handled_by_id) == ("resolved", leader.id)


def test_bad_category_and_other_points_are_refused(client, auth, leader_point, make_user, make_point):
    leader, point = leader_point
    auth.as_(leader)
    unknown = client.post(f"/operations/points/{point.id}/feedback", data={"category": "x", "text": "abc"})
    assert unknown.status_code == 422
    other = make_point()
    assert client.get(f"/operations/points/{other.id}/feedback").status_code == 403


def test_refused_feedback_keeps_what_was_typed_beside_its_error(client, auth, leader_point):
    leader, point = leader_point
    auth.as_(leader)
    text = "Chị ấy gọi 0987654321 để hỏi hồ sơ"
    page = client.post(f"/operations/points/{point.id}/feedback", data={"category": "conduct", "text": text})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and 'id="text-error"' in html and 'aria-invalid="true"' in html
    assert f"{text}</textarea>" in html and '<option selected value="conduct">' in html


def test_an_unknown_status_changes_nothing(client, auth, leader_point):
    leader, point = leader_point
    auth.as_(leader)
    client.post(f"/operations/points/{point.id}/feedback", data={"category": "waiting", "text": "Chờ lâu"})
    item = db.session.scalar(select(CitizenFeedback))
    client.post(f"/operations/feedback/{item.id}/status", data={"status": "deleted"})
    db.session.refresh(item)
    assert (item.status, item.handled_by_id) == ("new", None)

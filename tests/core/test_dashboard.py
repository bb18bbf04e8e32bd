"""Each role's start page renders and offers that role's work."""
import pytest

from portal.campaigns.models import PointLeader
from portal.extensions import db
from tests.factories import assign

CARDS = {
    "student": "/shifts/",
    "trainer": "/training/",
    "leader": "/operations/today",
    "admin": "/admin/people",
}


@pytest.mark.parametrize("role", sorted(CARDS))
def test_dashboard_for_each_role(client, auth, make_user, make_campaign, make_point, role):
    user = make_user(role=role)
    campaign = make_campaign()
    if role == "trainer":
        assign(campaign, user)
    if role == "leader":
        point = make_point()
        db.session.add(PointLeader(point_id=point.id, user_id=user.id))
        db.session.commit()
    auth.as_(user)
    response = client.get("/")
    assert response.status_code == 200
    assert f'href="{CARDS[role]}' in response.get_data(as_text=True)

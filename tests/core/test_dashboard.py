"""Each role's start page renders its own section (the scenarios are in tests/home/)."""
import pytest

from portal.campaigns.models import PointLeader
from portal.extensions import db
from tests.factories import assign

SECTIONS = {
    "student": "home-student",
    "trainer": "home-trainer",
    "leader": "home-leader",
    "admin": "home-organiser",
}


@pytest.mark.parametrize("role", sorted(SECTIONS))
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
    page = response.get_data(as_text=True)
    assert f'id="{SECTIONS[role]}"' in page
    assert [s for s in SECTIONS.values() if f'id="{s}"' in page] == [SECTIONS[role]]

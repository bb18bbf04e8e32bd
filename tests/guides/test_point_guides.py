"""A point's chosen guides (its leaders tick and order them) and the volunteers' quick guides."""
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.guides import point_services
from portal.guides.models import PointGuide


def chosen_ids(point) -> list[int]:
    db.session.rollback()
    return [g.id for g in point_services.chosen(point.id)]


def test_a_leader_ticks_and_orders_the_point_guides(guides_world, make_guide, auth, client):
    first, second, third = make_guide(title_vi="A"), make_guide(title_vi="B"), make_guide(title_vi="C")
    make_guide(status="draft", title_vi="Nháp")
    auth.as_(guides_world.leader)
    url = f"/points/{guides_world.point.id}/guides"
    page = client.get(url).get_data(as_text=True)
    assert "Nháp" not in page and f'value="{third.id}"' in page
    response = client.post(url, data={"guide": [str(first.id), str(third.id), str(second.id)],
                                      f"position-{first.id}": "3", f"position-{third.id}": "1",
                                      f"position-{second.id}": ""})
    assert response.status_code == 303
    assert chosen_ids(guides_world.point) == [third.id, first.id, second.id]  # unnumbered ones come last
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "guides.point_choice")).all()
    assert event.actor_id == guides_world.leader.id and event.target_id == guides_world.point.id
    page = client.get(url).get_data(as_text=True)  # the print links of the chosen guides
    assert f"/points/{guides_world.point.id}/to-roi.pdf" in page
    assert f"/guides/{third.id}/poster/{guides_world.point.id}/a4.pdf" in page
    client.post(url, data={"guide": [str(second.id)]})
    assert chosen_ids(guides_world.point) == [second.id]
    assert chosen_ids(guides_world.other_point) == []


def test_only_published_guides_can_be_chosen_and_nothing_is_written_otherwise(guides_world, make_guide, auth, client):
    published, draft = make_guide(), make_guide(status="draft")
    auth.as_(guides_world.leader)
    url = f"/points/{guides_world.point.id}/guides"
    client.post(url, data={"guide": [str(published.id)]})
    for data in ({"guide": [str(published.id), str(draft.id)]}, {"guide": ["x"]},
                 {"guide": [str(published.id)], f"position-{published.id}": "một"}):
        response = client.post(url, data=data)
        assert response.status_code == 422 and 'class="error-summary"' in response.get_data(as_text=True)
        assert chosen_ids(guides_world.point) == [published.id]


def test_leaders_of_other_points_and_students_are_refused(guides_world, make_guide, auth, client):
    guide = make_guide()
    url = f"/points/{guides_world.point.id}/guides"
    auth.as_(guides_world.other_leader)
    assert client.get(url).status_code == 403
    assert client.post(url, data={"guide": [str(guide.id)]}).status_code == 403
    auth.logout()
    auth.as_(guides_world.student)
    assert client.get(url).status_code == 403
    assert db.session.scalar(select(PointGuide)) is None


def test_organisers_choose_for_any_point(guides_world, make_guide, auth, client):
    guide = make_guide()
    auth.as_(guides_world.author)
    response = client.post(f"/points/{guides_world.other_point.id}/guides", data={"guide": [str(guide.id)]})
    assert response.status_code == 303
    assert chosen_ids(guides_world.other_point) == [guide.id]


def test_quick_guides_show_the_point_choice_else_every_published_guide(guides_world, make_guide, auth, client):
    first, second = make_guide(title_vi="Kích hoạt VNeID"), make_guide(title_vi="Dùng iHanoi")
    make_guide(status="retired", title_vi="Đã thôi dùng")
    auth.as_(guides_world.student)
    url = f"/points/{guides_world.point.id}/quick-guides"
    page = client.get(url).get_data(as_text=True)
    assert "Kích hoạt VNeID" in page and "Dùng iHanoi" in page and "Đã thôi dùng" not in page
    assert f'href="/g/{first.slug}"' in page and "/p" + str(guides_world.point.id) not in page  # opens without a scan
    point_services.set_chosen(guides_world.leader, guides_world.point, [second.id])
    page = client.get(url).get_data(as_text=True)
    assert "Dùng iHanoi" in page and "Kích hoạt VNeID" not in page
    assert client.get(f"/points/{guides_world.other_point.id}/quick-guides").status_code == 200
    assert client.get("/points/999999/quick-guides").status_code == 404


def test_the_booked_shift_page_and_today_link_to_the_guides(guides_world, make_guide, make_shift, auth, client):
    from tests import factories

    shift = make_shift(guides_world.campaign, guides_world.point)
    factories.enrol(guides_world.campaign, guides_world.student)
    auth.as_(guides_world.student)
    assert client.post(f"/shifts/{shift.id}/book").status_code in (200, 303)
    page = client.get(f"/shifts/{shift.id}").get_data(as_text=True)
    assert f"/points/{guides_world.point.id}/quick-guides" in page

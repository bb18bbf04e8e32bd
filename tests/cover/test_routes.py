"""The cover pages: asking, the accept page (a GET that never takes the seat), swaps by code, the history."""
from sqlalchemy import select

from portal.campaigns.models import PointLeader
from portal.cover import services as cover
from portal.cover import swaps
from portal.cover.models import CoverRequest, SwapProposal
from portal.extensions import db
from portal.shifts import booking
from portal.shifts.models import Booking
from tests.core.conftest import row_counts, sign_in


def test_a_student_asks_for_cover_from_the_shift_page_and_can_withdraw(client, auth, team):
    auth.as_(team.asker)
    page = client.get(f"/shifts/{team.shift.id}").get_data(as_text=True)
    assert f"/cover/bookings/{team.asker_booking.id}" in page
    page = client.get(f"/cover/bookings/{team.asker_booking.id}").get_data(as_text=True)
    assert swaps.code_for(team.asker_booking) in page
    refused = client.post(f"/cover/bookings/{team.asker_booking.id}/ask", data={"note": "x" * 301})
    assert refused.status_code == 422 and db.session.scalar(select(CoverRequest.id)) is None
    response = client.post(f"/cover/bookings/{team.asker_booking.id}/ask", data={"note": "Em bị ốm"})
    assert response.status_code == 303
    request = db.session.scalar(select(CoverRequest))
    assert request.note == "Em bị ốm" and request.offered_count == 3
    page = client.get(f"/cover/bookings/{team.asker_booking.id}").get_data(as_text=True)
    assert f"/cover/requests/{request.id}/withdraw" in page
    assert client.post(f"/cover/requests/{request.id}/withdraw").status_code == 303
    db.session.expire_all()
    assert db.session.get(CoverRequest, request.id).status == "withdrawn"


def test_the_accept_page_shows_a_first_name_and_takes_nothing_until_the_button(app, client, auth, team):
    request = cover.ask(team.asker, team.asker_booking.id, "Ca sáng")
    taker, late = team.free[:2]
    auth.as_(taker)
    before = row_counts()
    page = client.get(f"/cover/requests/{request.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and row_counts() == before
    assert "Lan" in text and "Nguyễn Thị Lan" not in text and team.asker.email not in text
    assert f'action="/cover/requests/{request.id}/accept"' in text
    listing = client.get("/cover/").get_data(as_text=True)
    assert f"/cover/requests/{request.id}" in listing
    assert client.post(f"/cover/requests/{request.id}/accept").status_code == 303
    other = sign_in(auth, late)
    response = other.post(f"/cover/requests/{request.id}/accept")
    assert response.status_code == 422 and str(cover.TAKEN) in response.get_data(as_text=True)
    db.session.expire_all()
    assert set(db.session.scalars(select(Booking.user_id).where(Booking.shift_id == team.shift.id,
                                                                Booking.status == "booked"))) == {taker.id}


def test_a_swap_by_code_is_shown_before_it_is_sent_and_the_colleague_accepts(client, auth, team, make_point,
                                                                             make_shift):
    binh = team.free[0]
    theirs = booking.book(binh, make_shift(team.campaign, make_point(), starts_at=team.shift.starts_at).id)
    auth.as_(team.asker)
    url = f"/cover/bookings/{team.asker_booking.id}/swap"
    assert client.post(url, data={"code": "12-ABCDEF"}).status_code == 422
    preview = client.post(url, data={"code": swaps.code_for(theirs)})
    assert preview.status_code == 200 and "Bình" in preview.get_data(as_text=True)
    assert db.session.scalar(select(SwapProposal.id)) is None
    assert client.post(url, data={"code": swaps.code_for(theirs), "confirm": "1"}).status_code == 303
    proposal = db.session.scalar(select(SwapProposal))
    colleague = sign_in(auth, binh)
    assert "Accept the swap" in colleague.get(f"/cover/swaps/{proposal.id}?lang=en").get_data(as_text=True)
    assert colleague.post(f"/cover/swaps/{proposal.id}/answer", data={"action": "withdraw"}).status_code == 403
    assert colleague.post(f"/cover/swaps/{proposal.id}/answer", data={"action": "accept"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(SwapProposal, proposal.id).status == "accepted"


def test_leaders_see_the_history_of_their_points_only(client, auth, team, make_user, make_point):
    request = cover.ask(team.asker, team.asker_booking.id)
    cover.accept(team.free[0], request.id)
    auth.as_(team.leader)
    page = client.get("/cover/history").get_data(as_text=True)
    assert "Nguyễn Thị Lan" in page and team.free[0].full_name in page
    stranger = make_user(role="leader")
    db.session.add(PointLeader(point_id=make_point().id, user_id=stranger.id))
    db.session.commit()
    page = sign_in(auth, stranger).get("/cover/history").get_data(as_text=True)
    assert "Nguyễn Thị Lan" not in page
    organiser = sign_in(auth, make_user(role="admin"))
    assert "Nguyễn Thị Lan" in organiser.get("/cover/history").get_data(as_text=True)
    assert sign_in(auth, team.asker).get("/cover/history").status_code == 403

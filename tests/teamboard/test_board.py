"""A point's team board: who sees it, posting (text, link, picture, a call for people), pinning, "seen",
and an organiser's post on several points or a whole branch."""
import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from portal.campaigns.models import Branch
from portal.extensions import db
from portal.notifications.models import Notification
from portal.teamboard import services as teamboard
from portal.teamboard.models import TeamPost, TeamPostImage, TeamPostPoint, TeamPostSeen
from tests.core.conftest import sign_in
from tests.teamboard.conftest import book, picture

pytestmark = pytest.mark.hanoi_time("2026-03-10 10:00")
HTMX = {"HX-Request": "true"}


def _post(client, point, **data):
    data.setdefault("body", "Mai điểm mở cửa lúc 7:00, các bạn vào cửa bên.")
    return client.post(f"/points/{point.id}/board", data=data, content_type="multipart/form-data")


def _notices(user):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_leader_posts_and_only_the_volunteers_booked_there_are_told(auth, world):
    leader = sign_in(auth, world.leader)
    response = _post(leader, world.point, link="https://dichvucong.gov.vn/huong-dan")
    assert response.status_code == 303
    post = db.session.scalar(select(TeamPost))
    assert post.author_id == world.leader.id and post.link == "https://dichvucong.gov.vn/huong-dan"
    (notice,) = _notices(world.lan)
    assert notice.key == f"board-post:{post.id}" and notice.link == f"http://portal.test/points/{world.point.id}/board"
    assert "7:00" in notice.body
    assert _notices(world.minh) == [] and _notices(world.free) == [] and _notices(world.leader) == []
    assert teamboard.latest_post(world.point.id).id == post.id and teamboard.latest_post(world.other_point.id) is None
    page = sign_in(auth, world.lan).get(f"/points/{world.point.id}/board").get_data(as_text=True)
    assert "Mai điểm mở cửa lúc 7:00" in page and 'rel="noopener noreferrer nofollow"' in page


def test_pinned_posts_come_first_then_the_newest(app, world, at_hanoi):
    first = teamboard.create_post(world.leader, [world.point.id], teamboard.Draft("Nội quy điểm trực", pinned=True))
    at_hanoi("2026-03-10 11:00")
    second = teamboard.create_post(world.leader, [world.point.id], teamboard.Draft("Hôm nay đông người"))
    assert [p.id for p in teamboard.board(world.point.id)] == [first.id, second.id]
    teamboard.set_pinned(world.leader, first, False)
    assert [p.id for p in teamboard.board(world.point.id)] == [second.id, first.id]
    assert teamboard.latest_post(world.point.id).id == second.id


def test_who_sees_a_board(auth, world, make_shift, at_hanoi):
    url = f"/points/{world.point.id}/board"
    for person, status in ((world.lan, 200), (world.leader, 200), (world.admin, 200), (world.minh, 403),
                           (world.free, 403), (world.other_leader, 403)):
        assert sign_in(auth, person).get(url).status_code == status, person.full_name
    assert sign_in(auth, world.lan).post(url, data={"body": "x"}).status_code == 403  # volunteers only read
    far = make_shift(world.campaign, world.other_point, starts_in=teamboard.HORIZON + teamboard.HORIZON)
    book(far, world.free)  # booked, but more than 14 days ahead
    assert sign_in(auth, world.free).get(f"/points/{world.other_point.id}/board").status_code == 403
    at_hanoi("2026-03-13 08:00")  # Lan's shift is over
    assert sign_in(auth, world.lan).get(url).status_code == 403
    assert sign_in(auth, world.lan).get("/points/999999/board").status_code == 404


def test_a_picture_is_reencoded_without_its_exif_and_served_only_to_who_sees_the_board(auth, world):
    exif = Image.Exif()
    exif[0x010F] = "Máy ảnh của Hà"  # Make; a phone also writes where the photo was taken
    sent = picture("JPEG", (3000, 1000), exif=exif.tobytes())
    response = _post(sign_in(auth, world.leader), world.point, image=(io.BytesIO(sent), "hang-doi.jpg"))
    assert response.status_code == 303
    image = db.session.scalar(select(TeamPostImage))
    assert (image.content_type, image.width, image.height) == ("image/jpeg", 1600, 533)
    served = sign_in(auth, world.lan).get(f"/board/posts/{image.post_id}/image")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert not Image.open(io.BytesIO(served.data)).getexif()
    assert b"Exif" not in served.data and served.data != sent
    assert sign_in(auth, world.minh).get(f"/board/posts/{image.post_id}/image").status_code == 403
    assert sign_in(auth, world.other_leader).get(f"/board/posts/{image.post_id}/image").status_code == 403


@pytest.mark.parametrize("upload, field", [
    ((b"%PDF-1.4 not a picture", "anh.jpg"), "image"),
    ((b"\xff\xd8\xff" + b"\x00" * (2 * 1024 * 1024 + 10), "lon.jpg"), "image"),  # over 2 MB
    ((b"", "rong.png"), "image"),
])
def test_a_file_that_is_not_a_small_picture_is_refused_and_nothing_is_stored(auth, world, upload, field):
    data, name = upload
    response = _post(sign_in(auth, world.leader), world.point, image=(io.BytesIO(data), name))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert _count(TeamPost) == 0 and _count(TeamPostImage) == 0 and _notices(world.lan) == []


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://example.org/x", "https://", "dichvucong.gov.vn"])
def test_only_web_links_are_accepted(auth, world, link):
    response = _post(sign_in(auth, world.leader), world.point, link=link)
    assert response.status_code == 422 and 'id="link-error"' in response.get_data(as_text=True)
    assert _count(TeamPost) == 0


def test_a_volunteer_marks_a_post_seen_and_the_leader_sees_who_read_it(auth, world, make_user):
    ngoc = make_user(full_name="Đỗ Bích Ngọc")
    book(world.shift, ngoc)
    post = teamboard.create_post(world.leader, [world.point.id], teamboard.Draft("Nhớ mang thẻ sinh viên"))
    lan = sign_in(auth, world.lan)
    response = lan.post(f"/board/posts/{post.id}/seen", headers=HTMX)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment
    assert f'id="post-{post.id}-seen"' in fragment and "tag--open" in fragment and "<form" not in fragment
    assert lan.post(f"/board/posts/{post.id}/seen").status_code == 303  # twice: still one mark
    assert _count(TeamPostSeen) == 1
    assert sign_in(auth, world.minh).post(f"/board/posts/{post.id}/seen").status_code == 403
    assert sign_in(auth, world.leader).post(f"/board/posts/{post.id}/seen").status_code == 403
    who = teamboard.readers(world.point.id, [post])[post.id]
    assert [u.full_name for u in who.seen] == ["Nguyễn Thị Lan"] and [u.full_name for u in who.unseen] == [
        "Đỗ Bích Ngọc"]
    page = sign_in(auth, world.leader).get(f"/points/{world.point.id}/board").get_data(as_text=True)
    seen_part, unseen_part = page.split("Nguyễn Thị Lan")[0], page.split("Nguyễn Thị Lan")[1]
    assert "Đỗ Bích Ngọc" in unseen_part and "Đỗ Bích Ngọc" not in seen_part


def test_an_organiser_posts_once_on_every_point_of_a_branch(auth, world, make_point):
    branch = Branch(name="Chi nhánh số 9")
    world.point.branch = world.other_point.branch = branch
    db.session.commit()
    closed = make_point(branch=branch, is_active=False)
    admin = sign_in(auth, world.admin)
    response = admin.post("/board/new", data={"branch_ids": str(branch.id), "body": "Tuần này tập huấn lại"},
                          content_type="multipart/form-data")
    assert response.status_code == 303
    post = db.session.scalar(select(TeamPost))
    shown_on = set(db.session.scalars(select(TeamPostPoint.point_id)))
    assert shown_on == {world.point.id, world.other_point.id} and closed.id not in shown_on
    assert [n.key for n in _notices(world.lan)] == [f"board-post:{post.id}"]
    assert [n.key for n in _notices(world.minh)] == [f"board-post:{post.id}"]
    assert teamboard.latest_post(world.other_point.id).id == post.id
    # A leader of one of the points cannot pin what the organisers posted everywhere.
    assert sign_in(auth, world.leader).post(f"/board/posts/{post.id}/pin").status_code == 403
    assert admin.post(f"/board/posts/{post.id}/pin").status_code == 303 and db.session.get(TeamPost, post.id).pinned
    nothing = admin.post("/board/new", data={"body": "Không chọn điểm"}, content_type="multipart/form-data")
    assert nothing.status_code == 422 and _count(TeamPost) == 1
    assert sign_in(auth, world.leader).get("/board/new").status_code == 403


def test_a_call_for_people_links_the_volunteers_to_the_shift(auth, world, make_shift):
    leader = sign_in(auth, world.leader)
    response = _post(leader, world.point, body="Ca này thiếu người", shift_id=str(world.shift.id), need_count="2")
    assert response.status_code == 303
    post = db.session.scalar(select(TeamPost))
    assert (post.shift_id, post.need_count) == (world.shift.id, 2)
    (notice,) = _notices(world.lan)
    assert notice.link == f"http://portal.test/shifts/{world.shift.id}"
    page = sign_in(auth, world.lan).get(f"/points/{world.point.id}/board").get_data(as_text=True)
    assert f'href="/shifts/{world.shift.id}"' in page
    elsewhere = _post(leader, world.point, body="Nhầm điểm", shift_id=str(world.other_shift.id), need_count="2")
    assert elsewhere.status_code == 422 and 'id="shift_id-error"' in elsewhere.get_data(as_text=True)
    no_number = _post(leader, world.point, body="Thiếu số", shift_id=str(world.shift.id))
    assert no_number.status_code == 422 and 'id="need_count-error"' in no_number.get_data(as_text=True)
    assert _count(TeamPost) == 1


def test_a_leader_pins_a_post_of_their_point_only(auth, world):
    mine = teamboard.create_post(world.leader, [world.point.id], teamboard.Draft("Tin của điểm"))
    theirs = teamboard.create_post(world.other_leader, [world.other_point.id], teamboard.Draft("Tin điểm khác"))
    leader = sign_in(auth, world.leader)
    assert leader.post(f"/board/posts/{mine.id}/pin").status_code == 303
    assert leader.post(f"/board/posts/{theirs.id}/pin").status_code == 403
    db.session.expire_all()
    assert db.session.get(TeamPost, mine.id).pinned and not db.session.get(TeamPost, theirs.id).pinned

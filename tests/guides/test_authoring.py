"""Organisers write guides and review each other's: the text's rules, the workflow with a second pair of eyes,
screenshots stripped of their metadata, and no one else on these pages."""
import io
import unicodedata

import pytest
from PIL import Image
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.guides import services as guides
from portal.guides.models import Guide, GuideImage
from tests.core.conftest import sign_in

pytestmark = pytest.mark.hanoi_time("2026-01-05 09:00")

FORM = {"slug": "kich-hoat-vneid", "title_vi": "Kích hoạt tài khoản định danh điện tử mức 2",
        "summary_vi": "Dành cho người đã có căn cước gắn chip.", "call_vi": "Quét mã để xem từng bước",
        "body_vi": "1. Mở ứng dụng VNeID.\n2. Chọn **Kích hoạt tài khoản**.\n\n"
                   "Trang chính thức: [VNeID](https://vneid.gov.vn)\n"}


def _count(model, **where):
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def _actions(guide):
    return db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.target_type == "guide", AuditEvent.target_id == guide.id).order_by(AuditEvent.id)).all()


def _picture(fmt="JPEG", size=(800, 600), **save):
    out = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(out, fmt, **save)
    return out.getvalue()


def _upload(client, guide, data, name="man-hinh.jpg", alt="Màn hình đăng nhập VNeID"):
    return client.post(f"/guides/{guide.id}/images", data={"image": (io.BytesIO(data), name), "alt": alt},
                       content_type="multipart/form-data")


def test_an_organiser_writes_a_guide_that_starts_as_a_draft(auth, guides_world):
    author = sign_in(auth, guides_world.author)
    typed = FORM | {"title_vi": unicodedata.normalize("NFD", FORM["title_vi"]), "title_en": "Activate VNeID level 2",
                    "body_en": "1. Open the VNeID app."}
    response = author.post("/guides/new", data=typed)
    guide = db.session.scalar(select(Guide))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/guides/{guide.id}")
    assert guide.status == "draft" and guide.author_id == guides_world.author.id and guide.has_english
    assert guide.title_vi == FORM["title_vi"]  # typed decomposed, kept in NFC
    assert _actions(guide) == ["guide.create"]
    page = author.get(f"/guides/{guide.id}").get_data(as_text=True)
    assert "Bản nháp" in page or "Draft" in page
    assert "https://vneid.gov.vn" in page and "Activate VNeID level 2" in page


@pytest.mark.parametrize("change, field", [
    ({"slug": "Kich Hoat"}, "slug"), ({"slug": "ab"}, "slug"), ({"slug": "a" * 61}, "slug"),
    ({"slug": "-vneid"}, "slug"), ({"slug": "vneid--2"}, "slug"), ({"slug": "trùng"}, "slug"),
    ({"slug": "huong-dan-1"}, "slug"),  # the short address of a guide that exists
    ({"title_vi": ""}, "title_vi"), ({"summary_vi": " "}, "summary_vi"), ({"call_vi": ""}, "call_vi"),
    ({"body_vi": ""}, "body_vi"),
    ({"title_en": "Activate VNeID"}, "body_en"), ({"body_en": "1. Open the app."}, "title_en"),
])
def test_a_guide_with_a_bad_address_or_missing_vietnamese_is_refused_and_nothing_is_written(
        auth, guides_world, make_guide, change, field):
    make_guide(status="draft")
    before = (_count(Guide), _count(AuditEvent, target_type="guide"))
    response = sign_in(auth, guides_world.author).post("/guides/new", data=FORM | change)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert (_count(Guide), _count(AuditEvent, target_type="guide")) == before


def test_the_refusal_says_what_to_do_in_english_too(auth, guides_world, make_guide):
    make_guide(status="draft", slug="kich-hoat-vneid")
    page = sign_in(auth, guides_world.author).post("/guides/new?lang=en", data=FORM).get_data(as_text=True)
    assert "Another guide already has this short address." in page


def test_the_author_cannot_approve_and_a_second_organiser_publishes(auth, guides_world):
    author, reviewer = sign_in(auth, guides_world.author), sign_in(auth, guides_world.reviewer)
    author.post("/guides/new", data=FORM)
    guide = db.session.scalar(select(Guide))
    assert author.post(f"/guides/{guide.id}/submit").status_code == 303
    db.session.refresh(guide)
    assert guide.status == "in_review" and guide.submitted_at is not None
    page = author.get(f"/guides/{guide.id}?lang=en").get_data(as_text=True)
    assert "another organiser must approve it" in page and "Approve and publish" not in page
    refused = author.post(f"/guides/{guide.id}/approve?lang=en", follow_redirects=True).get_data(as_text=True)
    assert "another organiser must review and approve it" in refused
    db.session.refresh(guide)
    assert guide.status == "in_review" and guide.reviewer_id is None
    assert reviewer.post(f"/guides/{guide.id}/approve").status_code == 303
    db.session.refresh(guide)
    assert guide.status == "published" and guide.reviewer_id == guides_world.reviewer.id
    assert guide.reviewed_at is not None and guide.published_at == guide.reviewed_at
    assert _actions(guide) == ["guide.create", "guide.submit", "guide.publish"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "guide.publish"))
    assert event.actor_id == guides_world.reviewer.id and event.after["status"] == "published"
    page = reviewer.get(f"/guides/{guide.id}").get_data(as_text=True)
    assert f"/guides/{guide.id}/posters" in page


def test_whoever_edited_the_text_under_review_cannot_approve_it(app, guides_world, make_user):
    author, reviewer = guides_world.author, guides_world.reviewer
    guide = guides.create_guide(author, guides.GuideData(**FORM))
    guides.submit(author, guide)
    guides.update_guide(reviewer, guide, guides.GuideData(**(FORM | {"call_vi": "Quét mã, làm theo"})))
    assert guides.hands(guide) == {author.id, reviewer.id}
    for person in (author, reviewer):
        with pytest.raises(guides.InvalidInput):
            guides.approve(person, guide)
    third = make_user(role="admin", full_name="Hoàng Thị Ba")
    guides.approve(third, guide)
    assert guide.status == "published" and guide.reviewer_id == third.id
    # A new version after publication: only its own writers are kept from approving it.
    guides.update_guide(third, guide, guides.GuideData(**(FORM | {"call_vi": "Quét mã để bắt đầu"})))
    assert guide.status == "in_review" and guides.hands(guide) == {third.id}
    guides.approve(author, guide)
    assert guide.status == "published"


def test_a_reviewer_sends_a_guide_back_with_a_note(auth, guides_world, make_guide):
    guide = make_guide(status="in_review", author=guides_world.author)
    reviewer = sign_in(auth, guides_world.reviewer)
    empty = reviewer.post(f"/guides/{guide.id}/send-back", data={"note": " "})
    assert empty.status_code == 422 and 'id="note-error"' in empty.get_data(as_text=True)
    db.session.refresh(guide)
    assert guide.status == "in_review" and _actions(guide) == []
    response = reviewer.post(f"/guides/{guide.id}/send-back", data={"note": "Thiếu bước xác thực khuôn mặt."})
    assert response.status_code == 303
    db.session.refresh(guide)
    assert guide.status == "draft" and guide.reviewer_id == guides_world.reviewer.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "guide.send_back"))
    assert event.after["note"] == "Thiếu bước xác thực khuôn mặt."
    page = sign_in(auth, guides_world.author).get(f"/guides/{guide.id}").get_data(as_text=True)
    assert "Thiếu bước xác thực khuôn mặt." in page


def test_a_published_guide_is_retired_and_brought_back_as_a_draft(auth, guides_world, make_guide):
    guide = make_guide(status="published")
    organiser = sign_in(auth, guides_world.author)
    assert organiser.post(f"/guides/{guide.id}/retire").status_code == 303
    db.session.refresh(guide)
    assert guide.status == "retired" and guide.retired_at is not None
    assert organiser.get(f"/guides/{guide.id}/edit").status_code == 200
    refused = organiser.post(f"/guides/{guide.id}/edit?lang=en", data=FORM | {"slug": guide.slug})
    assert refused.status_code == 422 and "Bring it back as a draft first." in refused.get_data(as_text=True)
    assert organiser.post(f"/guides/{guide.id}/restore").status_code == 303
    db.session.refresh(guide)
    assert guide.status == "draft" and guide.retired_at is None and guide.published_at is not None
    assert _actions(guide) == ["guide.retire", "guide.restore"]


def test_a_step_from_the_wrong_status_is_refused_and_changes_nothing(auth, guides_world, make_guide):
    guide = make_guide(status="draft")
    organiser = sign_in(auth, guides_world.reviewer)
    for step in ("approve", "retire", "restore"):
        page = organiser.post(f"/guides/{guide.id}/{step}?lang=en", follow_redirects=True).get_data(as_text=True)
        assert "changed this guide&#39;s status" in page or "changed this guide's status" in page
    db.session.refresh(guide)
    assert guide.status == "draft" and _actions(guide) == []


def test_editing_a_published_text_sends_it_back_to_review_and_keeps_its_address(auth, guides_world, make_guide):
    text = {k: v.strip() for k, v in FORM.items() if k != "slug"}
    guide = make_guide(status="published", slug="kich-hoat-vneid", **text)
    organiser = sign_in(auth, guides_world.author)
    assert "leaves the public pages" in organiser.get(f"/guides/{guide.id}/edit?lang=en").get_data(as_text=True)
    moved = organiser.post(f"/guides/{guide.id}/edit", data=FORM | {"slug": "vneid-muc-2"})
    assert moved.status_code == 422 and 'id="slug-error"' in moved.get_data(as_text=True)
    assert organiser.post(f"/guides/{guide.id}/edit", data=FORM).status_code == 303
    db.session.refresh(guide)
    assert guide.status == "published" and _actions(guide) == []  # nothing changed: nothing to review
    assert organiser.post(f"/guides/{guide.id}/edit", data=FORM | {"call_vi": "Quét để bắt đầu"}).status_code == 303
    db.session.refresh(guide)
    assert guide.status == "in_review" and guide.author_id == guides_world.author.id
    assert _actions(guide) == ["guide.update"]


def test_the_list_shows_each_guide_and_filters_by_status(auth, guides_world, make_guide):
    make_guide(status="draft", title_vi="Nộp hồ sơ trực tuyến")
    make_guide(status="published", english=True, title_vi="Dùng iHanoi để phản ánh",
               reviewer_id=guides_world.reviewer.id)
    organiser = sign_in(auth, guides_world.author)
    page = organiser.get("/guides/?lang=en").get_data(as_text=True)
    assert "Nộp hồ sơ trực tuyến" in page and "Dùng iHanoi để phản ánh" in page and "Đỗ Văn Duyệt" in page
    assert "Vietnamese, English" in page and "05/01/2026" in page and "Citizen guides" in page
    fragment = organiser.get("/guides/?status=published", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and 'id="guide-list"' in text and "HX-Request" in fragment.headers["Vary"]
    assert "Dùng iHanoi để phản ánh" in text and "Nộp hồ sơ trực tuyến" not in text


def test_a_screenshot_loses_its_exif_and_location_and_is_made_smaller(auth, guides_world, make_guide):
    guide = make_guide(status="draft")
    exif = Image.Exif()
    exif[0x010F] = "Điện thoại của Soạn"
    exif.get_ifd(0x8825).update({1: "N", 2: (21.0, 1.0, 30.0)})  # where the photo was taken
    organiser = sign_in(auth, guides_world.author)
    response = _upload(organiser, guide, _picture("JPEG", (1080, 2400), exif=exif.tobytes()))
    image = db.session.scalar(select(GuideImage))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#image-{image.id}")
    assert (image.width, image.height, image.content_type) == (576, 1280, "image/jpeg")
    served = organiser.get(f"/guides/{guide.id}/images/{image.id}")
    assert served.status_code == 200 and served.headers["Cache-Control"].startswith("private")
    kept = Image.open(io.BytesIO(served.data))
    assert not kept.getexif() and not kept.getexif().get_ifd(0x8825) and "exif" not in kept.info
    page = organiser.get(f"/guides/{guide.id}").get_data(as_text=True)
    assert f"![Màn hình đăng nhập VNeID](image:{image.id})" in page
    assert "guide.image_add" in _actions(guide)


@pytest.mark.parametrize("data, name, field", [
    (b"%PDF-1.4 not a picture", "anh.png", "image"),
    (b"\xff\xd8\xff" + b"\x00" * (2 * 1024 * 1024 + 10), "lon.jpg", "image"),
    (_picture("GIF", (40, 40)), "dong.gif", "image"),  # screenshots are JPEG, PNG or WebP
    (_picture("PNG", (40, 40)), "", "image"),  # no file chosen
])
def test_a_file_that_is_not_a_small_screenshot_is_refused(auth, guides_world, make_guide, data, name, field):
    guide = make_guide(status="draft")
    response = _upload(sign_in(auth, guides_world.author), guide, data, name)
    assert response.status_code == 422 and f'id="{field}-error"' in response.get_data(as_text=True)
    assert _count(GuideImage) == 0 and _count(AuditEvent, target_type="guide") == 0


def test_a_picture_shows_in_the_preview_and_cannot_be_removed_while_the_steps_use_it(auth, guides_world, make_guide):
    guide, other = make_guide(status="draft"), make_guide(status="draft")
    organiser = sign_in(auth, guides_world.author)
    _upload(organiser, guide, _picture("PNG", (300, 200)), "anh.png")
    image = db.session.scalar(select(GuideImage))
    body = f"1. Mở ứng dụng.\n\n![Màn hình chính](image:{image.id})\n"
    organiser.post(f"/guides/{guide.id}/edit", data=FORM | {"slug": guide.slug, "body_vi": body})
    page = organiser.get(f"/guides/{guide.id}").get_data(as_text=True)
    assert f'src="/guides/{guide.id}/images/{image.id}"' in page
    assert organiser.get(f"/guides/{other.id}/images/{image.id}").status_code == 404  # not that guide's
    organiser.post(f"/guides/{guide.id}/images/{image.id}/remove")
    assert _count(GuideImage) == 1
    organiser.post(f"/guides/{guide.id}/edit", data=FORM | {"slug": guide.slug})
    assert organiser.post(f"/guides/{guide.id}/images/{image.id}/remove").status_code == 303
    assert _count(GuideImage) == 0 and _actions(guide)[-1] == "guide.image_remove"


ADMIN_ROUTES = ["admin_list", "admin_new", "admin_guide", "admin_edit", "admin_submit", "admin_approve",
                "admin_send_back", "admin_retire", "admin_restore", "admin_add_image", "admin_remove_image",
                "admin_image"]


def test_students_and_leaders_get_403_on_every_organiser_route(app, auth, guides_world, make_guide):
    guide = make_guide(status="in_review")
    image = GuideImage(guide_id=guide.id, alt="Ảnh", content_type="image/jpeg", data=b"\xff\xd8\xff\xd9", width=1,
                       height=1)
    db.session.add(image)
    db.session.commit()
    rules = {r.endpoint: r for r in app.url_map.iter_rules() if r.endpoint.startswith("guides.admin_")}
    assert sorted(rules) == sorted(f"guides.{name}" for name in ADMIN_ROUTES)
    before = (_count(Guide), _count(GuideImage), _count(AuditEvent, target_type="guide"))
    for person in (guides_world.student, guides_world.leader):
        client = sign_in(auth, person)
        for endpoint, rule in rules.items():
            url = rule.build({"guide_id": guide.id, "image_id": image.id}, append_unknown=False)[1]
            response = client.get(url) if "GET" in rule.methods else client.post(url, data={"note": "x"})
            assert response.status_code == 403, (person.full_name, endpoint)
    db.session.refresh(guide)
    assert guide.status == "in_review"
    assert (_count(Guide), _count(GuideImage), _count(AuditEvent, target_type="guide")) == before

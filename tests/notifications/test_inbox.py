"""The inbox: the person's own notices, newest first, paged; opening one (a POST) marks it read; the badge."""
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.notifications import services as notifications
from portal.notifications.models import Notification

HTMX = {"HX-Request": "true"}


def _notice(user, n, link=None):
    notice = notifications.notify(user, "test", f"test:{n}", "test_notice", link=link, message=f"Nội dung {n}")
    db.session.commit()
    return notice


@pytest.mark.hanoi_time("2026-03-10 10:00")
def test_the_inbox_lists_my_notices_newest_first_with_unread_marked(auth, make_user):
    lan, minh = make_user(full_name="Nguyễn Thị Lan"), make_user(full_name="Trần Đức Minh")
    first, second = _notice(lan, 1), _notice(lan, 2)
    _notice(minh, 3)
    notifications.mark_read(lan.id, first.id)
    db.session.commit()
    auth.as_(lan)
    page = auth.client.get("/notices").get_data(as_text=True)
    assert page.index("Nội dung 2") < page.index("Nội dung 1") and "Nội dung 3" not in page
    unread = re.search(r'id="notice-%d".*?</li>' % second.id, page, re.S).group(0)
    read = re.search(r'id="notice-%d".*?</li>' % first.id, page, re.S).group(0)
    assert "Mới" in unread and "Mới" not in read  # in words, not colour alone
    assert f'action="/notices/{second.id}/open"' in unread


@pytest.mark.hanoi_time("2026-03-10 10:00")
def test_older_notices_come_a_page_at_a_time(auth, make_user, monkeypatch):
    monkeypatch.setattr(notifications, "INBOX_PAGE", 3)
    lan = make_user()
    made = [_notice(lan, n) for n in range(1, 6)]
    auth.as_(lan)
    page = auth.client.get("/notices").get_data(as_text=True)
    assert "Nội dung 3" in page and "Nội dung 2" not in page
    assert f"/notices?before={made[2].id}" in page
    fragment = auth.client.get(f"/notices?before={made[2].id}", headers=HTMX)
    older = fragment.get_data(as_text=True)
    assert "<html" not in older and f'id="notices-page-{made[2].id}"' in older
    assert "Nội dung 2" in older and "Nội dung 1" in older and "Nội dung 3" not in older
    assert "before=" not in older  # nothing older left
    assert "HX-Request" in fragment.headers["Vary"]
    whole = auth.client.get(f"/notices?before={made[2].id}").get_data(as_text=True)
    assert "<html" in whole and "Nội dung 1" in whole  # the "older" link works without JavaScript


@pytest.mark.hanoi_time("2026-03-10 10:00")
def test_opening_a_notice_marks_it_read_and_goes_to_its_link(auth, make_user):
    lan = make_user()
    notice = _notice(lan, 1, link="http://portal.test/shifts/mine")
    auth.as_(lan)
    auth.client.get("/notices")
    auth.client.get(f"/notices/{notice.id}/open")  # a GET never writes (405)
    assert db.session.get(Notification, notice.id).read_at is None
    response = auth.client.post(f"/notices/{notice.id}/open")
    assert response.status_code == 303 and response.headers["Location"] == "/shifts/mine"
    assert db.session.get(Notification, notice.id).read_at is not None


@pytest.mark.hanoi_time("2026-03-10 10:00")
def test_a_link_to_another_site_is_not_followed(auth, make_user):
    lan = make_user()
    notice = _notice(lan, 1, link="https://evil.example.net/phish")
    auth.as_(lan)
    response = auth.client.post(f"/notices/{notice.id}/open")
    assert response.headers["Location"] == "/notices"


@pytest.mark.hanoi_time("2026-03-10 10:00")
def test_another_persons_notice_is_not_found_and_stays_unread(auth, make_user):
    lan, minh = make_user(), make_user()
    notice = _notice(minh, 1)
    auth.as_(lan)
    assert auth.client.post(f"/notices/{notice.id}/open").status_code == 404
    assert db.session.get(Notification, notice.id).read_at is None


@pytest.mark.hanoi_time("2026-03-10 10:00")
def test_mark_all_read_empties_my_badge_only(auth, make_user):
    lan, minh = make_user(locale="en"), make_user()
    _notice(lan, 1), _notice(lan, 2), _notice(minh, 3)
    auth.as_(lan)
    badge = auth.client.get("/notices/badge", headers=HTMX).get_data(as_text=True)
    assert ">2<" in badge and "(2 unread)" in badge and "load," not in badge  # no second load: no loop
    response = auth.client.post("/notices/read-all", headers=HTMX)
    assert "notices-changed" in response.headers["HX-Trigger"]
    assert 'id="notices-page-first"' in response.get_data(as_text=True)
    assert notifications.unread_count(lan.id) == 0 and notifications.unread_count(minh.id) == 1
    badge = auth.client.get("/notices/badge", headers=HTMX).get_data(as_text=True)
    assert "tag" not in badge and "Notices" in badge
    plain = auth.client.post("/notices/read-all")
    assert plain.status_code == 303 and plain.headers["Location"] == "/notices"


@pytest.mark.hanoi_time("2026-03-10 10:00")
def test_every_page_asks_for_the_badge_once_it_has_loaded(auth, make_user):
    lan = make_user(locale="en")
    auth.as_(lan)
    page = auth.client.get("/profile").get_data(as_text=True)
    badge = re.search(r'<div class="lang-switch" id="notices-badge".*?</div>', page, re.S).group(0)
    assert 'hx-trigger="load, notices-changed from:body"' in badge and "every" not in badge  # no polling
    assert 'href="/notices"' in badge and 'rel="manifest"' in page
    _notice(lan, 1)
    english = auth.client.get("/notices/badge", headers=HTMX).get_data(as_text=True)
    assert "Notices" in english and "(1 unread)" in english


def test_the_inbox_needs_a_sign_in(client):
    assert client.get("/notices").status_code in (302, 401)
    assert client.get("/notices/badge", headers=HTMX).status_code in (302, 401)


@pytest.mark.hanoi_time("2026-03-10 10:00")
def test_an_empty_inbox_says_what_will_come(auth, make_user):
    auth.as_(make_user(locale="en"))
    page = auth.client.get("/notices").get_data(as_text=True)
    assert "No notices yet" in page
    assert db.session.scalar(select(Notification)) is None


def test_addresses_in_a_notice_read_as_short_links_and_nothing_else_becomes_markup(app):
    from portal.core.urls import external_url
    from portal.notifications.display import notice_body

    with app.test_request_context("/notices?lang=en"):
        ours = external_url("notifications.inbox")  # the portal's own address (BASE_URL)
        html = str(notice_body(f'Trả lời: {ours}.\n<b>x</b> Bản đồ: '
                               'https://www.google.com/maps/search/?api=1&query=36+C%E1 "q"'))
    assert f'<a href="{ours}" rel="noopener noreferrer">Open the page</a>.' in html
    maps = "https://www.google.com/maps/search/?api=1&amp;query=36+C%E1"
    assert f'<a href="{maps}" rel="noopener noreferrer">google.com</a>' in html  # another site: named by its host
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>" not in html and "&#34;q&#34;" in html

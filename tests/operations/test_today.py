"""The leader's day at a busy counter: a second tap changes nothing, check-out is its own later action,
every change on Today can be undone for a short while, walk-ins during the shift, the tally, and
self check-in that speaks to the student."""
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.campaigns.models import PointLeader
from portal.core import clock
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import format_time_local
from portal.operations import activity, changes, checkin, walkin
from portal.operations import services as operations
from portal.operations.models import ActivityLog, Attendance, AttendanceChange
from portal.shifts.models import Booking, Shift
from tests.factories import enrol
from tests.operations.scenario import PointShift

HTMX = {"HX-Request": "true"}


@pytest.fixture
def world(make_user, make_campaign, make_point, make_shift):
    """A shift at `point` that began 30 minutes ago, led by `leader`, with An booked."""
    campaign = make_campaign()
    point = make_point()
    leader = make_user(role="leader")
    db.session.add(PointLeader(point_id=point.id, user_id=leader.id))
    student = make_user(full_name="Nguyễn Văn An", phone="0912345678", student_code="SV-AN")
    enrol(campaign, student)
    shift = make_shift(campaign, point, starts_in=timedelta(minutes=-30), hours=4)
    booking = Booking(shift_id=shift.id, user_id=student.id)
    db.session.add(booking)
    shift.booked_count = 1
    activity.add_default_categories(campaign.id)  # as creating the campaign through its service does
    db.session.commit()
    return PointShift(campaign=campaign, point=point, leader=leader, student=student, shift=shift, booking=booking)


def _record(booking):
    return db.session.scalar(select(Attendance).where(Attendance.booking_id == booking.id))


def _say(app, msgid, locale="vi", **values):
    """A message as the portal says it in `locale` (the catalogue's translation, or the English msgid)."""
    with app.test_request_context(), force_locale(locale):
        return gettext(msgid, **values)


def _count(action):
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


# --- a second tap, and check-out as its own later action -----------------------------------------


def test_checking_in_twice_changes_nothing_and_says_so(client, auth, world):
    leader, booking = world.leader, world.booking
    auth.as_(leader)
    first = client.post(f"/operations/bookings/{booking.id}/check_in", headers=HTMX)
    checked_at = _record(booking).checked_in_at
    second = client.post(f"/operations/bookings/{booking.id}/check_in", headers=HTMX)
    assert first.status_code == second.status_code == 200
    record = _record(booking)
    assert (record.status, record.checked_in_at, record.checked_out_at) == ("present", checked_at, None)
    assert _count("attendance.check_in") == 1 and _count("attendance.check_out") == 0
    expected = _say(client.application, "%(name)s was already checked in at %(time)s.", name="Nguyễn Văn An",
                       time=format_time_local(checked_at))
    assert expected in second.get_data(as_text=True)


def test_the_row_after_a_check_in_offers_no_check_out_in_the_check_in_buttons_place(client, auth, world):
    leader, booking = world.leader, world.booking
    auth.as_(leader)
    row = client.post(f"/operations/bookings/{booking.id}/check_in", headers=HTMX).get_data(as_text=True)
    actions = row.split('class="attendance-row__actions"')[1].split("</div>")[0]
    assert "button" not in actions and "attendance-row__done" in actions
    checkout = row.split('class="attendance-row__checkout"')[1]
    assert "hx-confirm" in checkout.split(">")[0] + checkout.split("<button")[0]


def test_check_out_needs_its_own_action_and_not_within_the_first_minute(world):
    leader, booking = world.leader, world.booking
    now = clock.now()
    operations.check_in(leader, booking, at=now)
    with pytest.raises(InvalidInput):
        operations.check_out(leader, booking, at=now + timedelta(seconds=20))
    assert _record(booking).checked_out_at is None
    done = operations.check_out(leader, booking, at=now + timedelta(minutes=90))
    assert done.record.checked_out_at == now + timedelta(minutes=90)
    again = operations.check_out(leader, booking, at=now + timedelta(minutes=95))
    assert again.change is None and _record(booking).checked_out_at == now + timedelta(minutes=90)


# --- undo -----------------------------------------------------------------------------------------


def test_undo_within_the_window_restores_exactly_the_row_before(client, auth, world):
    leader, booking = world.leader, world.booking
    operations.assign_task(leader, booking, "Phân luồng")
    before = changes.snapshot(_record(booking))
    auth.as_(leader)
    client.post(f"/operations/bookings/{booking.id}/check_in", headers=HTMX)
    change = db.session.scalar(select(AttendanceChange).where(AttendanceChange.action == "check_in"))
    response = client.post(f"/operations/bookings/{booking.id}/undo", data={"change": change.id}, headers=HTMX)
    assert response.status_code == 200
    assert changes.snapshot(_record(booking)) == before
    assert _count("attendance.undo") == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "attendance.undo"))
    assert event.actor_id == leader.id and event.before["status"] == "present"


def test_undo_of_a_first_change_removes_the_row_it_created(world):
    leader, booking = world.leader, world.booking
    change = operations.check_in(leader, booking).change
    changes.undo(leader, booking, change.id)
    assert _record(booking) is None


def test_undo_after_the_window_is_refused_and_changes_nothing(world):
    leader, booking = world.leader, world.booking
    change = operations.check_in(leader, booking).change
    with pytest.raises(InvalidInput) as caught:
        changes.undo(leader, booking, change.id, now=clock.now() + changes.UNDO_WINDOW + timedelta(seconds=5))
    assert "2" in str(caught.value.message)
    assert _record(booking).status == "present" and _count("attendance.undo") == 0


def test_undo_after_a_later_change_is_refused(world):
    leader, booking = world.leader, world.booking
    change = operations.check_in(leader, booking).change
    operations.assign_task(leader, booking, "Hướng dẫn VNeID")
    with pytest.raises(InvalidInput):
        changes.undo(leader, booking, change.id)
    operations.adjust(leader, booking, 10, "Nhầm giờ vào")  # outside Today: the row changed all the same
    task = db.session.scalar(select(AttendanceChange).where(AttendanceChange.action == "task"))
    with pytest.raises(InvalidInput):
        changes.undo(leader, booking, task.id)
    assert _record(booking).task == "Hướng dẫn VNeID" and _count("attendance.undo") == 0


def test_another_points_leader_cannot_undo(client, auth, world, make_user):
    leader, booking = world.leader, world.booking
    change = operations.check_in(leader, booking).change
    auth.as_(make_user(role="leader"))
    response = client.post(f"/operations/bookings/{booking.id}/undo", data={"change": change.id}, headers=HTMX)
    assert response.status_code == 403
    assert _record(booking).status == "present" and db.session.get(AttendanceChange, change.id).undone_at is None


def test_an_undone_change_cannot_be_undone_twice(client, auth, world):
    leader, booking = world.leader, world.booking
    change = operations.mark_no_show(leader, booking).change
    auth.as_(leader)
    undone = client.post(f"/operations/bookings/{booking.id}/undo", data={"change": change.id}, headers=HTMX)
    assert undone.status_code == 200
    again = client.post(f"/operations/bookings/{booking.id}/undo", data={"change": change.id}, headers=HTMX)
    assert again.status_code == 422 and _record(booking) is None


def test_a_tap_on_a_row_refreshes_the_shifts_counts_on_today(client, auth, world):
    leader, shift, booking = world.leader, world.shift, world.booking
    auth.as_(leader)
    today = client.get("/operations/today").get_data(as_text=True)
    counts = today[today.index(f'id="shift-{shift.id}-counts"'):]
    counts = counts[:counts.index("</p>")]
    assert 'hx-trigger="attendance-changed from:body"' in counts and f"/operations/shifts/{shift.id}/counts" in counts
    tapped = client.post(f"/operations/bookings/{booking.id}/check_in", headers=HTMX)
    assert "attendance-changed" in tapped.headers["HX-Trigger"]
    fresh = client.get(f"/operations/shifts/{shift.id}/counts", headers=HTMX)
    body = fresh.get_data(as_text=True)
    assert fresh.status_code == 200 and "<html" not in body and f'id="shift-{shift.id}-counts"' in body
    assert re.search(r"Có mặt: 1\b", body) and re.search(r"Chưa đến: 0\b", body)


def test_without_javascript_a_tap_goes_back_to_today_with_what_happened(client, auth, world):
    point, leader, booking = world.point, world.leader, world.booking
    auth.as_(leader)
    first = client.post(f"/operations/bookings/{booking.id}/check_in")
    assert first.status_code == 303 and first.headers["Location"].endswith(f"/operations/today?point={point.id}")
    assert "HX-Trigger" not in first.headers
    assert _record(booking).status == "present"
    again = client.post(f"/operations/bookings/{booking.id}/check_in")  # changed nothing: Today says so
    assert again.status_code == 303
    assert "flash--success" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_another_points_leader_cannot_read_a_shifts_counts(client, auth, world, make_user):
    shift = world.shift
    auth.as_(make_user(role="leader"))
    assert client.get(f"/operations/shifts/{shift.id}/counts", headers=HTMX).status_code == 403


# --- walk-ins ------------------------------------------------------------------------------------


@pytest.fixture
def walker(world, make_user):
    campaign = world.campaign
    person = make_user(full_name="Trần Thị Bình", student_code="SV-WALK")
    enrol(campaign, person)
    return person


def test_a_walk_in_after_the_start_is_booked_and_checked_in_at_once(client, auth, world, walker):
    leader, shift = world.leader, world.shift
    auth.as_(leader)
    response = client.post(f"/operations/shifts/{shift.id}/walk-in", data={"who": "SV-WALK"})
    assert response.status_code == 303
    added = db.session.scalar(select(Booking).where(Booking.user_id == walker.id))
    assert (added.status, added.source) == ("booked", "staff") and _record(added).status == "present"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert _say(client.application, "%(name)s added to the shift and checked in at %(time)s.", name="Trần Thị Bình",
                   time=format_time_local(_record(added).checked_in_at)) in page
    assert db.session.get(Shift, shift.id).booked_count == 2


def test_a_walk_in_after_the_end_is_refused_clearly_and_writes_nothing(client, auth, world, walker):
    leader, shift = world.leader, world.shift
    shift.starts_at, shift.ends_at = clock.now() - timedelta(hours=5), clock.now() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(InvalidInput) as caught:
        walkin.walk_in(leader, walker, shift.id)
    assert format_time_local(shift.ends_at) in str(caught.value.message)
    auth.as_(leader)
    response = client.post(f"/operations/shifts/{shift.id}/walk-in", data={"who": "SV-WALK"})
    assert response.status_code == 422 and 'class="error-summary"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Booking).where(Booking.user_id == walker.id)) is None
    assert db.session.get(Shift, shift.id).booked_count == 1 and _count("booking.add") == 0


def test_a_walk_in_before_check_in_opens_is_booked_and_the_message_says_so(client, auth, world, walker, make_shift):
    campaign, point, leader = world.campaign, world.point, world.leader
    later = make_shift(campaign, point, starts_in=timedelta(hours=3), hours=2)
    auth.as_(leader)
    response = client.post(f"/operations/shifts/{later.id}/walk-in", data={"who": "SV-WALK"})
    added = db.session.scalar(select(Booking).where(Booking.user_id == walker.id))
    assert added.shift_id == later.id and _record(added) is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    said = _say(client.application, "%(name)s added to the shift. Check them in when check-in opens at %(time)s.",
                name="Trần Thị Bình", time=format_time_local(later.starts_at - operations.CHECK_IN_OPENS))
    assert said in page and "flash--error" not in page


def test_a_walk_in_keeps_the_rules_that_matter(world, walker, make_shift):
    campaign, point, leader, student, shift = world.campaign, world.point, world.leader, world.student, world.shift
    with pytest.raises(InvalidInput):  # already on the shift
        walkin.walk_in(leader, student, shift.id)
    full = make_shift(campaign, point, starts_in=timedelta(minutes=-10), hours=1, capacity=1, booked_count=1)
    with pytest.raises(InvalidInput):  # overlaps nothing, but full: the override is needed
        walkin.walk_in(leader, walker, full.id)
    result = walkin.walk_in(leader, walker, full.id, override=True)
    assert result.record.status == "present" and db.session.get(Shift, full.id).capacity == 2
    with pytest.raises(InvalidInput):  # overlaps the walk-in just added
        walkin.walk_in(leader, walker, shift.id)


def test_undoing_a_walk_in_removes_the_booking_and_gives_the_seat_back(client, auth, world, walker, make_shift):
    campaign, point, leader = world.campaign, world.point, world.leader
    full = make_shift(campaign, point, starts_in=timedelta(minutes=-10), hours=1, capacity=1, booked_count=1)
    change = walkin.walk_in(leader, walker, full.id, override=True).change
    added = db.session.scalar(select(Booking.id).where(Booking.user_id == walker.id))
    auth.as_(leader)
    response = client.post(f"/operations/bookings/{added}/undo", data={"change": change.id}, headers=HTMX)
    assert response.status_code == 200 and f'id="attendance-{added}"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Booking).where(Booking.user_id == walker.id)) is None
    fresh = db.session.get(Shift, full.id)
    db.session.refresh(fresh)
    assert (fresh.capacity, fresh.booked_count) == (1, 1)


# --- the tally -----------------------------------------------------------------------------------


def test_tally_counts_each_tap_once_and_never_goes_below_zero(world):
    campaign, leader, shift = world.campaign, world.leader, world.shift
    key = activity.categories(campaign.id)[0].key
    assert activity.tally(leader, shift, key, 1) == 1
    assert activity.tally(leader, shift, key, 1) == 2
    assert activity.tally(leader, shift, key, -1) == 1
    assert activity.tally(leader, shift, key, -1) == 0
    assert activity.tally(leader, shift, key, -1) == 0
    assert activity.tallied(shift)[key] == 0 and _count("activity_log.tally") == 4


def test_tally_taps_through_htmx_show_the_servers_total_and_the_form_shows_them(client, auth, world):
    campaign, leader, shift = world.campaign, world.leader, world.shift
    key = activity.categories(campaign.id)[0].key
    db.session.commit()
    auth.as_(leader)
    assert client.get(f"/operations/shifts/{shift.id}/tally").status_code == 200
    for _ in range(3):
        response = client.post(f"/operations/shifts/{shift.id}/tally", data={"category": key, "delta": "1"},
                               headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and f'id="tally-{shift.id}-total" hx-swap-oob' in body
    assert f'id="tally-{key}-count">3<' in body
    bad = client.post(f"/operations/shifts/{shift.id}/tally", data={"category": key, "delta": "5"}, headers=HTMX)
    assert bad.status_code == 422 and activity.tallied(shift)[key] == 3
    unknown = client.post(f"/operations/shifts/{shift.id}/tally", data={"category": "x", "delta": "1"}, headers=HTMX)
    assert unknown.status_code == 422 and unknown.headers["HX-Retarget"] == f"#tally-{shift.id}-total"
    plain = client.post(f"/operations/shifts/{shift.id}/tally", data={"category": key, "delta": "5"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith(f"/operations/shifts/{shift.id}/tally")
    shown = client.get(f"/operations/shifts/{shift.id}/tally").get_data(as_text=True)
    assert "flash--error" in shown and activity.tallied(shift)[key] == 3
    form = client.get(f"/operations/shifts/{shift.id}/log").get_data(as_text=True)
    category = activity.categories(campaign.id)[0]
    field = re.search(rf'<input[^>]*name="count-{category.id}"[^>]*>', form).group(0)
    assert 'value="3"' in field


def test_a_confirmed_log_is_not_changed_by_taps(world):
    campaign, leader, shift = world.campaign, world.leader, world.shift
    key = activity.categories(campaign.id)[0].key
    activity.tally(leader, shift, key, 1)
    activity.save(leader, shift, {}, "0", "", "", confirm=True)
    with pytest.raises(InvalidInput):
        activity.tally(leader, shift, key, 1)
    assert db.session.scalar(select(ActivityLog.status)) == "confirmed"


def test_another_points_leader_cannot_tally(client, auth, world, make_user):
    campaign, shift = world.campaign, world.shift
    key = activity.categories(campaign.id)[0].key
    db.session.commit()
    auth.as_(make_user(role="leader"))
    response = client.post(f"/operations/shifts/{shift.id}/tally", data={"category": key, "delta": "1"}, headers=HTMX)
    assert response.status_code == 403 and activity.log_for(shift) is None


# --- self check-in speaks to the student ---------------------------------------------------------


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_self_check_in_says_where_and_when_and_a_second_scan_says_already(client, auth, world, locale):
    point, student, booking = world.point, world.student, world.booking
    student.locale = locale
    db.session.commit()
    auth.as_(student)
    url = checkin.checkin_url(point.id).split("://", 1)[1].split("/", 1)[1]
    first = client.get(client.post("/" + url).headers["Location"]).get_data(as_text=True)
    when = format_time_local(_record(booking).checked_in_at)
    said = _say(client.application, "You are checked in at %(point)s at %(time)s. Thank you!", locale,
                point=point.name, time=when)
    already = _say(client.application, "You were already checked in at %(point)s at %(time)s: nothing more to do.",
                   locale, point=point.name, time=when)
    assert said in first
    second = client.get(client.post("/" + url).headers["Location"]).get_data(as_text=True)
    assert already in second and _count("attendance.check_in") == 1

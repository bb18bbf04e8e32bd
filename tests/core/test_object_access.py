"""Two people for every route that names an object: one with the right gets in, one without does not.

The id routes come from app.url_map (an integer argument, or a certificate code), so a new one
without an entry here fails test_every_id_route_has_a_matrix_entry.
"""
from dataclasses import dataclass, field

import pytest
from werkzeug.routing import IntegerConverter

from portal import access
from tests.core.conftest import row_counts, sign_in, url_args


@pytest.fixture
def app(shared_app):
    """Dozens of short tests share one app; the tables are emptied after each."""
    return shared_app


ALLOWED = (200, 303)
# A POST that loads the object, passes the access check and then judges the form may answer 422.
ALLOWED_POST = (200, 303, 422)
REFUSED = (403, 404)


@dataclass
class Pair:
    """`right` may use the route on the city's objects; each of `wrong` (actor, argument overrides) may not."""

    right: str
    wrong: list = field(default_factory=list)
    data: dict = field(default_factory=dict)
    right_args: dict = field(default_factory=dict)
    refused: tuple = REFUSED
    htmx: bool = False  # refusals of booking rules come back as the widget with 422
    post: bool = False  # POST even where the route also serves GET


def staff(right, wrong, **kwargs):
    """A staff route: the right person and the one of the same role tied to other objects."""
    return Pair(right, [(wrong, {})], **kwargs)


ADMIN_ONLY = [
    "accounts.change_active", "accounts.change_roles", "accounts.person", "accounts.person_summary",
    "accounts.resend_link",
    "campaigns.edit_point",
    "certificates.reissue", "certificates.revoke", "certificates.show", "jobs.retry", "mail.retry", "mail.show",
    "referrals.award",
    "referrals.case", "referrals.decide", "referrals.edit_host", "referrals.outcome", "referrals.send",
    "referrals.withdraw", "reminders.lift_pause",
    "shifts.cancel_shift", "shifts.edit", "shifts.generate", "training.edit_module",
    "training.edit_quiz", "training.move_module", "training.retire_module",
]

MATRIX = {
    **{endpoint: Pair("admin", [("leader", {}), ("trainer", {})]) for endpoint in ADMIN_ONLY},
    "accounts.change_active": Pair("admin", [("leader", {}), ("trainer", {})], data={"active": "0"}),
    "accounts.change_roles": Pair("admin", [("leader", {}), ("trainer", {})], data={"roles": "leader"}),
    "training.move_module": Pair("admin", [("leader", {}), ("trainer", {})], data={"direction": "up"}),
    "training.retire_module": Pair("admin", [("leader", {}), ("trainer", {})], data={"retired": "1"}),
    "certificates.download_badge": staff("lan", "minh"),
    "certificates.download_pdf": staff("lan", "minh"),
    "notifications.open_notice": Pair("lan", [("minh", {}), ("admin", {})]),
    "notifications.remove_device": Pair("lan", [("minh", {}), ("admin", {})]),
    # Cover: Lan's request and booking, her proposal to Minh; Minh (of the campaign) may see and try to take it.
    "cover.accept": Pair("minh", [("outsider", {}), ("leader", {})]),
    "cover.answer_swap": Pair("minh", [("outsider", {}), ("lan", {})], data={"action": "decline"}),
    "cover.ask": staff("lan", "minh"),
    "cover.booking": staff("lan", "minh"),
    "cover.offer": Pair("minh", [("outsider", {}), ("leader", {})]),
    "cover.propose_swap": staff("lan", "minh", data={"code": "1-XXXXXX"}),
    "cover.swap": Pair("lan", [("outsider", {}), ("leader", {})]),
    "cover.withdraw": staff("lan", "minh"),
    # A point's guides: its leaders choose them; any signed-in volunteer opens the quick list of any point.
    "guides.point_guides": staff("leader", "other_leader"),
    # Organisers' guide pages: any guide and its pictures, whatever the status; no one else.
    **{f"guides.{name}": Pair("admin", [("leader", {}), ("trainer", {}), ("lan", {})]) for name in (
        "admin_add_image", "admin_approve", "admin_edit", "admin_guide", "admin_image", "admin_remove_image",
        "admin_restore", "admin_retire", "admin_submit")},
    "guides.admin_send_back": Pair("admin", [("leader", {}), ("trainer", {}), ("lan", {})],
                                   data={"note": "Thiếu bước xác thực"}),
    "guides.quick": Pair("lan", [("lan", {"point_id": 999999})]),
    # Posters: a point's leaders for their points, organisers for any; the guide must be published for leaders.
    "guides.leaflet": Pair("leader", [("other_leader", {}), ("lan", {})]),
    "guides.poster": Pair("leader", [("other_leader", {"name": "a4.pdf"}), ("lan", {"name": "a4.pdf"})],
                          right_args={"name": "a4.pdf"}),
    "guides.posters": Pair("leader", [("lan", {}), ("trainer", {})]),
    "operations.act": staff("leader", "other_leader"),
    "operations.activity_log": Pair("lan", [("minh", {}), ("other_leader", {})]),
    "operations.adjust_hours": staff("leader", "other_leader", data={"minutes": "60", "reason": "Về sớm"}),
    "operations.feedback_status": staff("leader", "other_leader", data={"status": "forwarded"}),
    "operations.point_feedback": staff("leader", "other_leader"),
    "operations.point_qr": staff("leader", "other_leader"),
    "operations.rate": staff("leader", "other_leader", data={"rating": "5"}),
    # Any student who scanned the code may open the page; only one booked there is checked in.
    "operations.self_check_in": Pair("lan", [("minh", {})], refused=(403, 404, 422), post=True),
    "operations.shift_counts": staff("leader", "other_leader"),
    "operations.tally": Pair("lan", [("minh", {}), ("other_leader", {})]),
    "operations.team": staff("leader", "other_leader"),
    "operations.undo": staff("leader", "other_leader", data={"change": "1"}),
    "operations.walk_in": staff("leader", "other_leader", data={"who": "SV003"}),
    "referrals.consent": staff("lan", "minh", data={"answer": "decline"}),
    "referrals.nominate": Pair("trainer", [("other_trainer", {}), ("other_leader", {}),
                                           ("trainer", {"user_id": "outsider"}), ("trainer", {"user_id": "admin"}),
                                           ("admin", {"user_id": "leader"})]),
    "privacy.download_export": Pair("lan", [("minh", {}), ("admin", {})]),
    # Organisers' privacy pages: any request or breach, for organisers only; an export only through its request.
    **{endpoint: Pair("admin", [("leader", {}), ("trainer", {}), ("lan", {})]) for endpoint in (
        "privacy.request_page", "privacy.acknowledge_request", "privacy.request_export", "privacy.request_erase",
        "privacy.breach")},
    "privacy.assign_request": Pair("admin", [("leader", {}), ("trainer", {})], data={"handler": "admin"}),
    "privacy.close_request": Pair("admin", [("leader", {}), ("trainer", {})],
                                  data={"status": "done", "outcome": "Đã gửi"}),
    "privacy.extend_request": Pair("admin", [("leader", {}), ("trainer", {})], data={"reason": "Cần thêm thời gian"}),
    "privacy.request_export_download": Pair("admin",
                                            [("leader", {}), ("lan", {}), ("admin", {"export_id": "lan_export"})],
                                            right_args={"export_id": "request_export"}),
    "privacy.breach_status": Pair("admin", [("leader", {}), ("trainer", {})], data={"status": "notified"}),
    "reminders.shift_answers": staff("leader", "other_leader"),
    "reports.call": staff("leader", "other_leader", right_args={"shift_id": "shift"}),
    # Printed rosters and the week plan: a point's leaders and organisers only.
    **{f"rosters.{name}": staff("leader", "other_leader") for name in (
        "point_roster", "point_roster_pdf", "shift_roster", "shift_roster_pdf", "week_plan", "week_plan_pdf")},
    "shifts.add_volunteer": staff("leader", "other_leader", data={"who": "SV003"}),
    # Shifts of a draft campaign, or of a campaign the student did not join, are refused by the booking rules.
    "shifts.book": Pair("lan", [("lan", {"shift_id": "draft_shift"}), ("outsider", {})], refused=(403, 404, 422),
                        htmx=True),
    "shifts.cancel": staff("lan", "minh"),
    "shifts.cancel_mine": staff("lan", "minh"),
    "shifts.release": staff("leader", "other_leader"),
    "shifts.schedule": staff("leader", "other_leader"),
    "shifts.shift_ics": Pair("lan", [("lan", {"shift_id": "draft_shift"})]),
    "shifts.show": Pair("lan", [("lan", {"shift_id": "draft_shift"})]),
    "shifts.waitlist": Pair("lan", [("lan", {"shift_id": "draft_shift"}), ("outsider", {})], refused=(403, 404, 422),
                            htmx=True, right_args={"shift_id": "other_shift"}),
    # The team board: a volunteer reads the boards of points they are booked at; leaders those they lead.
    "teamboard.board": Pair("lan", [("minh", {}), ("outsider", {}), ("other_leader", {})]),
    "teamboard.create_post": staff("leader", "other_leader", data={"body": "Mai mở cửa lúc 7:00"}),
    "teamboard.mark_seen": Pair("lan", [("minh", {}), ("outsider", {})]),
    "teamboard.message_status": staff("leader", "other_leader"),
    "teamboard.post_image": Pair("lan", [("minh", {}), ("other_leader", {})]),
    "teamboard.shift_message": staff("leader", "other_leader", data={"body": "Mai mở cửa lúc 7:00"}, post=True),
    "teamboard.toggle_pin": staff("leader", "other_leader"),
    "training.attendance": staff("trainer", "other_trainer"),
    "training.complete": staff("trainer", "other_trainer", data={"user_id": "lan"}),
    "training.counts": staff("trainer", "other_trainer"),
    "training.import_commit": staff("trainer", "other_trainer"),
    "training.import_preview": staff("trainer", "other_trainer"),
    "training.import_sheet": staff("trainer", "other_trainer"),
    "training.mark_read": staff("lan", "outsider"),
    "training.read_module": Pair("lan", [("lan", {"module_id": "draft_module"})]),
    "training.registration": Pair("lan", [("lan", {"session_id": "draft_session"})]),
    "training.roster": staff("trainer", "other_trainer"),
    "training.show_session": Pair("lan", [("lan", {"session_id": "draft_session"})]),
    "training.submit_quiz": staff("lan", "outsider"),
    "training.undo": staff("trainer", "other_trainer", data={"reason": "Ký nhầm người"}),
}


def id_routes(app) -> dict:
    """Each non-public endpoint whose URL names an object, with its rule (the one with the id)."""
    found = {}
    for rule in app.url_map.iter_rules():
        declared = access.rule_for(app, rule.endpoint)
        names_object = "code" in rule.arguments or any(
            isinstance(rule._converters[a], IntegerConverter) for a in rule.arguments)
        if names_object and declared is not None and not declared.public:
            found[rule.endpoint] = rule
    return found


def test_every_id_route_has_a_matrix_entry(app):
    assert sorted(set(id_routes(app)) - set(MATRIX)) == []
    assert sorted(set(MATRIX) - set(id_routes(app))) == []


def _request(client, rule, args, pair, city):
    """GET when the route serves it, else POST with the entry's data (city names become ids)."""
    url = rule.build(args)[1]
    if "GET" in rule.methods and not pair.post:
        return client.get(url)
    values = {k: (str(city[v].id) if v in city else v) for k, v in pair.data.items()}
    return client.post(url, data=values, headers={"HX-Request": "true"} if pair.htmx else {})


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_only_the_person_with_the_right_reaches_the_object(endpoint, app, auth, city):
    pair = MATRIX[endpoint]
    rule = id_routes(app)[endpoint]
    for actor, overrides in pair.wrong:
        client = sign_in(auth, city[actor])
        before = row_counts()
        response = _request(client, rule, url_args(city, rule, **overrides), pair, city)
        assert response.status_code in pair.refused, (actor, overrides, response.status_code)
        assert row_counts() == before, (actor, overrides)
    client = sign_in(auth, city[pair.right])
    response = _request(client, rule, url_args(city, rule, **pair.right_args), pair, city)
    allowed = ALLOWED if "GET" in rule.methods and not pair.post else ALLOWED_POST
    assert response.status_code in allowed, (pair.right, response.status_code)


# --- staff look-ups never return the wrong person ------------------------------------------


def test_nominee_search_lists_only_enrolled_students_of_the_campaign(auth, city, make_user):
    from portal.campaigns.models import CampaignEnrolment
    from portal.extensions import db

    staff_enrolled = make_user(role="leader", full_name="Nguyễn Văn Cán Bộ")
    db.session.add(CampaignEnrolment(campaign_id=city["campaign"].id, user_id=staff_enrolled.id))
    db.session.commit()
    client = sign_in(auth, city["admin"])
    page = client.get(f"/campaigns/{city['campaign'].slug}/referrals/nominate?q=Nguyễn").get_data(as_text=True)
    assert "Nguyễn Thị Lan" in page
    assert "Nguyễn Văn Cán Bộ" not in page  # enrolled once, but not a student
    page = client.get(f"/campaigns/{city['campaign'].slug}/referrals/nominate?q=Vũ").get_data(as_text=True)
    assert "Vũ Ngoài Cuộc" not in page  # a student of no campaign
    assert client.get(f"/campaigns/{city['campaign'].slug}/referrals/nominate/{staff_enrolled.id}").status_code == 404


def test_an_exact_email_wins_over_addresses_that_contain_it(auth, city, make_user):
    from tests import factories

    an = make_user(email="an@example.org", full_name="Hoàng An")
    lan = make_user(email="lan@example.org", full_name="Đinh Thị Lan")
    factories.enrol(city["campaign"], an, lan)
    client = sign_in(auth, city["admin"])
    page = client.get(f"/campaigns/{city['campaign'].slug}/referrals/nominate?q=AN@example.org").get_data(as_text=True)
    assert "Hoàng An" in page and "Đinh Thị Lan" not in page
    page = client.get(f"/campaigns/{city['campaign'].slug}/referrals/nominate?q=example.org").get_data(as_text=True)
    assert "Hoàng An" in page and "Đinh Thị Lan" in page  # a partial address still lists everyone it matches


def test_a_student_id_shared_by_two_accounts_asks_which_one(auth, city, make_user, make_shift):
    from sqlalchemy import select

    from portal.extensions import db
    from portal.shifts.models import Booking

    twin = make_user(full_name="Nguyễn Thị Lan", student_code="SV001", school="Học viện Tài chính",
                     email="lan.hvtc@example.org")
    client = sign_in(auth, city["leader"])
    shift = city["shift"]
    before = row_counts()
    response = client.post(f"/shifts/{shift.id}/add", data={"who": "sv001"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="choose-person"' in page
    assert page.count('name="person"') == 2 and "Học viện Tài chính" in page
    assert "la•••@example.org" in page and twin.email not in page
    assert row_counts() == before
    # Picking someone who does not hold that student ID is not a choice: the question comes back.
    response = client.post(f"/shifts/{shift.id}/add", data={"who": "SV001", "person": str(city["minh"].id)})
    assert 'id="choose-person"' in response.get_data(as_text=True)
    walk_in = client.post(f"/operations/shifts/{shift.id}/walk-in", data={"who": "SV001"})
    assert walk_in.status_code == 200 and walk_in.get_data(as_text=True).count('name="person"') == 2
    assert row_counts() == before
    # The organiser picks Lan (not the account with the lower id) on a shift she has not booked yet.
    admin = sign_in(auth, city["admin"])
    other = make_shift(city["campaign"], city["other_point"])
    added = admin.post(f"/shifts/{other.id}/add", data={"who": "SV001", "person": str(city["lan"].id)})
    assert added.status_code == 303
    booked = db.session.scalars(select(Booking.user_id).where(Booking.shift_id == other.id)).all()
    assert booked == [city["lan"].id]


def test_an_email_finds_its_owner_even_when_it_is_someone_elses_student_id(auth, city, make_user):
    from portal.accounts.services import find_student

    make_user(full_name="Người Trùng Mã", student_code=city["lan"].email.upper())
    assert find_student(f"  {city['lan'].email.upper()} ") == [city["lan"]]
    assert find_student("SV002") == [city["minh"]]
    assert find_student("") == [] and find_student("SV999") == []

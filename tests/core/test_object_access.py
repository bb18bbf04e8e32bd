"""Two people for every route that names an object: one with the right gets in, one without does not.

The id routes come from app.url_map (an integer argument, or a certificate code), so a new one
without an entry here fails test_every_id_route_has_a_matrix_entry.
"""
from dataclasses import dataclass, field

import pytest
from werkzeug.routing import IntegerConverter

from portal import access, create_app
from tests.core.conftest import row_counts, sign_in, url_args

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
    "accounts.change_active", "accounts.change_roles", "accounts.person", "campaigns.edit_point",
    "certificates.reissue", "certificates.revoke", "certificates.show", "mail.show", "referrals.award",
    "referrals.case", "referrals.decide", "referrals.edit_host", "referrals.outcome", "referrals.send",
    "referrals.withdraw", "shifts.cancel_shift", "shifts.edit", "shifts.generate", "training.edit_module",
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
    "operations.act": staff("leader", "other_leader"),
    "operations.activity_log": Pair("lan", [("minh", {}), ("other_leader", {})]),
    "operations.adjust_hours": staff("leader", "other_leader", data={"minutes": "60", "reason": "Về sớm"}),
    "operations.feedback_status": staff("leader", "other_leader", data={"status": "forwarded"}),
    "operations.point_feedback": staff("leader", "other_leader"),
    "operations.point_qr": staff("leader", "other_leader"),
    "operations.rate": staff("leader", "other_leader", data={"rating": "5"}),
    # Any student who scanned the code may open the page; only one booked there is checked in.
    "operations.self_check_in": Pair("lan", [("minh", {})], refused=(403, 404, 422), post=True),
    "operations.team": staff("leader", "other_leader"),
    "operations.walk_in": staff("leader", "other_leader", data={"who": "SV003"}),
    "referrals.consent": staff("lan", "minh", data={"answer": "decline"}),
    "referrals.nominate": Pair("trainer", [("other_trainer", {}), ("other_leader", {}),
                                           ("trainer", {"user_id": "outsider"}), ("trainer", {"user_id": "admin"}),
                                           ("admin", {"user_id": "leader"})]),
    "reports.call": staff("leader", "other_leader", right_args={"shift_id": "shift"}),
    "shifts.add_volunteer": staff("leader", "other_leader", data={"who": "SV003"}),
    # Shifts of a draft campaign, or of a campaign the student did not join, are refused by the booking rules.
    "shifts.book": Pair("lan", [("lan", {"shift_id": "draft_shift"}), ("outsider", {})], refused=(403, 404, 422),
                        htmx=True),
    "shifts.cancel": staff("lan", "minh"),
    "shifts.release": staff("leader", "other_leader"),
    "shifts.schedule": staff("leader", "other_leader"),
    "shifts.shift_ics": Pair("lan", [("lan", {"shift_id": "draft_shift"})]),
    "shifts.show": Pair("lan", [("lan", {"shift_id": "draft_shift"})]),
    "shifts.waitlist": Pair("lan", [("lan", {"shift_id": "draft_shift"}), ("outsider", {})], refused=(403, 404, 422),
                            htmx=True, right_args={"shift_id": "other_shift"}),
    "training.attendance": staff("trainer", "other_trainer"),
    "training.complete": staff("trainer", "other_trainer", data={"user_id": "lan"}),
    "training.counts": staff("trainer", "other_trainer"),
    "training.import_commit": staff("trainer", "other_trainer"),
    "training.import_preview": staff("trainer", "other_trainer"),
    "training.import_sheet": staff("trainer", "other_trainer"),
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
    assert response.status_code in (ALLOWED if "GET" in rule.methods and not pair.post else ALLOWED_POST), (pair.right, response.status_code)

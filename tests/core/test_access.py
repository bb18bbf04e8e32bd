"""The role x route matrix, built from app.url_map: a new route without a rule fails here."""
import pytest
from werkzeug.routing import IntegerConverter

from portal import access

DUMMY = {"int": 999999, "default": "x"}


def _routes(app):
    """Every (endpoint, method, url) the app serves, with dummy values for URL arguments."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        args = {}
        for name in rule.arguments:
            numeric = isinstance(rule._converters[name], IntegerConverter)
            args[name] = DUMMY["int"] if numeric else DUMMY["default"]
        url = rule.build(args)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def test_every_route_declares_who_may_use_it(app):
    missing = sorted(
        {endpoint for endpoint, _, _ in _routes(app) if access.rule_for(app, endpoint) is None}
    )
    assert missing == []


def test_route_without_a_rule_is_refused(app, client):
    @app.route("/undeclared")
    def undeclared():
        return "should never be served"

    assert client.get("/undeclared").status_code == 403


def test_anonymous_visitors_are_sent_to_login(app, client):
    checked = 0
    for endpoint, method, url in _routes(app):
        if access.rule_for(app, endpoint).public:
            continue
        response = client.open(url, method=method)
        assert response.status_code == 302, (endpoint, method, response.status_code)
        assert response.headers["Location"].startswith("/login?next="), endpoint
        checked += 1
    assert checked >= 10


def test_anonymous_htmx_requests_get_401_with_a_login_redirect(app, client):
    for endpoint, method, url in _routes(app):
        if access.rule_for(app, endpoint).public:
            continue
        response = client.open(url, method=method, headers={"HX-Request": "true"})
        assert response.status_code == 401, endpoint
        assert response.headers["HX-Redirect"].startswith("/login?next="), endpoint


@pytest.mark.parametrize("role", access.ROLES)
def test_each_role_is_refused_where_it_has_no_rights(app, client, auth, make_user, role):
    auth.as_(make_user(role=role))
    refused = allowed = 0
    for endpoint, method, url in _routes(app):
        rule = access.rule_for(app, endpoint)
        if rule.public or endpoint == "accounts.logout":
            continue
        response = client.open(url, method=method)
        if rule.roles and role not in rule.roles:
            assert response.status_code == 403, (endpoint, method, role)
            refused += 1
        else:
            assert response.status_code not in (403, 500), (endpoint, method, role)
            allowed += 1
    assert allowed > 0
    if role != "admin":
        assert refused > 0


def test_a_person_with_several_roles_gets_the_rights_of_each(client, auth, make_user):
    auth.as_(make_user(roles=["student", "admin"]))
    assert client.get("/admin/people").status_code == 200
    assert client.get("/profile").status_code == 200


def test_a_deactivated_account_loses_its_session(app, client, auth, make_user):
    from portal.extensions import db

    user = auth.as_(make_user(role="admin"))
    assert client.get("/admin/people").status_code == 200
    user.is_active_account = False
    db.session.commit()
    assert client.get("/admin/people").status_code == 302

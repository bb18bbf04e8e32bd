"""Every form of the app, sent in shapes no page of ours sends: a clear 400/422, never a 5xx, nothing written.

The forms come from app.url_map: each POST endpoint, signed in with a role that may use it, with
the city's objects in its URL; field names are read from the endpoint's own page when it has one.
"""
import io
import re

import pytest
from werkzeug.datastructures import MultiDict

from portal import access
from portal.core import input_guard
from portal.extensions import db
from tests.core.conftest import row_counts, sign_in, url_args


@pytest.fixture
def app(shared_app):
    """These tests share one app; the tables are emptied after each."""
    return shared_app


FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)
INPUT = re.compile(r"<(input|select|textarea|button)\b([^>]*)>", re.S)
ATTR = re.compile(r'\b(name|type|value)="([^"]*)"')
GENERIC_FIELDS = ["who", "reason", "note", "text", "status", "action"]


def actor_for(rule, city):
    """The person who may use the endpoint (None for public ones): an organiser when organisers may."""
    declared = access.rule_for(city["app"], rule.endpoint)
    if declared.public:
        return None
    for role, person in (("admin", "admin"), ("student", "lan"), ("leader", "leader"), ("trainer", "trainer")):
        if not declared.roles or role in declared.roles:
            return city["lan"] if not declared.roles else city[person]
    raise AssertionError(rule.endpoint)


def forms_on(html: str) -> list[list[dict]]:
    """The inputs of each form of a page, as attribute dicts."""
    return [[{"type": "submit" if tag == "button" else "", **dict(ATTR.findall(attrs))}
             for tag, attrs in INPUT.findall(form)] for form in FORM.findall(html)]


@pytest.fixture
def clients(app, auth, city):
    """One signed-in client per actor (None: anonymous), made on first use."""
    city["app"] = app
    made = {}

    def client_for(user):
        key = user.id if user else None
        if key not in made:
            made[key] = sign_in(auth, user) if user else app.test_client()
        return made[key]

    return client_for


def post_rules(app):
    """Every POST route once (the one with the most arguments when an endpoint has two)."""
    found = {}
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and len(rule.arguments) >= len(getattr(found.get(rule.endpoint), "arguments", ())):
            found[rule.endpoint] = rule
    return [found[e] for e in sorted(found)]


def field_names(client, rule, url) -> tuple[list[str], bool]:
    """(text field names, whether it takes a file) as its own page shows them, or common names."""
    names, has_file = [], False
    if "GET" in rule.methods:
        page = client.get(url)
        for inputs in forms_on(page.get_data(as_text=True)):
            for attrs in inputs:
                if attrs.get("type") == "file":
                    has_file = True
                elif attrs.get("name") and attrs["name"] != "csrf_token":
                    names.append(attrs["name"])
    multi, files = input_guard.field_kinds()
    names = [n for n in dict.fromkeys(names + GENERIC_FIELDS) if n not in multi and n not in files]
    return names, has_file


def shapes(names, has_file):
    """(label, query suffix, form data, allowed statuses) of each malformed request."""
    name = names[0]
    yield "file where text is expected", "", {name: (io.BytesIO(b"%PDF-1.4 not text"), "a.pdf")}, {400}
    yield "repeated field", "", MultiDict([(name, "một"), (name, "hai")]), {400}
    yield "field sent as an array", "", {f"{name}[]": "một"}, {400}
    yield "overlong query string", "?q=" + "a" * 5000, {name: "một"}, {400}
    yield "repeated query argument", "?page=1&page=2", {name: "một"}, {400}
    if has_file:
        yield "text where a file is expected", "", {"file": "email\nlan@example.org"}, {400, 422}


def test_every_form_refuses_malformed_input_and_writes_nothing(app, city, clients):
    checked = 0
    for rule in post_rules(app):
        client = clients(actor_for(rule, city))
        url = rule.build(url_args(city, rule))[1]
        names, has_file = field_names(client, rule, url)
        before = row_counts()
        for label, query, data, allowed in shapes(names, has_file):
            response = client.post(url + query, data=data)
            assert response.status_code in allowed, (rule.endpoint, label, response.status_code)
            checked += 1
        assert row_counts() == before, rule.endpoint
    assert checked > 300


def test_malformed_input_is_explained_in_vietnamese_by_default(client):
    response = client.post("/login", data=MultiDict([("email", "a@example.org"), ("email", "b@example.org")]))
    assert response.status_code == 400
    assert "Một ô được gửi nhiều lần" in response.get_data(as_text=True)


def test_malformed_input_is_explained_in_english_when_asked(client):
    response = client.post("/login?lang=en", data={"email[]": "a@example.org", "password": "x"})
    assert response.status_code == 400
    assert "This form was sent in a shape the page does not accept" in response.get_data(as_text=True)


def test_htmx_requests_get_the_error_fragment(client):
    response = client.post("/login", data={"email": (io.BytesIO(b"x"), "x.txt")}, headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "<html" not in body and 'id="error-400"' in body
    assert response.headers["HX-Retarget"] == "#htmx-errors"


def test_an_overlong_query_string_is_refused_on_every_page(client):
    response = client.get("/verify?code=" + "A" * 5000)
    assert response.status_code == 400


def test_a_file_in_a_text_field_of_a_form_is_a_field_error(app):
    from werkzeug.datastructures import FileStorage, MultiDict
    from wtforms import StringField

    from portal.forms import BaseForm

    class NoteForm(BaseForm):
        note = StringField()

    with app.test_request_context(method="POST"):
        form = NoteForm(formdata=MultiDict({"note": FileStorage(io.BytesIO(b"x"), "x.txt")}))
        assert not form.validate()
        assert form.note.errors and form.note.data in (None, "")


def test_the_real_multi_value_forms_still_work(app, city, clients):
    from portal.accounts.models import User

    admin, trainer = clients(city["admin"]), clients(city["trainer"])
    outsider = city["outsider"]
    response = admin.post(f"/admin/people/{outsider.id}/roles", data={"roles": ["student", "leader"]})
    assert response.status_code == 200
    assert {r.role for r in db.session.get(User, outsider.id).roles} == {"student", "leader"}
    module, session = city["module"], city["session"]
    ids = [str(city["lan"].id), str(city["minh"].id)]
    assert trainer.post(f"/training/modules/{module.id}/complete", data={"user_id": ids}).status_code == 303
    assert trainer.post(f"/training/sessions/{session.id}/attendance",
                        data={"present": ids[:1], "shown": ids}).status_code == 303
    response = admin.post(f"/campaigns/{city['campaign'].slug}/shift-templates", data={
        "point": str(city["point"].id), "weekdays": ["1", "3", "5"], "start_time": "08:00", "end_time": "12:00",
        "capacity": "4"})
    assert response.status_code in (200, 303) and "Một ô được gửi nhiều lần" not in response.get_data(as_text=True)


def test_pages_repeat_only_the_fields_the_guard_accepts_as_lists(app, city, clients):
    multi, _ = input_guard.field_kinds()
    repeated = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "accounts.logout") or rule.arguments - set(
                url_args(city, rule)):
            continue
        response = clients(actor_for(rule, city)).get(rule.build(url_args(city, rule))[1])
        if response.mimetype != "text/html":
            continue
        for inputs in forms_on(response.get_data(as_text=True)):
            # Radio buttons and submit buttons share a name, but only the chosen one is sent.
            names = [a["name"] for a in inputs if a.get("name") and a.get("type") not in ("radio", "submit")]
            buttons = {a["name"] for a in inputs if a.get("name") and a.get("type") == "submit"}
            repeated |= {n for n in names if names.count(n) > 1} | (set(names) & buttons)
    assert sorted(repeated - multi) == []


def test_text_sent_as_the_attendance_sheet_is_a_field_error(city, clients):
    trainer = clients(city["trainer"])
    before = row_counts()
    response = trainer.post(f"/training/modules/{city['module'].id}/import", data={"file": "email\nlan@example.org"})
    assert response.status_code == 422 and 'id="file-error"' in response.get_data(as_text=True)
    assert row_counts() == before


def test_a_checkbox_list_with_nothing_ticked_is_a_field_error(city, clients):
    admin = clients(city["admin"])
    response = admin.post(f"/admin/people/{city['lan'].id}/roles", data={})
    assert response.status_code == 422
    assert [r.role for r in city["lan"].roles] == ["student"]

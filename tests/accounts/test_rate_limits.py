"""Per-account rate limits count the person, not the spelling of their address (issue 14, §2)."""
import pytest
from sqlalchemy import select

from portal.accounts.validation import canonical_email
from portal.audit.models import AuditEvent
from portal.extensions import db
from tests.accounts.test_signup import GOOD

# One address, spelt every way a script might: case, surrounding space, invisible characters
# (zero-width space, byte-order mark, soft hyphen, zero-width joiner), a control character,
# full-width letters (NFKC). Control characters are dropped too, but the app refuses a form
# that carries them before any limit (issue 14, §6), so they are checked on the normaliser alone.
SPELLINGS = [
    "thu.tran@example.org",
    "Thu.Tran@Example.ORG",
    "  thu.tran@example.org \t",
    "thu.tran\u200b@example.org",
    "\ufeffthu.tran@example.org",
    "thu.\u00adtran@example.org",
    "thu\u200d.tran@example.org",
    "\uff54\uff48\uff55.tran@example.org",
]


def test_every_spelling_has_one_canonical_form():
    import unicodedata

    assert {canonical_email(s) for s in [*SPELLINGS, "thu.tran@example.org\x00", "thu\x1b.tran@example.org"]} == {
        "thu.tran@example.org"}
    assert canonical_email(unicodedata.normalize("NFD", "An@VíDụ.vn")) == "an@vídụ.vn"


def _from_many_ips(app, path, data_for, n):
    """POST n times, each from a new IP and a new client, so only the per-account limit can trip."""
    codes = []
    for i in range(n):
        client = app.test_client()
        response = client.post(path, data=data_for(i), environ_base={"REMOTE_ADDR": f"10.1.0.{i + 1}"})
        codes.append(response.status_code)
    return codes


def test_login_limit_holds_whatever_the_spelling_of_the_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="4 per minute")
    with app.app_context():
        from tests import factories

        user = factories.user_builder()(email="thu.tran@example.org")
        codes = _from_many_ips(app, "/login",
                               lambda i: {"email": SPELLINGS[i + 1], "password": "guess number %d" % i}, 5)
        assert codes == [422, 422, 422, 422, 429]
        # Now even the right password, spelt yet another way, waits: the account is locked for now.
        locked = _from_many_ips(app, "/login", lambda i: {"email": SPELLINGS[-1], "password": factories.PASSWORD}, 1)
        assert locked == [429]
        lockouts = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.lockout")).all()
        assert [e.target_id for e in lockouts] == [user.id]


def test_any_spelling_signs_in_to_the_one_account(client, make_user):
    from tests import factories

    make_user(email="thu.tran@example.org")
    response = client.post("/login", data={"email": "\ufeffThu.Tran\u200b@Example.org ",
                                           "password": factories.PASSWORD})
    assert response.status_code == 303


def test_password_reset_limit_holds_whatever_the_spelling(make_app, outbox):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_RESET="3 per minute")
    with app.app_context():
        from tests import factories

        factories.user_builder()(email="thu.tran@example.org")
        codes = _from_many_ips(app, "/password/forgot", lambda i: {"email": SPELLINGS[i]}, 5)
        assert codes == [200, 200, 200, 429, 429]
        assert len(outbox(to="thu.tran@example.org")) == 3


def test_sign_up_has_a_per_address_limit_that_holds_whatever_the_spelling(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_SIGNUP="3 per minute")
    with app.app_context():
        codes = _from_many_ips(app, "/signup", lambda i: {**GOOD, "email": SPELLINGS[i]}, 5)
        # The first creates the account, the next two are told it exists; then the address is locked.
        assert codes[:3] == [303, 422, 422] and codes[3:] == [429, 429]


@pytest.mark.parametrize("spelling", SPELLINGS[1:])
def test_sign_up_stores_the_canonical_address(client, spelling):
    from portal.accounts.models import User

    assert client.post("/signup", data={**GOOD, "email": spelling}).status_code == 303
    assert db.session.scalars(select(User.email)).all() == ["thu.tran@example.org"]

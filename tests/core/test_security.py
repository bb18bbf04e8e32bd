"""Security defaults: CSP, cookies, CSRF on every state change, rate limits."""
import os
import re
from pathlib import Path

import pytest

from tests.accounts.test_signup import GOOD

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_responses_carry_a_strict_content_security_policy(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


def test_templates_have_no_inline_scripts_or_handlers():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=", text):
            offenders.append(path.name)
    assert offenders == []


def test_session_cookie_is_httponly_and_lax(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "correct horse battery"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_cookies_are_secure_when_the_site_is_https(make_app, make_user):
    app = make_app(ENVIRON={"PORTAL_ENV": "test", "BASE_URL": "https://donghanh.example.org"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


# POSTs that change nothing and need no session: the certificate token is posted (not put in a URL)
# so it stays out of logs, a credential file is checked and forgotten, and the public pages set no
# cookie to hold a CSRF token.
READ_ONLY_POSTS = {"certificates.holder", "certificates.verify_file"}


def test_every_post_route_refuses_a_missing_csrf_token(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
        assert len(posts) >= 10
        client = app.test_client()
        for rule in posts:
            url = rule.build({a: 1 if a.endswith("_id") else "x" for a in rule.arguments})[1]
            response = client.post(url, data={"email": "x@example.org"})
            if rule.endpoint.endswith(".moved"):  # the URL map answers 308 first; the new address checks the token
                assert response.status_code == 308, rule.rule
                response = client.post(response.headers["Location"], data={"email": "x@example.org"})
            if rule.endpoint in READ_ONLY_POSTS:
                assert response.status_code in (200, 404, 422), rule.rule  # 422: no file was sent
            else:
                assert response.status_code == 400, rule.rule


def test_csrf_token_in_the_htmx_header_is_accepted(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        page = client.get("/signup").get_data(as_text=True)
        token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
        response = client.post("/signup", data=GOOD, headers={"HX-Request": "true", "X-CSRFToken": token})
        assert response.status_code == 200 and "HX-Redirect" in response.headers


def test_login_is_rate_limited_with_a_clear_message(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute")
    with app.app_context():
        client = app.test_client()
        codes = [client.post("/login", data={"email": f"x{i}@example.org", "password": "wrong password"}).status_code
                 for i in range(4)]
        assert codes == [422, 422, 422, 429]
        body = client.post("/login", data={"email": "y@example.org", "password": "x"}).get_data(as_text=True)
        assert "Bạn đã thử quá nhiều lần" in body


def test_login_attempts_on_one_email_are_limited_across_addresses(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="2 per minute")
    with app.app_context():
        codes = []
        for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
            client = app.test_client()
            response = client.post("/login", data={"email": "victim@example.org", "password": "guess"},
                                   environ_base={"REMOTE_ADDR": ip})
            codes.append(response.status_code)
        assert codes[-1] == 429


@pytest.mark.parametrize("path,field", [("/signup", GOOD), ("/password/forgot", {"email": "a@example.org"})])
def test_signup_and_reset_are_rate_limited(make_app, path, field):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_SIGNUP="1 per minute", RATELIMIT_RESET="1 per minute")
    with app.app_context():
        client = app.test_client()
        client.post(path, data=field)
        assert client.post(path, data=field).status_code == 429


def _redis_available():
    import redis

    try:
        return redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


def test_rate_limits_can_be_kept_in_redis(make_app):
    if not _redis_available():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the Redis storage test: no Redis at 127.0.0.1:6379")
        pytest.skip("no Redis at 127.0.0.1:6379 on this machine")
    from portal.extensions import limiter

    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="2 per minute",
                   RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15")
    with app.app_context():
        assert type(limiter.storage).__name__ == "RedisStorage"
        limiter.reset()
        client = app.test_client()
        codes = [client.post("/login", data={"email": f"r{i}@example.org", "password": "x"}).status_code
                 for i in range(3)]
        assert codes[-1] == 429
        limiter.reset()

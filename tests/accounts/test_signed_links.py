"""Signed links carry the user id and fingerprints, never a readable email (issue 14, §9)."""
import base64
import json
import re

import pytest

from portal.accounts import signed_links
from portal.extensions import db


def _payload(token: str) -> str:
    """What anyone can read in a token: itsdangerous's payload is only base64."""
    part = token.split(".")[0]
    raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    return raw.decode("utf-8", "replace")


@pytest.mark.parametrize("purpose", ["verify", "reset", "invite"])
def test_tokens_carry_no_email(app, make_user, purpose):
    user = make_user(email="an.tran@example.org")
    token = signed_links.make_token(purpose, user)
    payload = _payload(token)
    assert "an.tran" not in payload and "example.org" not in payload and "@" not in payload
    assert json.loads(payload)["uid"] == user.id
    assert signed_links.load_token(purpose, token, 3600).id == user.id


def test_emailed_links_carry_no_email(client, make_user, outbox):
    user = make_user(email="an.tran@example.org")
    client.post("/password/forgot", data={"email": user.email})
    token = re.search(r"/password/reset/(\S+)", outbox()[-1].body_text).group(1)
    assert "an.tran" not in _payload(token)


def test_a_link_dies_when_the_email_changes(app, make_user):
    user = make_user(email="an.tran@example.org")
    token = signed_links.make_token("verify", user)
    user.email = "an.tran2@example.org"
    db.session.commit()
    with pytest.raises(signed_links.TokenError):
        signed_links.load_token("verify", token, 3600)


def test_a_token_for_one_purpose_is_refused_for_another(app, make_user):
    user = make_user()
    with pytest.raises(signed_links.TokenError):
        signed_links.load_token("reset", signed_links.make_token("verify", user), 3600)

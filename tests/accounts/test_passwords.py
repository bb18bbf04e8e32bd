"""Breached and guessable passwords are refused, with the reason (issue 14, §4)."""
import time

import pytest

from portal.accounts import passwords, validation
from portal.accounts.validation import check_password
from portal.core.validation import InvalidInput
from tests.accounts.test_signup import GOOD


@pytest.mark.parametrize("password", ["sunshine123", "football12", "Superman123", "princess123", "baseball123"])
def test_breached_passwords_are_refused(app, password):
    with pytest.raises(InvalidInput) as refused:
        check_password(password, "lan.nguyen@example.org", "Nguyễn Thị Lan")
    assert str(refused.value.message) == str(validation.BREACHED)


def test_the_breached_list_covers_the_most_common_passwords_of_ten_characters_or_more():
    # The top of SecLists' 10-million list, where length allows: each must be in the list.
    for common in ("1234567890", "qwertyuiop", "1q2w3e4r5t", "iloveyou12", "1qaz2wsx3edc", "zxcvbnm123"):
        assert passwords.is_breached(common), common
    assert not passwords.is_breached("bốn chú mèo nhỏ")


def test_a_breached_password_is_found_in_any_case():
    assert passwords.is_breached("SUNSHINE123") and passwords.is_breached("Sunshine123")


@pytest.mark.parametrize("password,email,name", [
    ("donghanh2026!", "lan@example.org", "Nguyễn Thị Lan"),
    ("Đồng Hành 2026", "lan@example.org", "Nguyễn Thị Lan"),
    ("dong hanh 123456", "lan@example.org", "Nguyễn Thị Lan"),
    ("thanhnien-tinhnguyen", "lan@example.org", "Nguyễn Thị Lan"),
    ("hanhchinh2025@@", "lan@example.org", "Nguyễn Thị Lan"),
    ("Nguyễn Thị Lan 2004", "lan@example.org", "Nguyễn Thị Lan"),
    ("nguyenthilan99", "ntlan@example.org", "Nguyễn Thị Lan"),
    ("lan.nguyen.2004", "lan.nguyen@example.org", "Nguyễn Thị Lan"),
])
def test_passwords_made_of_context_words_are_refused(app, password, email, name):
    with pytest.raises(InvalidInput) as refused:
        check_password(password, email, name)
    assert refused.value.field == "password"
    assert str(refused.value.message) != str(validation.BREACHED)


@pytest.mark.parametrize("password", ["bốn chú mèo nhỏ", "một mật khẩu đủ dài 2026", "correct horse battery",
                                      "donghanh và những chiếc lá"])
def test_good_passwords_still_pass(app, password):
    assert check_password(password, "lan.nguyen@example.org", "Nguyễn Thị Lan") is None  # no InvalidInput raised


def test_sign_up_with_a_breached_password_explains_why_and_keeps_the_rest(client):
    response = client.post("/signup?lang=en", data={**GOOD, "password": "sunshine123"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "leaked" in body and "lan.nguyen@example.org" in body


def test_a_reset_refuses_a_password_built_from_the_campaign(client, make_user, outbox):
    import re

    user = make_user(email="lan.nguyen@example.org")
    client.post("/password/forgot", data={"email": user.email})
    link = re.search(r"http://portal\.test(/password/reset/\S+)", outbox()[-1].body_text).group(1)
    response = client.post(link, data={"password": "donghanh-2026", "confirm": "donghanh-2026"})
    assert response.status_code == 422


def test_a_lookup_takes_well_under_a_millisecond():
    start = time.perf_counter()
    for i in range(2000):
        passwords.is_breached(f"not a leaked password {i}")
    per_lookup = (time.perf_counter() - start) / 2000
    assert per_lookup < 0.002, per_lookup

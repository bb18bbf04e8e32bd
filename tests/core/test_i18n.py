"""Vietnamese first, English on request, every string translated."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "portal" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"


def test_home_page_is_vietnamese_by_default(client):
    body = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in body
    assert "Đăng ký" in body


def test_language_switch_turns_pages_into_english_and_back(client):
    response = client.post("/language", data={"lang": "en", "next": "/login"})
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    body = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in body and "Forgot your password?" in body
    client.post("/language", data={"lang": "vi", "next": "/login"})
    assert "Quên mật khẩu?" in client.get("/login").get_data(as_text=True)


def test_language_switch_ignores_unknown_languages_and_foreign_next(client):
    response = client.post("/language", data={"lang": "fr", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)


def test_signed_in_choice_is_kept_on_the_account(client, auth, make_user):
    from portal.extensions import db

    user = auth.as_(make_user())
    client.post("/language", data={"lang": "en", "next": "/"})
    db.session.refresh(user)
    assert user.locale == "en"


def test_error_pages_exist_in_both_languages(client):
    vi = client.get("/khong-co-trang-nay")
    assert vi.status_code == 404 and "Không tìm thấy trang" in vi.get_data(as_text=True)
    client.post("/language", data={"lang": "en", "next": "/"})
    en = client.get("/no-such-page")
    assert en.status_code == 404 and "Page not found" in en.get_data(as_text=True)


def test_every_message_has_a_vietnamese_translation():
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    def untranslated(message):
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        return message.fuzzy or not all(forms)

    missing = [m.id for m in catalog if m.id and untranslated(m)]
    assert missing == []


def test_catalogue_is_up_to_date_with_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "--no-location", "--omit-header",
         "-F", "babel.cfg", "-k", "_l", "-k", "_ln:1,2", "-k", "both", "-k", "tr:2", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as handle:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with PO.open("rb") as handle:
        have = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert sorted(wanted - have) == [], "run `make extract-messages` and translate the new strings"


def test_translations_keep_their_placeholders():
    import re

    with PO.open("rb") as handle:
        catalog = read_po(handle)
    names = lambda s: sorted(set(re.findall(r"%\(\w+\)[sd]", s)))  # noqa: E731
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert names(text) == names(ids[0]), message.id

"""The menu on a phone: a "Menu" button that discloses the list (GOV.UK's header), and a list that is
there without JavaScript, "Log out" included, instead of a row that scrolls sideways."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_menu_button_controls_the_list_and_log_out_is_in_it(client, auth, make_user):
    auth.as_(make_user(role="admin"))
    page = client.get("/").get_data(as_text=True)
    button = re.search(r"<button[^>]*nav__toggle[^>]*>", page).group(0)
    assert 'aria-expanded="false"' in button and 'aria-controls="nav-list"' in button
    assert " hidden" in button  # shown by static/js/app.js only: without JavaScript the list is simply there
    menu = page[page.index('id="nav-list"'):page.index("</nav>")]
    assert "/logout" in menu and "Đăng xuất" in menu


def test_the_script_toggles_the_menu_and_the_row_no_longer_scrolls_sideways():
    script = (ROOT / "static" / "js" / "app.js").read_text()
    assert 'setAttribute("aria-expanded"' in script and "nav__list--open" in script
    css = (ROOT / "static" / "css" / "app.css").read_text()
    nav = css[css.index(".nav__inner"):css.index("/* Layout */")]
    assert "overflow-x: auto" not in nav and ".nav--js .nav__list:not(.nav__list--open) { display: none; }" in nav

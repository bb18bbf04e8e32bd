"""Booking with the keyboard alone: Tab reaches the shift's button with a visible focus ring on every
stop on the way, Enter books, focus stays on the card's button (now "cancel"), Enter cancels, and
Tab then carries on to the end of the page: no trap."""
from e2e.conftest import log_in

# Where the focus is, and whether it can be seen: our focus ring is an outline (buttons carry a
# box-shadow at rest, so a shadow proves nothing).
FOCUSED = """() => {
  const e = document.activeElement, style = getComputedStyle(e);
  const visible = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  return {id: e.id, tag: e.tagName, text: (e.innerText || e.value || '').trim().slice(0, 40),
          card: e.closest('article.shift-card') ? e.closest('article.shift-card').id : null, visible,
          path: [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
                  .indexOf(e)};
}"""


def _tab_until(page, wanted, limit=600, backwards=False):
    """Press Tab until `wanted(focus)` holds; every stop on the way must show its focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focus = page.evaluate(FOCUSED)
        if focus["tag"] == "BODY" or focus["path"] in {f["path"] for f in seen}:
            return focus, seen  # left the page, or came round again
        assert focus["visible"], f"focus is invisible on {focus}"
        seen.append(focus)
        if wanted(focus):
            return focus, seen
    raise AssertionError(f"Tab never reached the target; last stops: {seen[-5:]}")


def _settled(page, selector):
    """Wait for htmx's new content, and for htmx to have taken it in: a button swapped in gets its
    handlers when the swap settles (20 ms later), and a key pressed before that submits the form
    the plain way (a full page, which is right without JavaScript but not what this journey checks)."""
    page.wait_for_selector(selector)
    page.wait_for_selector(".htmx-settling, .htmx-added", state="detached")


def test_book_and_cancel_a_shift_with_the_keyboard_alone(server, pages):
    base = server["url"]
    student = pages()
    student.on("dialog", lambda dialog: dialog.accept())  # the browser's own confirm: Enter accepts it
    log_in(student, base, "student@example.org")
    student.goto(f"{base}/shifts/")
    # The last bookable shift is days ahead, so it can still be cancelled.
    card = student.locator("article.shift-card:has(button:has-text('Đăng ký ca trực'))").last.get_attribute("id")
    focus, _ = _tab_until(student, lambda f: f["card"] == card and f["tag"] == "BUTTON")
    assert focus["text"] == "Đăng ký ca trực này"
    student.keyboard.press("Enter")
    _settled(student, f"#{card} button:has-text('Huỷ đăng ký')")
    focus = student.evaluate(FOCUSED)
    assert focus["card"] == card and focus["text"] == "Huỷ đăng ký" and focus["visible"]  # not thrown back to the top
    student.keyboard.press("Enter")
    _settled(student, f"#{card} button:has-text('Đăng ký ca trực')")
    focus = student.evaluate(FOCUSED)
    assert focus["card"] == card and focus["text"] == "Đăng ký ca trực này"
    # No trap: Tab goes on past the card to the end of the page, each stop a new one.
    last, after = _tab_until(student, lambda f: False)
    assert last["tag"] == "BODY" or last["path"] == 0, f"focus went round in circles: {after[-5:]}"
    assert sum(f["card"] is None for f in after) >= 2  # past the cards: the footer's links
    back, _ = _tab_until(student, lambda f: f["card"] == card, backwards=True)
    assert back["card"] == card
    assert student.console_errors == []

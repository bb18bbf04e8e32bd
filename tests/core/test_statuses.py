"""One label source per status: each domain declares its statuses' words and tones once, and templates
show them through the status_tag macro, never with the same words written by hand."""
import re

import pytest
from flask import render_template_string

from portal.core import statuses
from tests.core.house_shape import ROOT

HAND_MADE = re.compile(r'<span class="tag tag--([a-z]+)">\{\{ _\("([^"]+)"\) \}\}</span>')


def _declared() -> set[tuple[str, str]]:
    """Each declared status as (tone, English words): the same words in the same colour are the same status."""
    return {(tone, label._args[0]) for kind in statuses.declared().values() for label, tone in kind.values()}


def test_every_domain_declares_its_statuses_at_start(app):
    assert {"role", "account", "campaign", "credential", "referral_case", "attendance", "mail"} <= set(
        statuses.declared())


def test_templates_show_declared_statuses_only_through_status_tag(app):
    declared = _declared()
    hand_made = [(str(t.relative_to(ROOT)), m) for t in (ROOT / "templates").rglob("*.html")
                 for m in HAND_MADE.findall(t.read_text()) if m in declared]
    assert hand_made == []


def test_the_macro_shows_the_words_in_vietnamese_and_the_tone(app):
    source = '{% from "macros/status.html" import status_tag %}{{ status_tag("credential", "revoked") }}'
    with app.test_request_context():
        shown = render_template_string(source)
    assert shown == '<span class="tag tag--closed">Đã thu hồi</span>'


def test_a_status_with_an_unknown_tone_is_refused_at_declaration():
    with pytest.raises(ValueError):
        statuses.declare("test_kind", {"odd": ("Odd", "purple")})
    assert "test_kind" not in statuses.declared()

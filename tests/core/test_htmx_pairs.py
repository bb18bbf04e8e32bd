"""The htmx contract over every page/fragment pair of the app, found from the templates: each element
that fetches a fragment (hx-get, or the `filters` macro's live search) names its endpoint there.

For each: the fragment has no page shell, starts with its root element's id and sends Vary; the same
URL without htmx is the whole page (possibly after a redirect), and that page includes the very root.
"""
import re

import pytest

from tests.core.access_table import ACCESS

# The city and helpers live in tests/core/conftest.py; imported fixtures are found by name.
from tests.core.conftest import city, module_app, shared_app, sign_in, url_args  # noqa: F401
from tests.core.house_shape import ROOT

FETCHES = re.compile(r"""(?:hx-get="\{\{\s*|filters\(\s*)url_for\(\s*['"]([a-z_]+\.[a-z_]+)['"]""")
ROOT_ELEMENT = re.compile(r'^<([a-z][a-z0-9-]*)\b[^>]*?\bid="([^"]+)"')
# Who opens each kind of page: the most entitled person the access table lets in (staff see the most).
PERSON = {"admin": "admin", "signed in": "admin", "leader": "leader", "trainer": "trainer", "student": "lan"}


def fragment_endpoints() -> dict[str, str]:
    """Each endpoint some template fetches a fragment from, with the first template that does."""
    found = {}
    for template in sorted((ROOT / "templates").rglob("*.html")):
        for endpoint in FETCHES.findall(template.read_text()):
            found.setdefault(endpoint, str(template.relative_to(ROOT)))
    return found


def person_for(endpoint: str) -> str | None:
    """The city's person who may open `endpoint` (None for a public page)."""
    who = ACCESS[endpoint][0]
    if who == "public":
        return None
    allowed = who.split(", ")
    return next(PERSON[r] for r in ("admin", "signed in", "leader", "trainer", "student") if r in allowed)


@pytest.fixture
def app(shared_app):  # noqa: F811 (one app for the module)
    """One app for the whole module."""
    return shared_app


def test_the_templates_name_the_fragments_they_fetch():
    found = fragment_endpoints()
    assert len(found) >= 10, found
    assert set(found) <= set(ACCESS), set(found) - set(ACCESS)


@pytest.mark.parametrize("endpoint", sorted(fragment_endpoints()))
def test_fragment_and_page_keep_the_contract(endpoint, app, auth, city):  # noqa: F811
    rule = next(r for r in app.url_map.iter_rules(endpoint) if "GET" in r.methods)
    person = person_for(endpoint)
    client = app.test_client() if person is None else sign_in(auth, city[person])
    url = rule.build(url_args(city, rule))[1]

    fragment = client.get(url, headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True).strip()
    assert fragment.status_code == 200, (url, fragment.status_code)
    assert "<html" not in body and "HX-Request" in fragment.headers["Vary"]
    root = ROOT_ELEMENT.match(body)
    assert root, f"{endpoint}: the fragment does not start with an element that has an id: {body[:120]!r}"

    page = client.get(url, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html and "HX-Request" in page.headers["Vary"]
    assert f'id="{root.group(2)}"' in html, f"{endpoint}: the page does not include #{root.group(2)}"

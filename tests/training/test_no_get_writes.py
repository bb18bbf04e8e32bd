"""No GET writes: every GET route of the app, opened by each kind of person on the city's objects, leaves
every table as it was (row counts after each request, and every row's content after each person's walk).

The routes come from app.url_map, so a new GET route is walked without being listed here. Training and
operations used to write on GET (a module marked read by opening it, default categories created by the
first activity-log view): issue 17 moved both behind explicit actions.
"""
import pytest
from sqlalchemy import select

from portal.extensions import db

# The city (one object of each kind a URL names) is built by tests/core/conftest.py; imported fixtures
# are found by name, which ruff cannot see.
from tests.core.conftest import city, module_app, row_counts, shared_app, sign_in, url_args  # noqa: F401

# Reads that are recorded on purpose: the security log keeps who downloaded someone's personal data.
AUDITED_READS = {"security_events", "audit_events"}
# GET writes still to be moved behind a POST, each with where it lives; the test fails when one is fixed
# (remove it here) as well as when a new one appears.
KNOWN_WRITERS: dict = {}  # a GET that writes goes here by name, with why; none does
PEOPLE = ["anonymous", "lan", "leader", "trainer", "admin"]


@pytest.fixture
def app(shared_app):  # noqa: F811 (the module shares one app; its tables are emptied after each test)
    """One app for the whole walk."""
    return shared_app


def get_rules(app):
    """Every GET route but static files, in a stable order."""
    return sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"),
                  key=lambda r: r.rule)


def contents() -> dict[str, list]:
    """Every row of every table but the audited reads, as sorted text (the city is small)."""
    return {t.name: sorted(map(repr, db.session.execute(select(t)).all()))
            for t in db.metadata.sorted_tables if t.name not in AUDITED_READS}


@pytest.mark.parametrize("who", PEOPLE)
def test_no_get_route_writes_anything(who, app, auth, city):  # noqa: F811 (city is the imported fixture)
    client = app.test_client() if who == "anonymous" else sign_in(auth, city[who])
    db.session.commit()
    before_walk = contents()
    walked, writers = 0, []
    for rule in get_rules(app):
        before = row_counts()
        response = client.get(rule.build(url_args(city, rule))[1])
        walked += response.status_code == 200
        db.session.rollback()  # see what other connections committed
        after = row_counts()
        changed = {t for t, n in before.items() if after[t] != n and t not in AUDITED_READS}
        if changed:
            writers.append(((who, rule.endpoint), changed))
    assert dict(writers) == {k: v for k, v in KNOWN_WRITERS.items() if k[0] == who}
    assert walked > 5  # the walk reached real pages, not only refusals
    after_walk = contents()
    known = set().union(*(v for k, v in KNOWN_WRITERS.items() if k[0] == who))
    assert {t for t in before_walk if before_walk[t] != after_walk[t]} == known

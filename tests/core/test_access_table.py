"""The app's declared access rules match the committed table, in both directions."""
from portal import access
from tests.core.access_table import ACCESS


def declared(app) -> dict[str, str]:
    """Each endpoint of the url map with its declared rule, spelled as in the table."""
    found = {}
    for rule in app.url_map.iter_rules():
        declared_rule = access.rule_for(app, rule.endpoint)
        if declared_rule is None:
            found[rule.endpoint] = "(no rule)"
        elif declared_rule.public:
            found[rule.endpoint] = "public"
        else:
            found[rule.endpoint] = ", ".join(sorted(declared_rule.roles)) or "signed in"
    return found


def test_every_endpoint_of_the_app_is_in_the_access_table(app):
    missing = sorted(set(declared(app)) - set(ACCESS))
    assert missing == [], f"add these endpoints to tests/core/access_table.py: {missing}"


def test_every_endpoint_of_the_access_table_still_exists(app):
    gone = sorted(set(ACCESS) - set(declared(app)))
    assert gone == [], f"remove these endpoints from tests/core/access_table.py: {gone}"


def test_each_endpoint_declares_the_rule_the_table_expects(app):
    changed = {endpoint: f"table {ACCESS[endpoint][0]!r}, app {rule!r}"
               for endpoint, rule in declared(app).items() if endpoint in ACCESS and ACCESS[endpoint][0] != rule}
    assert changed == {}


def test_a_route_made_more_open_fails_the_comparison(app):
    view = app.view_functions["accounts.people"]
    original = view.access_rule
    try:
        access.signed_in(view)
        assert declared(app)["accounts.people"] != ACCESS["accounts.people"][0]
    finally:
        view.access_rule = original


def test_the_table_is_sorted_and_spells_rules_one_way():
    assert list(ACCESS) == sorted(ACCESS)
    for endpoint, (who, obj) in ACCESS.items():
        assert who in ("public", "signed in") or set(who.split(", ")) <= set(access.ROLES), endpoint
        assert who.split(", ") == sorted(who.split(", ")), endpoint
        assert isinstance(obj, str), endpoint

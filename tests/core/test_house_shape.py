"""One house shape (issue 17): floors, sizes, names and the htmx path, read from the source itself."""
import ast
import re
from pathlib import Path

from tests.core import house_shape as shape

TEMPLATES = shape.ROOT / "templates"
STATIC_JS = shape.ROOT / "static" / "js"


def test_no_domain_imports_from_a_higher_floor():
    assert shape.upward_imports() == []


def test_an_upward_import_is_caught():
    planted = {shape.PACKAGE / "core" / "planted.py": "from portal.privacy import register\n",
               shape.PACKAGE / "shifts" / "planted.py": "def f():\n    from portal.reports import figures  # lazy\n",
               shape.PACKAGE / "reports" / "planted.py": "from portal.shifts import booking\nfrom . import figures\n"}
    found = {(Path(r.path).parts[-2], r.target) for r in shape.upward_imports(planted)}
    assert found == {("core", "portal.privacy"), ("shifts", "portal.reports")}


def test_every_top_level_name_has_a_floor():
    for path in shape.modules():
        shape.floor_of(path.relative_to(shape.PACKAGE).with_suffix("").parts[0])


def test_views_are_at_most_25_lines():
    assert {name: n for name, n in shape.views().items() if n > shape.VIEW_LINES} == {}


def test_modules_are_at_most_300_lines():
    assert {name: n for name, n in shape.module_sizes().items() if n > shape.MODULE_LINES} == {}


def test_route_modules_are_named_routes_or_routes_for_an_audience():
    names = [Path(m).name for m in shape.route_modules()]
    assert names and all(re.fullmatch(r"routes(_[a-z_]+)?\.py", n) for n in names), names


def test_each_portal_module_is_imported_under_one_name():
    several = {module: dict(names) for module, names in shape.aliases().items() if len(names) > 1}
    assert several == {}


def test_imports_inside_functions_say_why_they_are_lazy():
    silent = [f"{path}:{line}" for path, line, why in shape.local_imports() if not why]
    assert silent == []


def test_no_view_asks_whether_the_request_is_htmx_or_redirects_by_itself():
    """Views answer through htmx.answer (fragment, page or 303); only portal/htmx.py reads HX-* headers."""
    offenders = []
    for name in shape.route_modules():
        tree = ast.parse((shape.ROOT / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("is_htmx", "is_fragment_request", "client_redirect"):
                offenders.append(f"{name}:{node.lineno} {node.attr}")
            if isinstance(node, ast.ImportFrom) and node.module == "flask":
                offenders += [f"{name}:{node.lineno} flask.redirect" for a in node.names if a.name == "redirect"]
    assert offenders == []


def _triggered() -> dict[str, str]:
    """Events the server triggers: htmx.trigger(response, "event") or htmx.answer(..., event="event")."""
    found = {}
    for path in shape.modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            values = []
            if name == "trigger" and len(node.args) >= 2:
                values.append(node.args[1])
            values += [k.value for k in node.keywords if k.arg == "event"]
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found[value.value] = f"{path.relative_to(shape.ROOT)}:{node.lineno}"
    return found


def _listened() -> set[str]:
    """Events something listens to: hx-trigger="… <event> from:…" in templates, addEventListener in our JS."""
    heard = set()
    for template in TEMPLATES.rglob("*.html"):
        for trigger in re.findall(r'hx-trigger="([^"]*)"', template.read_text()):
            heard |= {part.strip().split()[0] for part in trigger.split(",") if part.strip()}
    for script in STATIC_JS.rglob("*.js"):
        heard |= set(re.findall(r'addEventListener\(\s*"([a-z-]+)"', script.read_text()))
    return heard


def test_every_triggered_event_has_a_listener():
    triggered = _triggered()
    assert triggered, "the search for triggered events found none"
    assert {e: where for e, where in triggered.items() if e not in _listened()} == {}


def test_events_are_kebab_case_past_tense():
    assert [e for e in _triggered() if not re.fullmatch(r"[a-z]+(-[a-z]+)*ed", e)] == []


# Migrations written before issue 17 keep their names; every later one is named by date.
LEGACY_MIGRATIONS = 16


def test_new_migrations_are_named_by_date():
    names = sorted(p.name for p in (shape.ROOT / "migrations" / "versions").glob("*.py"))
    undated = [n for n in names if not shape.MIGRATION_NAME.match(n)]
    assert len(undated) <= LEGACY_MIGRATIONS, undated
    ini = (shape.ROOT / "migrations" / "alembic.ini").read_text()
    assert re.search(r"^file_template = %%\(year\)d%%\(month\)\.2d%%\(day\)\.2d_%%\(hour\)\.2d%%\(minute\)\.2d_"
                     r"%%\(rev\)s_%%\(slug\)s$", ini, re.M)


def test_no_module_reaches_for_another_modules_private_names():
    assert shape.private_reaches() == []

"""Reads the package's source as a newcomer would: floors and imports, module sizes, views, aliases.

tests/core/test_house_shape.py asserts on it; `python -m tests.core.house_shape` prints the figures
quoted in issue 17's closing note (module sizes, long views, imports that reach upward).
"""
from __future__ import annotations

import ast
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "portal"

# The floor order, lowest first. A module may import from its own package or a lower floor, never upward.
# Floor 0 is the infrastructure every domain stands on (core and the top-level helper modules).
FLOORS = [
    {"core", "config", "extensions", "htmx", "access", "forms", "i18n", "pagination", "spreadsheets",
     "wtforms_messages", "throwaway", "translations", "jobs"},
    {"mail", "audit"},
    {"accounts"},
    {"notifications"},
    {"campaigns"},
    {"training"},
    {"shifts"},
    {"cover"},
    {"operations"},
    {"teamboard"},
    {"reminders"},
    {"rosters"},
    {"guides"},
    {"certificates"},
    {"referrals"},
    {"reports"},
    {"privacy"},
    {"home"},
]
# The app factory, the CLI and the demo seeds assemble everything: they stand above every floor.
ASSEMBLY = {"__init__", "backup", "cli", "restore", "seed", "seed_guides", "seed_history", "seed_scale", "seed_texts",
            "seed_training"}
VIEW_LINES = 25
MODULE_LINES = 300


def floor_of(part: str) -> int:
    """The floor of a top-level name under portal/ (a domain package or a helper module)."""
    if part in ASSEMBLY:
        return len(FLOORS)
    for number, names in enumerate(FLOORS):
        if part in names:
            return number
    raise KeyError(f"portal/{part} is on no floor: add it to tests/core/house_shape.py FLOORS")


def modules() -> list[Path]:
    """Every Python module of the package."""
    return sorted(PACKAGE.rglob("*.py"))


def _top(path: Path) -> str:
    """The top-level name a module belongs to: its domain package, or its own name."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imported(path: Path, node: ast.AST) -> list[str]:
    """The dotted names of portal modules (or their members) an import statement brings in."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.startswith("portal")]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = ("portal",) + path.relative_to(PACKAGE).with_suffix("").parts[:-node.level + 1 or None]
            module = ".".join(base + ((node.module,) if node.module else ()))
        else:
            module = node.module or ""
        if module == "portal":
            return [f"portal.{a.name}" for a in node.names]
        return [module] if module.startswith("portal.") else []
    return []


@dataclass(frozen=True)
class Reach:
    """An import from one floor to a higher one."""

    path: str
    line: int
    target: str


def upward_imports(sources: dict[Path, str] | None = None) -> list[Reach]:
    """Imports from a domain to a domain on a higher floor (the target is none); `sources` maps
    module paths to their text (the package's own files when not given)."""
    found = []
    for path, text in (sources or {p: p.read_text() for p in modules()}).items():
        source = _top(path)
        if source in ASSEMBLY:
            continue
        for node in ast.walk(ast.parse(text)):
            for name in _imported(path, node):
                target = name.split(".")[1]
                if target != source and floor_of(target) > floor_of(source):
                    found.append(Reach(str(path.relative_to(ROOT)), node.lineno, name))
    return found


def module_sizes() -> dict[str, int]:
    """Lines per module."""
    return {str(p.relative_to(ROOT)): len(p.read_text().splitlines()) for p in modules()}


def _is_route(decorator: ast.expr) -> bool:
    call = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(call, ast.Attribute) and call.attr == "route"


def views() -> dict[str, int]:
    """Each view (a function under a @*.route decorator) with its length in lines, decorators excluded."""
    found = {}
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and any(_is_route(d) for d in node.decorator_list):
                found[f"{path.relative_to(ROOT)}:{node.name}"] = node.end_lineno - node.lineno + 1
    return found


def route_modules() -> list[str]:
    """Modules that declare routes."""
    return sorted({name.split(":")[0] for name in views()})


def aliases() -> dict[str, dict[str, list[str]]]:
    """Each imported portal module (a module, not a member) with the names it is bound to, and where."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").startswith("portal"):
                for alias in node.names:
                    dotted = f"{node.module}.{alias.name}"
                    target = ROOT / dotted.replace(".", "/")
                    if target.with_suffix(".py").exists() or (target / "__init__.py").exists():
                        found[dotted][alias.asname or alias.name].append(f"{path.relative_to(ROOT)}:{node.lineno}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("portal."):
                        found[alias.name][alias.asname or alias.name].append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def local_imports() -> list[tuple[str, int, str]]:
    """Imports inside functions, with the comment that says why (empty when there is none): on the
    statement's lines, or on the line above the run of imports it starts."""
    found = []
    for path in modules():
        lines = path.read_text().splitlines()
        for function in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            why, previous_end = "", -1
            for node in sorted((n for n in ast.walk(function) if isinstance(n, (ast.Import, ast.ImportFrom))),
                               key=lambda n: n.lineno):
                if node.lineno != previous_end + 1:  # a new run of imports: its comment is the line above
                    above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
                    why = above.lstrip("# ") if above.startswith("#") else ""
                statement = lines[node.lineno - 1:node.end_lineno]
                own = next((s.split("#", 1)[1].strip() for s in statement if "#" in s), "")
                found.append((str(path.relative_to(ROOT)), node.lineno, own or why))
                previous_end = node.end_lineno
    return sorted(set(found))


MIGRATION_NAME = re.compile(r"^\d{8}_\d{4}_[0-9a-f]{12}_[a-z0-9_]+\.py$")


def report() -> str:
    """The figures for the closing note, one line."""
    sizes = sorted(module_sizes().values())
    long_views = {name: n for name, n in views().items() if n > VIEW_LINES}
    over = sum(1 for n in sizes if n > MODULE_LINES)
    return (f"modules {len(sizes)}, median {statistics.median(sizes):g} lines, max {max(sizes)}, "
            f"{over} over {MODULE_LINES}; views {len(views())}, {len(long_views)} over {VIEW_LINES} lines; "
            f"imports reaching a higher floor {len(upward_imports())}")


if __name__ == "__main__":
    for reach in upward_imports():
        print(f"upward: {reach.path}:{reach.line} -> {reach.target}")
    for name, n in sorted(views().items()):
        if n > VIEW_LINES:
            print(f"long view: {name} {n} lines")
    for name, n in sorted(module_sizes().items(), key=lambda kv: -kv[1]):
        if n > MODULE_LINES:
            print(f"long module: {name} {n} lines")
    print(report())


def private_reaches() -> list[str]:
    """Uses of another module's private names (`module._name`, `from portal.x import _name`)."""
    found = []
    for path in modules():
        tree = ast.parse(path.read_text())
        bound = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("portal"):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.module}.{alias.name}")
                    bound.add(alias.asname or alias.name)
            elif isinstance(node, ast.Import):
                bound |= {a.asname or a.name.split(".")[0] for a in node.names if a.name.startswith("portal")}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in bound
                    and node.attr.startswith("_") and not node.attr.startswith("__")):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.{node.attr}")
    return found

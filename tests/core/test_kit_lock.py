"""The dependency locks: every pin is locked at its version with hashes, and the running venv is the lock."""
from __future__ import annotations

import datetime
import importlib.util
import os
import re
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = {"requirements.txt": "requirements.lock", "requirements-dev.txt": "requirements-dev.lock"}
# What `python -m venv` puts in every venv before the lock is installed (pip and setuptools are locked too).
VENV_BOOTSTRAP = {"pip", "setuptools", "wheel"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)")


def canonical(name: str) -> str:
    """The PEP 503 form of a package name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path: Path) -> dict[str, str]:
    """The `name==version` lines of a requirements file (not its comments, options or -r includes)."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split(" #")[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        match = PIN.match(line)
        assert match, f"{path.name}: {line!r} is not pinned with =="
        pins[canonical(match[1])] = match[3]
    return pins


def read_lock(path: Path) -> dict[str, tuple[str, list[str]]]:
    """A lock file as {name: (version, hashes)}."""
    entries: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("#") or not line.strip():
            continue
        if not line[0].isspace():
            match = PIN.match(line)
            assert match, f"{path.name}: {line!r} is not an exact pin"
            current = canonical(match[1])
            assert current not in entries, f"{path.name}: {current} is locked twice"
            entries[current] = (match[3], [])
        else:
            assert current, f"{path.name}: {line!r} belongs to no package"
            entries[current][1].extend(re.findall(r"--hash=(sha256:[0-9a-f]{64})", line))
    return entries


@pytest.mark.parametrize("requirements", sorted(REQUIREMENTS))
def test_every_pinned_requirement_is_locked_at_the_same_version(requirements):
    """A version changed in requirements*.txt without `make lock` fails here."""
    lock = read_lock(ROOT / REQUIREMENTS[requirements])
    pins = read_pins(ROOT / requirements)
    assert pins, requirements
    wrong = {name: (version, lock.get(name, ("missing",))[0]) for name, version in pins.items()
             if lock.get(name, (None,))[0] != version}
    assert not wrong, f"{requirements} vs {REQUIREMENTS[requirements]} (pinned, locked): {wrong}; run `make lock`"


@pytest.mark.parametrize("lock_name", sorted(REQUIREMENTS.values()))
def test_every_lock_entry_has_a_hash(lock_name):
    """pip install --require-hashes needs a hash on every line; an empty lock is an error too."""
    lock = read_lock(ROOT / lock_name)
    assert len(lock) > 50
    assert not [name for name, (_, hashes) in lock.items() if not hashes]


def test_dev_lock_is_the_runtime_lock_plus_tools():
    """The dev lock is constrained by the runtime lock: same versions, same files."""
    runtime, dev = read_lock(ROOT / "requirements.lock"), read_lock(ROOT / "requirements-dev.lock")
    assert not {name: entry[0] for name, entry in runtime.items() if name not in dev}
    assert not {name: (entry[0], dev[name][0]) for name, entry in runtime.items() if dev[name] != entry}


def test_gevent_is_not_a_dependency():
    """gevent may be installed by hand for a benchmark, but the portal does not depend on it."""
    assert "gevent" not in read_lock(ROOT / "requirements-dev.lock")


def test_installed_packages_are_the_locked_versions():
    """The venv running the tests has every locked package at its locked version."""
    lock = read_lock(ROOT / "requirements-dev.lock")
    installed = {canonical(dist.metadata["Name"]): dist.version for dist in metadata.distributions()}
    wrong = {name: (version, installed.get(name, "missing")) for name, (version, _) in lock.items()
             if installed.get(name) != version}
    assert not wrong, f"(locked, installed): {wrong}; run `make setup`"


def test_nothing_is_installed_outside_the_lock():
    """An unlocked package in the venv fails in CI (a fresh venv); locally it is named in the skip reason."""
    lock = read_lock(ROOT / "requirements-dev.lock")
    extra = sorted(f"{canonical(d.metadata['Name'])}=={d.version}" for d in metadata.distributions()
                   if canonical(d.metadata["Name"]) not in lock | dict.fromkeys(VENV_BOOTSTRAP))
    if extra and os.environ.get("CI") != "true":
        pytest.skip(f"installed by hand, not in the lock (allowed outside CI): {', '.join(extra)}")
    assert not extra


def load_audit():
    """scripts/audit.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("kit_audit", ROOT / "scripts" / "audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_audit_ignore_list_is_reviewed():
    """Every ignored advisory names its package, a reason and a review date that has not passed."""
    entries, problems = load_audit().read_ignores()
    assert not problems
    assert all(reason.strip() for _, _, reason in entries.values())


def test_audit_ignore_entry_past_review_or_without_reason_is_a_problem(tmp_path):
    """An entry past its review date, or missing its reason, makes the audit fail."""
    ignore = tmp_path / "audit-ignore"
    ignore.write_text("# comment\nGHSA-aaaa-bbbb-cccc pypi flask 2026-01-31 not reachable: we never call it\n"
                      "PYSEC-2026-1 pypi jinja2 2027-01-01\n", encoding="utf-8")
    entries, problems = load_audit().read_ignores(ignore, today=datetime.date(2026, 2, 1))
    assert "GHSA-aaaa-bbbb-cccc" in entries
    assert len(problems) == 2
    assert "due for review" in problems[0] and "want" in problems[1]

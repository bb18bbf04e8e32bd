"""The dependency audit's verdicts (scripts/audit.py), fed the JSON pip-audit and npm audit write: a known
vulnerability fails, a reviewed ignore lets one pass, and an audit that could not run is never called clean.
(The advisory services themselves are not reachable from the build machines; .ci/run says so when they are not.)"""
import datetime
import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def audit():
    spec = importlib.util.spec_from_file_location("audit_script", ROOT / "scripts" / "audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_run(report=None, stdout="", stderr=""):
    """A subprocess.run that writes `report` where pip-audit's `-o` points, and answers with stdout/stderr."""
    def run(cmd, **kwargs):
        if report is not None and "-o" in cmd:
            Path(cmd[cmd.index("-o") + 1]).write_text(json.dumps(report))
        return subprocess.CompletedProcess(cmd, 0 if report is not None else 1, stdout, stderr)
    return run


PIP_VULNERABLE = {"dependencies": [
    {"name": "flask", "version": "3.1.3", "vulns": []},
    {"name": "jinja2", "version": "3.1.6", "vulns": [{"id": "GHSA-xxxx-yyyy-zzzz", "fix_versions": ["3.1.7"]}]}]}
NPM_VULNERABLE = {"vulnerabilities": {"htmx.org": {"via": [
    {"url": "https://github.com/advisories/GHSA-aaaa-bbbb-cccc", "title": "XSS", "severity": "high"}]}}}


def test_a_known_python_vulnerability_fails_the_audit(audit, monkeypatch):
    monkeypatch.setattr(audit.subprocess, "run", fake_run(PIP_VULNERABLE))
    status, lines = audit.audit_python({})
    assert status == audit.VULNERABLE
    assert lines == ["jinja2==3.1.6: GHSA-xxxx-yyyy-zzzz (fixed in 3.1.7)"]


def test_a_clean_python_report_passes_and_ignored_advisories_reach_pip_audit(audit, monkeypatch):
    seen = []

    def run(cmd, **kwargs):
        seen.append(cmd)
        return fake_run({"dependencies": [{"name": "flask", "version": "3.1.3", "vulns": []}]})(cmd, **kwargs)

    monkeypatch.setattr(audit.subprocess, "run", run)
    status, _ = audit.audit_python({"GHSA-1": ("pypi", "jinja2", "not reachable from our templates")})
    assert status == audit.CLEAN
    assert seen[0][seen[0].index("--ignore-vuln") + 1] == "GHSA-1" and "--strict" in seen[0]


def test_a_python_audit_that_could_not_look_packages_up_is_not_clean(audit, monkeypatch):
    monkeypatch.setattr(audit.subprocess, "run", fake_run(None, stderr="ERROR: 404 Not Found for flask"))
    status, lines = audit.audit_python({})
    assert status == audit.UNAVAILABLE and "404 Not Found" in lines[0]


def test_npm_findings_fail_unless_reviewed_and_an_unreachable_registry_is_not_clean(audit, monkeypatch):
    monkeypatch.setattr(audit.subprocess, "run", fake_run(stdout=json.dumps(NPM_VULNERABLE)))
    status, lines = audit.audit_npm({})
    assert status == audit.VULNERABLE and "GHSA-aaaa-bbbb-cccc" in lines[0]
    assert audit.audit_npm({"GHSA-aaaa-bbbb-cccc": ("npm", "htmx.org", "reviewed")})[0] == audit.CLEAN
    monkeypatch.setattr(audit.subprocess, "run", fake_run(stdout=json.dumps({"message": "405 Method Not Allowed"})))
    assert audit.audit_npm({}) == (audit.UNAVAILABLE, ["npm audit could not audit package-lock.json: "
                                                        "405 Method Not Allowed"])


def test_the_verdict_is_the_worst_of_both_and_overdue_ignores_fail(audit, monkeypatch, tmp_path, capsys):
    read_ignores = audit.read_ignores
    monkeypatch.setattr(audit, "audit_python", lambda ignores: (audit.CLEAN, ["py ok"]))
    monkeypatch.setattr(audit, "audit_npm", lambda ignores: (audit.UNAVAILABLE, ["npm not run"]))
    monkeypatch.setattr(audit, "read_ignores", lambda: ({}, []))
    assert audit.main() == audit.UNAVAILABLE
    assert "AUDIT NOT RUN" in capsys.readouterr().err
    monkeypatch.setattr(audit, "read_ignores", lambda: ({}, ["audit-ignore:1: GHSA-1 was due for review"]))
    assert audit.main() == audit.VULNERABLE
    assert "AUDIT FAILED" in capsys.readouterr().err
    ignore = tmp_path / "audit-ignore"
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    ignore.write_text(f"# reviewed exceptions\nGHSA-1 pypi jinja2 {yesterday} no longer reviewed\nbad line\n")
    entries, problems = read_ignores(ignore)
    assert list(entries) == ["GHSA-1"]
    assert problems == [f"audit-ignore:2: GHSA-1 was due for review on {yesterday}",
                        "audit-ignore:3: want `ID pypi|npm package YYYY-MM-DD reason`"]

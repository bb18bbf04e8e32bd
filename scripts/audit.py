"""Audit the locked dependencies for known vulnerabilities: pip-audit on the Python lock, npm audit on the npm lock.

Exit codes: 0 audited and clean, 1 a known vulnerability (or an ignore entry past its review date),
3 an advisory service could not be reached, so the packages were NOT audited. A skipped package is never
reported as clean. Ignored advisories are listed in .ci/audit-ignore, each with a reason and a review date.
"""

import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORE_FILE = ROOT / ".ci" / "audit-ignore"
PY_LOCK = ROOT / "requirements-dev.lock"  # a superset of requirements.lock at the same versions
CLEAN, VULNERABLE, UNAVAILABLE = 0, 1, 3


def read_ignores(path=IGNORE_FILE, today=None):
    """Parse the ignore list: `ID ecosystem package review-by reason...`; return (entries, problems)."""
    today = today or datetime.date.today()
    entries, problems = {}, []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 4)
        if len(parts) < 5 or parts[1] not in ("pypi", "npm"):
            problems.append(f"{path.name}:{number}: want `ID pypi|npm package YYYY-MM-DD reason`")
            continue
        vuln_id, ecosystem, package, review_by, reason = parts
        try:
            due = datetime.date.fromisoformat(review_by)
        except ValueError:
            problems.append(f"{path.name}:{number}: review date {review_by!r} is not YYYY-MM-DD")
            continue
        if due < today:
            problems.append(f"{path.name}:{number}: {vuln_id} was due for review on {review_by}")
        entries[vuln_id] = (ecosystem, package, reason)
    return entries, problems


def audit_python(ignores):
    """Run pip-audit on the lock; return (status, lines to print)."""
    pip_audit = Path(sys.executable).parent / "pip-audit"
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        cmd = [str(pip_audit), "--strict", "--disable-pip", "--progress-spinner", "off",
               "-r", str(PY_LOCK), "-f", "json", "-o", str(report)]
        cmd += [arg for vid, (eco, _, _) in ignores.items() if eco == "pypi" for arg in ("--ignore-vuln", vid)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if not report.exists():
            # --strict: a package it could not look up stops the run before any report is written.
            reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return UNAVAILABLE, [f"pip-audit could not audit {PY_LOCK.name}: {reason}",
                                 "  (pip-audit asks PyPI's JSON API, https://pypi.org/pypi/NAME/VERSION/json, "
                                 "for advisories: a 404 there means the index here serves no such data)"]
        found = [(dep["name"], dep["version"], vuln["id"], vuln.get("fix_versions"))
                 for dep in json.loads(report.read_text())["dependencies"] for vuln in dep.get("vulns", [])]
    if found:
        return VULNERABLE, [f"{n}=={v}: {vid} (fixed in {', '.join(fix) or 'no release'})" for n, v, vid, fix in found]
    return CLEAN, [f"pip-audit: no known vulnerabilities in {PY_LOCK.name}"]


def audit_npm(ignores):
    """Run npm audit on package-lock.json; return (status, lines to print)."""
    done = subprocess.run(["npm", "audit", "--package-lock-only", "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    try:
        report = json.loads(done.stdout or "{}")
    except json.JSONDecodeError:
        report = {}
    if "vulnerabilities" not in report:
        reason = report.get("message") or (done.stderr.strip().splitlines() or ["no output"])[-1]
        return UNAVAILABLE, [f"npm audit could not audit package-lock.json: {reason}"]
    found = []
    for name, item in report["vulnerabilities"].items():
        for via in item.get("via", []):
            if isinstance(via, dict):
                vid = re.sub(r"^.*/advisories/", "", via.get("url", "")) or str(via.get("source"))
                if vid not in ignores:
                    found.append(f"{name}: {vid} {via.get('title', '')} ({via.get('severity')})")
    if found:
        return VULNERABLE, found
    return CLEAN, ["npm audit: no known vulnerabilities in package-lock.json"]


def main():
    """Run both audits and print one verdict."""
    ignores, problems = read_ignores()
    results, lines = [VULNERABLE] if problems else [], list(problems)
    for audit in (audit_python, audit_npm):
        result, said = audit(ignores)
        results.append(result)
        lines += said
    status = VULNERABLE if VULNERABLE in results else UNAVAILABLE if UNAVAILABLE in results else CLEAN
    print("\n".join(lines))
    if status == VULNERABLE:
        print("AUDIT FAILED: known vulnerabilities (upgrade in requirements*.txt and `make lock`, "
              "or add a reviewed entry to .ci/audit-ignore)", file=sys.stderr)
    elif status == UNAVAILABLE:
        print("AUDIT NOT RUN: an advisory service could not be reached from this machine; "
              "the dependencies above were NOT checked for known vulnerabilities", file=sys.stderr)
    return status


if __name__ == "__main__":
    os.environ.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    sys.exit(main())

"""The service kit, read statically (no Docker here): gunicorn.conf.py, the Dockerfile, compose.yaml, the
systemd units, the environment example and nginx; then static files' content-hashed addresses."""
from __future__ import annotations

import hashlib
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import url_for

from portal import config
from portal.core import assets

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker")
SCRIPT_SETTINGS = {"SEED_DEMO", "DONGHANH_STATE"}  # read by deploy/docker/*.sh, not by the app


def env_names(path: Path) -> set[str]:
    """The environment variables a Python file reads."""
    return set(re.findall(r'(?:env\.get|environ\.get|_int)\(\s*"([A-Z][A-Z0-9_]*)"', path.read_text()))


CONFIG_SETTINGS = env_names(ROOT / "portal/config.py")
GUNICORN_SETTINGS = env_names(ROOT / "gunicorn.conf.py")
KNOWN = CONFIG_SETTINGS | GUNICORN_SETTINGS


def known(name: str) -> bool:
    """A setting the portal, its gunicorn settings or its deploy scripts read."""
    return name in KNOWN or name in SCRIPT_SETTINGS or name.startswith("NOTIFY_CHANNEL_")


def signing_key(folder: Path) -> str:
    """An Ed25519 key that only its owner can read."""
    path = folder / "signing.pem"
    path.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    path.chmod(0o600)
    return str(path)


# --- gunicorn.conf.py ---------------------------------------------------------------------------

def gunicorn_config(monkeypatch, argv, **env):
    """gunicorn's configuration as `gunicorn <argv>` run from the project root would build it."""
    from gunicorn.app.wsgiapp import WSGIApplication

    for name in GUNICORN_SETTINGS | {"WEB_CONCURRENCY", "PROXY_COUNT", "GUNICORN_CMD_ARGS"}:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "argv", ["gunicorn", *argv, "wsgi:app"])
    return WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").cfg


def test_gunicorn_defaults_are_sync_workers_per_core_with_restarts_and_timeouts(monkeypatch):
    cfg = gunicorn_config(monkeypatch, ["-c", "gunicorn.conf.py"])
    assert cfg.worker_class_str == "sync" and cfg.threads == 1
    assert cfg.workers == max(2, len(os.sched_getaffinity(0)))
    assert cfg.max_requests == 5000 and cfg.max_requests_jitter == 500
    assert cfg.timeout == 60 and cfg.graceful_timeout == 30 and cfg.keepalive == 5
    assert cfg.forwarded_allow_ips == []  # PROXY_COUNT=0 trusts no proxy, like the app's ProxyFix
    assert "%({x-request-id}o)s" in cfg.access_log_format and "%(M)sms" in cfg.access_log_format


def test_the_environment_and_then_the_command_line_override_gunicorn_conf(monkeypatch):
    cfg = gunicorn_config(monkeypatch, [], WEB_CONCURRENCY="5", GUNICORN_THREADS="4", PROXY_COUNT="1")
    assert (cfg.workers, cfg.threads, cfg.worker_class_str) == (5, 4, "gthread")
    assert cfg.forwarded_allow_ips == ["*"]
    # bench/booking_rush.py and e2e/conftest.py start gunicorn with their own flags: those win.
    cfg = gunicorn_config(monkeypatch, ["-w", "2", "-k", "gthread", "--threads", "16", "--log-level", "warning"],
                          WEB_CONCURRENCY="5")
    assert (cfg.workers, cfg.threads, cfg.worker_class_str, cfg.loglevel) == (2, 16, "gthread", "warning")
    assert cfg.max_requests == 5000  # the file was read all the same


def free_port() -> int:
    """A free port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_with_the_conf_and_logs_duration_without_secrets(tmp_path):
    port = free_port()
    env = {**os.environ, "PORTAL_ENV": "test", "SECRET_KEY": "k" * 40, "WEB_CONCURRENCY": "1",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "GUNICORN_BIND": f"127.0.0.1:{port}"}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    token = "eyJiIjoxLCJ1IjoyfQ.aBcD12.Xyz-signature_0123456789abcdef"
    try:
        for _ in range(200):
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=2).read()
                break
            except OSError:
                assert server.poll() is None, "gunicorn exited at start-up"
                time.sleep(0.05)
        assert body == b"ok"
        with pytest.raises(OSError):  # whatever the answer, the token must not reach the log
            urllib.request.urlopen(f"http://127.0.0.1:{port}/password/reset/{token}?next=/secret", timeout=10)
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[0]
    assert re.search(r'"GET /livez" 200 2 \d+ms rid=\S+', log), log
    assert "/password/reset/…" in log and token not in log and "/secret" not in log


# --- Dockerfile and compose.yaml ----------------------------------------------------------------

def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions, continuation lines joined: (KEYWORD, arguments)."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def test_the_image_installs_with_the_ci_script_and_runs_gunicorn_as_an_unprivileged_user():
    steps = instructions()
    froms = [args for keyword, args in steps if keyword == "FROM"]
    assert froms and all(f.startswith("python:3.11-slim") for f in froms)
    assert any(k == "RUN" and "scripts/install.sh --runtime" in a for k, a in steps)
    users = [a for k, a in steps if k == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    health = " ".join(a for k, a in steps if k == "HEALTHCHECK")
    assert "/healthz" in health
    command = [a for k, a in steps if k == "CMD"][-1]
    assert yaml.safe_load(command) == ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
    entrypoint = yaml.safe_load([a for k, a in steps if k == "ENTRYPOINT"][-1])[0]
    assert os.access(ROOT / entrypoint.removeprefix("/app/"), os.X_OK)


def test_dockerignore_keeps_what_the_image_needs_and_drops_secrets_and_local_state():
    import fnmatch

    patterns = [p.strip() for p in (ROOT / ".dockerignore").read_text().splitlines()
                if p.strip() and not p.startswith("#")]

    def ignored(path: str) -> bool:
        return any(fnmatch.fnmatch(path, p) or path.startswith(p.rstrip("/") + "/") for p in patterns)

    for needed in ("scripts/install.sh", "requirements.lock", "package-lock.json", "deploy/docker/entrypoint.sh",
                   "deploy/docker/first-run.sh", "gunicorn.conf.py", "wsgi.py", "migrations/env.py",
                   "portal/__init__.py", "templates/base.html", "static/css/app.css"):
        assert not ignored(needed), needed
    for dropped in (".venv", "instance", "node_modules", "static/vendor", ".env", "cert-signing.pem", ".git"):
        assert ignored(dropped), dropped


def compose() -> dict:
    """compose.yaml with ${VAR:-default} replaced by its default, as a newcomer's `docker compose up` sees it."""
    text = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", (ROOT / "compose.yaml").read_text())
    assert "${" not in text, "a variable without a default would stop a newcomer's docker compose up"
    services = yaml.safe_load(text)["services"]
    for service in services.values():  # compose passes every value to the container as text
        service["environment"] = {k: str(v) for k, v in service.get("environment", {}).items()}
    return services


def test_compose_runs_two_web_servers_a_worker_postgresql_and_redis_after_migrating():
    services = compose()
    assert services["web"]["deploy"]["replicas"] == 2
    assert services["worker"]["command"][-1] == "worker"
    assert services["db"]["image"].startswith("postgres:15") and services["redis"]["image"].startswith("redis:7")
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["environment"]["SEED_DEMO"] == "1"  # a newcomer gets the demo data
    first_run = services["migrate"]["command"][0].removeprefix("/app/")
    assert os.access(ROOT / first_run, os.X_OK) and "seed-demo" in (ROOT / first_run).read_text()
    for volume in services["nginx"]["volumes"]:
        if volume.startswith("./"):
            assert (ROOT / volume.split(":")[0]).is_file(), volume


def test_every_setting_compose_gives_the_app_is_known_and_passes_production_checks(tmp_path):
    services = compose()
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert not [k for k in env if not known(k)], f"{name} sets settings the portal does not read"
    # What the first run generates, then the web servers' environment as the app reads it at start.
    env = {**services["web"]["environment"], "SECRET_KEY": "g" * 64, "CERT_SIGNING_KEY_FILE": signing_key(tmp_path)}
    assert config.production_problems(config.load(tmp_path, env), env, tmp_path) == []


# --- systemd, the environment example, nginx ----------------------------------------------------

def unit(name: str) -> dict[str, str]:
    """A systemd unit's settings (the last value of each key)."""
    lines = (ROOT / "deploy/systemd" / name).read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


@pytest.mark.parametrize("name", ["donghanh-web.service", "donghanh-worker.service"])
def test_systemd_units_start_real_commands_of_this_checkout(app, name):
    settings = unit(name)
    home = settings["WorkingDirectory"] + "/"
    command = shlex.split(settings["ExecStart"])
    program = Path(command[0].replace(home, str(ROOT) + "/"))
    assert program.parent == ROOT / ".venv/bin" and (Path(sys.executable).parent / program.name).exists()
    if program.name == "gunicorn":
        assert (ROOT / command[command.index("-c") + 1].replace(home, "")).is_file()
        assert command[-1] == "wsgi:app" and "app = create_app()" in (ROOT / "wsgi.py").read_text()
    else:
        assert command[1:3] == ["--app", "wsgi"]
        worker = app.cli.commands[command[3]]
        assert {o for p in worker.params for o in p.opts} >= set(command[4::2])
    assert settings["EnvironmentFile"].endswith("donghanh.env") and settings["User"] != "root"
    assert settings["ReadWritePaths"].startswith(home)


def example_settings() -> dict[str, str]:
    """deploy/donghanh.env.example: every NAME=value line, commented or not."""
    found = {}
    for line in (ROOT / "deploy/donghanh.env.example").read_text().splitlines():
        match = re.match(r"^#? ?([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def test_the_environment_example_lists_every_setting_and_no_unknown_one():
    listed = example_settings()
    assert sorted(KNOWN - set(listed)) == [], "settings missing from deploy/donghanh.env.example"
    assert sorted(k for k in listed if not known(k)) == [], "settings in the example that nothing reads"


def test_the_environment_example_filled_in_starts_in_production(tmp_path):
    text = (ROOT / "deploy/donghanh.env.example").read_text()
    env = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", text, flags=re.MULTILINE))
    env.update(SECRET_KEY="f" * 64, CERT_SIGNING_KEY_FILE=signing_key(tmp_path), VAPID_PUBLIC_KEY="p",
               VAPID_PRIVATE_KEY="q")
    assert config.production_problems(config.load(tmp_path, env), env, tmp_path) == []


@pytest.mark.parametrize("name", ["donghanh.conf", "compose.conf"])
def test_nginx_keeps_versioned_static_files_a_year_and_passes_the_request_id(name):
    text = (ROOT / "deploy/nginx" / name).read_text()
    assert '"~^[0-9a-f]{12}$" "public, max-age=31536000, immutable"' in text
    assert "alias /srv/donghanh/static/;" in text and "X-Request-ID $request_id" in text
    assert "X-Forwarded-Proto $scheme" in text


# --- Content-hashed static addresses ------------------------------------------------------------

def test_static_addresses_carry_the_files_content_hash(app):
    with app.test_request_context():
        address = url_for("static", filename="css/app.css")
        outside = url_for("static", filename="../wsgi.py")
    digest = hashlib.sha256((ROOT / "static/css/app.css").read_bytes()).hexdigest()[:12]
    assert address == f"/static/css/app.css?v={digest}"
    assert "v=" not in outside  # nothing outside static/ is read


def test_a_new_file_content_is_a_new_address(make_app, tmp_path):
    (tmp_path / "site.css").write_text("body { color: black }")

    def address(app):
        app.static_folder = str(tmp_path)
        with app.test_request_context():
            return url_for("static", filename="site.css")

    production, development = make_app(), make_app(PORTAL_ENV="development")
    before = address(production)
    assert address(development) == before
    (tmp_path / "site.css").write_text("body { color: navy }")
    assert address(production) == before  # hashed once per process: a deploy restarts it
    assert address(development) != before  # a developer's edit shows at once
    assert address(make_app()) == address(development)


def test_versioned_static_answers_are_immutable_and_others_revalidated(app, client):
    page = client.get("/login").get_data(as_text=True)
    versioned = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{12})"', page).group(1)
    answer = client.get(versioned)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == assets.IMMUTABLE
    assert answer.headers["X-Content-Type-Options"] == "nosniff"  # the security headers still apply
    for other in ("/static/css/app.css", "/static/css/app.css?v=000000000000"):
        assert "immutable" not in client.get(other).headers.get("Cache-Control", "")

"""Production refuses what one app process or one machine keeps for itself, since several app servers
(or several workers of one) must share one truth: each refusal, with the message that names it."""
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from portal import config

STRONG_SECRET = "k3Q9-vYx2_Lm8pT4rZs6Wn1bHc5Jd7Fg0aE-several-servers"


def _write_key(path):
    """An Ed25519 private key (PEM) that only its owner can read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    path.chmod(0o600)
    return path


@pytest.fixture
def instance(tmp_path):
    """The instance folder the app is given (where development keeps its keys)."""
    return tmp_path / "instance"


@pytest.fixture
def shared(tmp_path):
    """A production environment whose every setting is shared by all app servers: it starts."""
    return {"PORTAL_ENV": "production", "SECRET_KEY": STRONG_SECRET, "BASE_URL": "https://donghanh.example.org",
            "RATELIMIT_STORAGE_URI": "redis://10.0.0.5:6379/0", "JOBS_URL": "redis://10.0.0.5:6379/1",
            "NOTIFY_CHANNELS": "email", "CERT_SIGNING_KEY_FILE": str(_write_key(tmp_path / "etc" / "signing.pem"))}


def refusal(instance, env) -> list[str]:
    """The problems production names for `env`, one line each."""
    with pytest.raises(config.ConfigError) as raised:
        config.load(instance, env)
    return str(raised.value).split("\n- ")[1:]


def test_settings_shared_by_every_server_start(instance, shared):
    assert config.load(instance, shared)["JOBS_URL"] == "redis://10.0.0.5:6379/1"


def test_rate_limits_in_process_memory_are_refused_with_more_than_one_worker(instance, shared):
    """Each worker (and each server) would count for itself: ten workers, ten times the attempts."""
    for workers in ({}, {"WEB_CONCURRENCY": "4"}):
        problems = refusal(instance, {**shared, "RATELIMIT_STORAGE_URI": "memory://", **workers})
        assert problems == ["RATELIMIT_STORAGE_URI is memory://, which each worker keeps for itself, so limits would "
                            "count per worker: set it to redis://host:6379/0 (or WEB_CONCURRENCY=1 for one worker)."]
    config.load(instance, {**shared, "RATELIMIT_STORAGE_URI": "memory://", "WEB_CONCURRENCY": "1"})


def test_a_job_queue_in_a_file_is_refused(instance, shared, tmp_path):
    """Workers on another machine never see a job queued in this machine's SQLite file."""
    problems = refusal(instance, {**shared, "JOBS_URL": f"sqlite:///{tmp_path}/jobs.sqlite3"})
    assert problems == ["JOBS_URL is a file on this machine, which workers elsewhere cannot see: set it to "
                        "redis://host:6379/1, the queue every web server and worker shares."]


def test_jobs_run_in_the_web_process_are_refused(instance, shared):
    """Immediate jobs live in one process's memory: no worker sees them, and no periodic job ever runs."""
    problems = refusal(instance, {**shared, "JOBS_IMMEDIATE": "1"})
    assert problems == ["JOBS_IMMEDIATE is on: jobs would run inside the web process that queued them and periodic "
                        "ones (reminders, reports, the mail sweep) never: turn it off and run "
                        "`flask --app wsgi worker`."]


def test_the_development_secret_key_from_the_instance_folder_is_refused(instance, shared):
    """Copied from instance/secret_key into the environment, it is still one machine's key."""
    development = config.load(instance, {"PORTAL_ENV": "development"})["SECRET_KEY"]
    assert len(development) >= config.SECRET_KEY_MIN_BYTES  # long enough: only its origin gives it away
    problems = refusal(instance, {**shared, "SECRET_KEY": development})
    assert problems == [f"SECRET_KEY is the development key kept in {instance / 'secret_key'}, which no other app "
                        "server has: make a new one (python -c 'import secrets; print(secrets.token_urlsafe(48))') "
                        "and give every server the same value in the environment."]
    config.load(instance, shared)  # another key starts, though instance/secret_key is still there


def test_the_development_signing_key_from_the_instance_folder_is_refused(instance, shared):
    """The key the portal makes for itself in instance/ differs on every server and is backed up nowhere."""
    dev_key = _write_key(instance / "cert_signing_key.pem")
    for spelling in (str(dev_key), f"{instance}/../instance/cert_signing_key.pem"):
        problems = refusal(instance, {**shared, "CERT_SIGNING_KEY_FILE": spelling})
        assert problems == [f"CERT_SIGNING_KEY_FILE is the development key that the portal makes by itself in "
                            f"{instance}: make one with openssl (see Deployment), keep it outside instance/, back it "
                            "up and give every app server the same file."]


def test_every_one_machine_setting_is_named_at_once(instance, shared, tmp_path):
    development = config.load(instance, {"PORTAL_ENV": "development"})["SECRET_KEY"]
    env = {**shared, "SECRET_KEY": development, "RATELIMIT_STORAGE_URI": "memory://", "JOBS_IMMEDIATE": "true",
           "JOBS_URL": f"sqlite:///{tmp_path}/jobs.sqlite3",
           "CERT_SIGNING_KEY_FILE": str(_write_key(instance / "cert_signing_key.pem"))}
    named = [problem.split()[0] for problem in refusal(instance, env)]
    assert named == ["RATELIMIT_STORAGE_URI", "JOBS_IMMEDIATE", "JOBS_URL", "SECRET_KEY", "CERT_SIGNING_KEY_FILE"]


def test_development_may_keep_everything_on_one_machine(instance):
    loaded = config.load(instance, {"PORTAL_ENV": "development", "JOBS_IMMEDIATE": "1"})
    assert loaded["RATELIMIT_STORAGE_URI"] == "memory://" and loaded["JOBS_URL"].startswith("sqlite:///")

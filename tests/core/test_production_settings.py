"""With PORTAL_ENV=production the portal refuses to start on an unsafe setting, naming each one."""
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from portal import config

STRONG_SECRET = "k3Q9-vYx2_Lm8pT4rZs6Wn1bHc5Jd7Fg0aE"


@pytest.fixture
def key_file(tmp_path):
    """An Ed25519 key that only its owner can read."""
    path = tmp_path / "signing.pem"
    path.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    path.chmod(0o600)
    return path


@pytest.fixture
def safe(key_file):
    """A production environment that passes every check."""
    return {"PORTAL_ENV": "production", "SECRET_KEY": STRONG_SECRET, "BASE_URL": "https://donghanh.example.org",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "CERT_SIGNING_KEY_FILE": str(key_file),
            "JOBS_URL": "redis://127.0.0.1:6379/1", "VAPID_PUBLIC_KEY": "x", "VAPID_PRIVATE_KEY": "y",
            "VAPID_SUBJECT": "mailto:ops@example.org"}


def refusal(tmp_path, env) -> str:
    """The message with which production refuses `env`."""
    with pytest.raises(config.ConfigError) as raised:
        config.load(tmp_path, env)
    return str(raised.value)


def test_a_safe_production_environment_starts(tmp_path, safe):
    loaded = config.load(tmp_path, safe)
    assert loaded["SESSION_COOKIE_SECURE"] and loaded["SECRET_KEY"] == STRONG_SECRET


@pytest.mark.parametrize("secret", ["short-but-random-x9", "test-secret-key-not-for-production", "changeme",
                                    "donghanh-demo-2025"])
def test_production_refuses_a_short_or_published_secret_key(tmp_path, safe, secret):
    assert "SECRET_KEY" in refusal(tmp_path, {**safe, "SECRET_KEY": secret})


def test_secret_key_needs_at_least_32_bytes(tmp_path, safe):
    assert "SECRET_KEY" in refusal(tmp_path, {**safe, "SECRET_KEY": "a" * 31})
    config.load(tmp_path, {**safe, "SECRET_KEY": "b" * 32})


def test_rate_limits_in_worker_memory_are_refused_unless_one_worker(tmp_path, safe):
    memory = {**safe, "RATELIMIT_STORAGE_URI": "memory://"}
    assert "RATELIMIT_STORAGE_URI" in refusal(tmp_path, memory)
    assert "RATELIMIT_STORAGE_URI" in refusal(tmp_path, {**memory, "WEB_CONCURRENCY": "4"})
    config.load(tmp_path, {**memory, "WEB_CONCURRENCY": "1"})


def test_a_job_queue_in_a_file_on_one_machine_is_refused(tmp_path, safe):
    """Workers on other machines would never see jobs queued in this machine's SQLite file."""
    assert "JOBS_URL" in refusal(tmp_path, {**safe, "JOBS_URL": f"sqlite:///{tmp_path}/jobs.sqlite3"})
    assert "JOBS_URL" in refusal(tmp_path, {key: v for key, v in safe.items() if key != "JOBS_URL"})


def test_a_signing_key_readable_by_others_is_refused(tmp_path, safe, key_file):
    key_file.chmod(0o640)
    assert "chmod 600" in refusal(tmp_path, safe)
    key_file.chmod(0o604)
    assert "CERT_SIGNING_KEY_FILE" in refusal(tmp_path, safe)


def test_a_missing_signing_key_is_refused(tmp_path, safe):
    assert "CERT_SIGNING_KEY_FILE" in refusal(tmp_path, {**safe, "CERT_SIGNING_KEY_FILE": ""})
    assert "not a file" in refusal(tmp_path, {**safe, "CERT_SIGNING_KEY_FILE": str(tmp_path / "nowhere.pem")})


def test_plain_http_needs_an_explicit_closed_network_setting(tmp_path, safe):
    plain = {**safe, "BASE_URL": "http://donghanh.example.org"}
    assert "https://" in refusal(tmp_path, plain)
    loaded = config.load(tmp_path, {**plain, "ALLOW_HTTP": "1"})
    assert not loaded["SESSION_COOKIE_SECURE"]


def test_every_unsafe_setting_is_named_at_once(tmp_path):
    message = refusal(tmp_path, {"PORTAL_ENV": "production", "BASE_URL": "http://x.example.org"})
    for name in ("SECRET_KEY", "BASE_URL", "RATELIMIT_STORAGE_URI", "CERT_SIGNING_KEY_FILE", "JOBS_URL", "VAPID"):
        assert name in message
    assert message.count("\n- ") == 6


def test_development_and_test_are_not_held_to_production_rules(tmp_path):
    loaded = config.load(tmp_path, {"PORTAL_ENV": "development", "SECRET_KEY": "dev"})
    assert loaded["SECRET_KEY"] == "dev"

"""Settings with safe development defaults, read from the environment."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

ENVIRONMENTS = ("development", "test", "production")


class ConfigError(RuntimeError):
    """Raised when the portal must refuse to start because a setting is missing or wrong."""


def _bool(value: str | None, default: bool = False) -> bool:
    """Read a yes/no environment value."""
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _dev_secret_key(instance_path: Path) -> str:
    """Return a per-machine secret kept in instance/, so dev sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load(instance_path: Path, environ: dict | None = None) -> dict:
    """Build the configuration mapping from the environment."""
    env = os.environ if environ is None else environ
    portal_env = env.get("PORTAL_ENV", "production")
    if portal_env not in ENVIRONMENTS:
        raise ConfigError(f"PORTAL_ENV must be one of {', '.join(ENVIRONMENTS)}, not {portal_env!r}")

    secret_key = env.get("SECRET_KEY")
    if not secret_key and portal_env != "production":
        secret_key = _dev_secret_key(instance_path)

    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'portal.sqlite3'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url[len("postgres://"):]
    if database_url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; SQLAlchemy's bare "postgresql" means psycopg2.
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]

    base_url = env.get("BASE_URL", "").rstrip("/")
    secure = base_url.startswith("https://")

    settings = {
        "PORTAL_ENV": portal_env,
        "SECRET_KEY": secret_key,
        # Earlier keys, comma-separated, after a rotation: sessions and signed links made with them stay valid
        # until they expire, and organisers' two-factor secrets still decrypt (accounts/two_factor.py).
        "SECRET_KEY_FALLBACKS": [key.strip() for key in env.get("SECRET_KEY_FALLBACKS", "").split(",") if key.strip()],
        "BASE_URL": base_url,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Statement values (emails, phones, hashes) stay out of logged errors outside development.
        # No ping before each checkout: a round trip on every request, for a restart that happens once
        # a month; after one, the first statement on a dropped connection fails, SQLAlchemy throws the
        # whole pool away, and the next request reconnects (DATABASE_PRE_PING=1 pings instead). The pool
        # holds as many connections as a worker has threads (gunicorn --threads), so none is opened and
        # closed per request under load.
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": env.get("DATABASE_PRE_PING", "0") == "1", "hide_parameters": portal_env != "development",
            **({"pool_size": int(env.get("DATABASE_POOL_SIZE", "16")), "max_overflow": 4, "pool_recycle": 3600}
               if database_url.startswith("postgresql") else {}),
        },
        # How many proxies (nginx) stand in front and set X-Forwarded-For/-Proto; 0 trusts none.
        "PROXY_COUNT": int(env.get("PROXY_COUNT", "0")),
        "TIMEZONE": "Asia/Ho_Chi_Minh",
        # Flask-Babel
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ("vi", "en"),
        # Cookies
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        # Remember-me lasts at most REMEMBER_DAYS (the server-side session row ends then too).
        "REMEMBER_COOKIE_DURATION": int(env.get("REMEMBER_DAYS", "14")) * 24 * 3600,
        "PREFERRED_URL_SCHEME": "https" if secure else "http",
        # Flask-WTF: tokens live as long as the session, so a long form is not lost.
        "WTF_CSRF_TIME_LIMIT": None,
        # Flask-Limiter
        # The background job queue (huey): a SQLite file in instance/ by default, redis://host:6379/1 in
        # production, where workers on several machines share it. Tests run jobs at once (JOBS_IMMEDIATE).
        "JOBS_URL": env.get("JOBS_URL", f"sqlite:///{instance_path / 'jobs.sqlite3'}"),
        "JOBS_IMMEDIATE": _bool(env.get("JOBS_IMMEDIATE"), portal_env == "test"),
        # Notices (portal/notifications/channels.py): the channels that carry them besides the inbox. Another
        # sender is a class named by NOTIFY_CHANNEL_<NAME>, e.g. NOTIFY_CHANNEL_ZALO=mypkg.zalo:ZaloChannel.
        "NOTIFY_CHANNELS": env.get("NOTIFY_CHANNELS", "email,push"),
        **{k: v for k, v in env.items() if k.startswith("NOTIFY_CHANNEL_")},
        # Web Push (portal/notifications/push.py): the VAPID key pair (base64url, `flask vapid-keys` makes one)
        # and a contact for the push services (mailto:); without them push deliveries are skipped.
        "VAPID_PUBLIC_KEY": env.get("VAPID_PUBLIC_KEY", ""),
        "VAPID_PRIVATE_KEY": env.get("VAPID_PRIVATE_KEY", ""),
        "VAPID_SUBJECT": env.get("VAPID_SUBJECT", ""),
        # The push services a browser's subscription may point to (a host, or *.domain); no other address is
        # ever sent to, so a forged subscription cannot make the portal post to a machine of its choosing.
        "PUSH_SERVICE_HOSTS": env.get("PUSH_SERVICE_HOSTS", "fcm.googleapis.com,updates.push.services.mozilla.com,"
                                      "*.push.apple.com,*.notify.windows.com"),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_HEADERS_ENABLED": _bool(env.get("RATELIMIT_HEADERS_ENABLED"), True),
        "RATELIMIT_LOGIN": env.get("RATELIMIT_LOGIN", "10 per minute;50 per hour"),
        "RATELIMIT_SIGNUP": env.get("RATELIMIT_SIGNUP", "5 per minute;30 per hour"),
        "RATELIMIT_RESET": env.get("RATELIMIT_RESET", "5 per minute;20 per hour"),
        "RATELIMIT_VERIFY": env.get("RATELIMIT_VERIFY", "60 per minute;600 per hour"),
        # Checking an uploaded credential file costs far more than a page: its own, tighter limit per address.
        "RATELIMIT_VERIFY_FILE": env.get("RATELIMIT_VERIFY_FILE", "10 per minute;60 per hour"),
        # The public guide pages (per address): a point's public Wi-Fi may carry many citizens' scans at once.
        "RATELIMIT_GUIDES": env.get("RATELIMIT_GUIDES", "120 per minute;2000 per hour"),
        "RATELIMIT_2FA": env.get("RATELIMIT_2FA", "5 per minute;20 per hour"),  # per IP and per account
        # Organisers must sign in with a second factor (an authenticator app's code).
        "REQUIRE_ADMIN_2FA": _bool(env.get("REQUIRE_ADMIN_2FA"), True),
        # Mail
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS"), True),
        "MAIL_SENDER": env.get("MAIL_SENDER", "Đồng hành <no-reply@example.org>"),
        "MAIL_CA_FILE": env.get("MAIL_CA_FILE", ""),
        # Certificates: the Ed25519 private key (PEM) and, optionally, retired public keys (JWKS).
        "CERT_SIGNING_KEY_FILE": env.get("CERT_SIGNING_KEY_FILE", ""),
        "CERT_RETIRED_JWKS_FILE": env.get("CERT_RETIRED_JWKS_FILE", ""),
        # The name on the issuer profile (/issuer) that every Open Badges credential names as its issuer.
        "CERT_ISSUER_NAME": env.get("CERT_ISSUER_NAME", "Đồng hành · Thanh niên đồng hành cùng hành chính công"),
        # The TrueType fonts embedded in certificate PDFs (`make vendor` installs Be Vietnam Pro from npm).
        "CERT_FONT_DIR": env.get("CERT_FONT_DIR",
                                 str(Path(__file__).resolve().parent.parent / "static" / "vendor" / "fonts")),
        # Accounts
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,  # uploads (attendance sheets) are refused above 5 MB
        "PRIVACY_NOTICE_VERSION": "2025-12",
        # People's requests about their data and breaches (privacy/requests.py, breach.py): our reading of
        # Decree 356/2025/ND-CP. Answer within 2 working days (Mon-Fri, Hanoi); complete within 10 days,
        # 15 for withdrawal of consent, restriction and objection, 20 where a processor or third party must
        # act; extend once by at most 15 days; notify a breach within 72 hours of its detection.
        "PRIVACY_ACK_WORKING_DAYS": int(env.get("PRIVACY_ACK_WORKING_DAYS", "2")),
        "PRIVACY_DUE_DAYS": int(env.get("PRIVACY_DUE_DAYS", "10")),
        "PRIVACY_DUE_DAYS_RESTRICTION": int(env.get("PRIVACY_DUE_DAYS_RESTRICTION", "15")),
        "PRIVACY_DUE_DAYS_THIRD_PARTY": int(env.get("PRIVACY_DUE_DAYS_THIRD_PARTY", "20")),
        "PRIVACY_EXTENSION_DAYS": int(env.get("PRIVACY_EXTENSION_DAYS", "15")),
        "PRIVACY_DUE_SOON_HOURS": int(env.get("PRIVACY_DUE_SOON_HOURS", "48")),
        "BREACH_NOTIFY_HOURS": int(env.get("BREACH_NOTIFY_HOURS", "72")),
        # Who people and the authority write to about their data (drafted breach notices); empty: the organiser's email.
        "PRIVACY_CONTACT": env.get("PRIVACY_CONTACT", ""),
        # An activity-log count above this, for one category in one shift, is refused as a typing mistake.
        "ACTIVITY_MAX_PER_CATEGORY": int(env.get("ACTIVITY_MAX_PER_CATEGORY", "300")),
        # The self check-in QR code on the leader's screen changes this often (the previous one still works).
        "CHECKIN_CODE_MINUTES": int(env.get("CHECKIN_CODE_MINUTES", "5")),
        # werkzeug's scrypt by default; tests choose a cheaper method to stay fast.
        "PASSWORD_HASH_METHOD": env.get("PASSWORD_HASH_METHOD", "scrypt"),
        "EMAIL_VERIFY_MAX_AGE": 2 * 24 * 3600,
        "PASSWORD_RESET_MAX_AGE": 3600,
        "INVITE_MAX_AGE": 7 * 24 * 3600,
        # Sessions (accounts/sessions.py): idle timeouts for organisers (admin) and everyone else, the
        # absolute lifetime, and remember-me's (never granted to organisers).
        "SESSION_IDLE_MINUTES_ADMIN": int(env.get("SESSION_IDLE_MINUTES_ADMIN", "30")),
        "SESSION_IDLE_MINUTES": int(env.get("SESSION_IDLE_MINUTES", "720")),
        "SESSION_MAX_HOURS": int(env.get("SESSION_MAX_HOURS", "12")),
        "REMEMBER_DAYS": int(env.get("REMEMBER_DAYS", "14")),
        # Privacy (privacy/closing.py, retention.py): a closed account is erased after this many days unless
        # the person comes back; outbox bodies, audit snapshots' personal fields and closed campaigns' people
        # are kept this long (`flask privacy apply-retention`).
        "PRIVACY_ERASURE_GRACE_DAYS": int(env.get("PRIVACY_ERASURE_GRACE_DAYS", "30")),
        "RETENTION_OUTBOX_DAYS": int(env.get("RETENTION_OUTBOX_DAYS", "90")),
        "RETENTION_AUDIT_DAYS": int(env.get("RETENTION_AUDIT_DAYS", "730")),
        "RETENTION_CAMPAIGN_MONTHS": int(env.get("RETENTION_CAMPAIGN_MONTHS", "12")),
        # Observability (core/logs.py, core/metrics.py, core/errors_report.py): log lines as json or text (json in
        # production by default); Sentry when SENTRY_DSN is set; /metrics for a scraper holding METRICS_TOKEN;
        # /healthz fails when the oldest queued job has waited longer than HEALTH_QUEUE_MAX_MINUTES.
        "LOG_FORMAT": env.get("LOG_FORMAT", "").strip().lower(),
        "SENTRY_DSN": env.get("SENTRY_DSN", ""),
        "SENTRY_RELEASE": env.get("SENTRY_RELEASE", ""),
        "METRICS_TOKEN": env.get("METRICS_TOKEN", ""),
        "HEALTH_QUEUE_MAX_MINUTES": int(env.get("HEALTH_QUEUE_MAX_MINUTES", "10")),
    }
    if settings["LOG_FORMAT"] not in ("", "json", "text"):
        raise ConfigError(f"LOG_FORMAT must be json or text, not {settings['LOG_FORMAT']!r}")
    if portal_env == "production":
        problems = production_problems(settings, env, instance_path)
        if problems:
            raise ConfigError("The portal refuses to start in production:\n- " + "\n- ".join(problems))
    return settings


# Values that have been published (README, tests, examples): never a production secret.
KNOWN_SECRETS = {"test-secret-key-not-for-production", "dev", "development", "secret", "changeme", "change-me",
                 "please-change-me", "donghanh", "donghanh-demo-2025"}
SECRET_KEY_MIN_BYTES = 32


def production_problems(settings: dict, env, instance_path: Path | None = None) -> list[str]:
    """Every missing or unsafe production setting, each named with how to fix it (all at once)."""
    problems = []
    secret = settings["SECRET_KEY"] or ""
    if not secret:
        problems.append("SECRET_KEY is not set. Set it to a long random value "
                        "(python -c 'import secrets; print(secrets.token_urlsafe(48))') "
                        "or set PORTAL_ENV=development on a developer machine.")
    elif secret.strip().lower() in KNOWN_SECRETS or len(secret.encode()) < SECRET_KEY_MIN_BYTES:
        problems.append(f"SECRET_KEY is too short or a published default: use at least {SECRET_KEY_MIN_BYTES} "
                        "random bytes (python -c 'import secrets; print(secrets.token_urlsafe(48))').")
    base_url = settings["BASE_URL"]
    if not base_url:
        problems.append("BASE_URL is not set. Set it to the portal's public address, e.g. https://donghanh.example.org.")
    elif not base_url.startswith("https://") and not _bool(env.get("ALLOW_HTTP")):
        problems.append("BASE_URL must start with https:// (sessions and QR links travel over it); "
                        "set ALLOW_HTTP=1 only on a closed network.")
    workers = (env.get("WEB_CONCURRENCY") or "").strip()
    limited = settings["RATELIMIT_ENABLED"]
    if limited and settings["RATELIMIT_STORAGE_URI"].startswith("memory://") and workers != "1":
        problems.append("RATELIMIT_STORAGE_URI is memory://, which each worker keeps for itself, so limits would "
                        "count per worker: set it to redis://host:6379/0 (or WEB_CONCURRENCY=1 for one worker).")
    if settings["JOBS_IMMEDIATE"]:
        problems.append("JOBS_IMMEDIATE is on: jobs would run inside the web process that queued them and periodic "
                        "ones (reminders, reports, the mail sweep) never: turn it off and run "
                        "`flask --app wsgi worker`.")
    if not settings["JOBS_URL"].startswith(("redis://", "rediss://")):
        problems.append("JOBS_URL is a file on this machine, which workers elsewhere cannot see: set it to "
                        "redis://host:6379/1, the queue every web server and worker shares.")
    channels = {c.strip() for c in settings["NOTIFY_CHANNELS"].split(",")}
    missing = [k for k in ("VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT") if not settings[k]]
    if "push" in channels and missing:
        problems.append(f"NOTIFY_CHANNELS includes push but {', '.join(missing)} not set: run "
                        "`flask --app wsgi vapid-keys` once and put its lines in the environment (VAPID_SUBJECT is "
                        "mailto: an organiser's address), or leave push out of NOTIFY_CHANNELS.")
    elif "push" in channels and not settings["VAPID_SUBJECT"].startswith(("mailto:", "https://")):
        problems.append("VAPID_SUBJECT must be mailto:someone@example.org (or an https:// page): push services "
                        "write there when something is wrong.")
    metrics_token = settings["METRICS_TOKEN"]
    if metrics_token and len(metrics_token) < 24:
        problems.append("METRICS_TOKEN is shorter than 24 characters: use a long random value "
                        "(python -c 'import secrets; print(secrets.token_urlsafe(32))'), or leave it unset.")
    if metrics_token and workers != "1" and not env.get("PROMETHEUS_MULTIPROC_DIR"):
        problems.append("METRICS_TOKEN is set but PROMETHEUS_MULTIPROC_DIR is not: each worker would count its own "
                        "requests and /metrics would show one worker's. Set it to an empty directory per server "
                        "(e.g. /run/portal-metrics), or WEB_CONCURRENCY=1.")
    key_file = settings["CERT_SIGNING_KEY_FILE"]
    if not key_file:
        problems.append("CERT_SIGNING_KEY_FILE is not set: certificates cannot be signed. Point it to the "
                        "Ed25519 private key (PEM), readable by the portal's user only (chmod 600).")
    elif not Path(key_file).is_file():
        problems.append(f"CERT_SIGNING_KEY_FILE points to {key_file}, which is not a file.")
    elif Path(key_file).stat().st_mode & 0o077:
        problems.append(f"CERT_SIGNING_KEY_FILE {key_file} can be read by its group or others: chmod 600 it.")
    return problems + (one_machine_problems(settings, instance_path) if instance_path else [])


def one_machine_problems(settings: dict, instance_path: Path) -> list[str]:
    """The development keys that the portal keeps in instance/ by itself: another app server would hold
    different ones (its sessions and certificates would not be valid here), and they are backed up nowhere."""
    problems = []
    dev_secret = instance_path / "secret_key"
    if settings["SECRET_KEY"] and dev_secret.is_file() and dev_secret.read_text().strip() == settings["SECRET_KEY"]:
        problems.append(f"SECRET_KEY is the development key kept in {dev_secret}, which no other app server has: "
                        "make a new one (python -c 'import secrets; print(secrets.token_urlsafe(48))') and give "
                        "every server the same value in the environment.")
    key_file = settings["CERT_SIGNING_KEY_FILE"]
    if key_file and Path(key_file).resolve() == (instance_path / "cert_signing_key.pem").resolve():
        problems.append(f"CERT_SIGNING_KEY_FILE is the development key that the portal makes by itself in "
                        f"{instance_path}: make one with openssl (see Deployment), keep it outside instance/, "
                        "back it up and give every app server the same file.")
    return problems

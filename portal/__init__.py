"""Đồng hành: the volunteer portal of the youth-union campaigns at public-service points."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import config as config_module

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides the environment (tests pass theirs here)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    overrides = dict(config or {})
    environ = overrides.pop("ENVIRON", None)
    if overrides.get("TESTING") and environ is None:
        environ = {"PORTAL_ENV": "test"}
    app.config.update(config_module.load(Path(app.instance_path), environ))
    app.config.update(overrides)

    from portal.core.converters import IdConverter  # lazy: the factory imports the app's modules when it builds one

    app.url_map.converters["int"] = IdConverter  # before any route is registered
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
    _init_extensions(app)
    _register_blueprints(app)
    _register_hooks(app)
    return app


def _init_extensions(app: Flask) -> None:
    """Bind the extensions to this app."""
    # lazy: the factory imports the app's modules when an app is built, after its config is loaded
    from portal import i18n
    from portal.core import errors, errors_report, logs
    from portal.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate
    from portal.jobs import queue

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        # Writers queue for up to 30 s instead of failing with "database is locked".
        options["connect_args"] = {"timeout": 30, **options.get("connect_args", {})}
        # A file has no server that could drop the connection: pinging before each use is wasted.
        options["pool_pre_ping"] = False
    db.init_app(app)
    _sqlite_pragmas(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"
    i18n.init_app(app)
    errors.init_app(app)
    queue.init_app(app)
    logs.init_app(app)  # request ids, log lines and request metrics: first before, last after every request
    errors_report.init_app(app)  # Sentry, only when SENTRY_DSN is set


def _sqlite_pragmas(app: Flask) -> None:
    """On SQLite: write-ahead logging (readers never wait for the writer) and foreign keys enforced."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from portal.extensions import db  # lazy: as in the factory

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, record):
        cursor = dbapi_connection.cursor()
        if ":memory:" not in app.config["SQLALCHEMY_DATABASE_URI"]:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def _register_blueprints(app: Flask) -> None:
    """Mount every domain."""
    # lazy: the factory imports the app's modules when an app is built, after its config is loaded
    from portal import (
        accounts,
        campaigns,
        certificates,
        cover,
        guides,
        home,
        jobs,
        mail,
        notifications,
        operations,
        privacy,
        referrals,
        reminders,
        reports,
        rosters,
        shifts,
        teamboard,
        training,
    )
    from portal.core import routes as core

    for module in (core, jobs, accounts, notifications, campaigns, mail, training, shifts, cover, operations, teamboard,
                   reminders, rosters, guides, certificates, referrals, reports, privacy, home):
        app.register_blueprint(module.bp)
    app.register_blueprint(home.audit_bp)
    from portal import cli  # lazy: as above

    cli.init_app(app)


def _register_hooks(app: Flask) -> None:
    """Access rules before each request; headers and mail delivery after."""
    # lazy: the factory imports the app's modules when an app is built, after its config is loaded
    from portal import access, htmx
    from portal.accounts import routes_sessions, sessions
    from portal.accounts.labels import ROLE_LABELS
    from portal.core import assets, security, statuses
    from portal.extensions import login_manager
    from portal.forms import EmptyForm
    from portal.i18n import current_locale

    # The session and remember-me cookies carry a server-side session's token (accounts/sessions.py):
    # an ended, idle or expired session loads nobody.
    login_manager.user_loader(routes_sessions.load_user)
    app.cli.add_command(sessions.purge_command)

    app.add_template_global(statuses.status_of)  # a global, so imported macros see it too
    app.before_request(security.reject_nul)
    app.before_request(access.enforce)
    app.after_request(htmx.add_vary)
    app.after_request(security.add_headers)
    assets.init_app(app)  # static addresses carry their content's version; those answers are cached a year
    app.after_request(routes_sessions.rotate_after_change)  # runs before Flask-Login writes the cookie

    @app.context_processor
    def shell_context():
        """Values every page needs."""
        return {"lang": current_locale(), "role_labels": ROLE_LABELS, "shell_form": EmptyForm}

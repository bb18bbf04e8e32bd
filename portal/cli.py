"""Command-line tools. They parse arguments and call services; the rules live in the services."""
from __future__ import annotations

import os

import click
from flask import Flask
from flask.cli import with_appcontext

from portal.accounts.models import ROLE_VALUES
from portal.accounts.validation import InvalidInput


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(create_user)
    app.cli.add_command(seed_demo)
    app.cli.add_command(outbox)


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True, help="The person's email address.")
@click.option("--name", "full_name", required=True, help='Full name, e.g. "Nguyễn Văn An".')
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLE_VALUES),
              help="A role; repeat for several.")
def create_user(email, full_name, roles):
    """Create an active account. The password comes from PORTAL_USER_PASSWORD or a prompt."""
    from portal.accounts import services

    password = os.environ.get("PORTAL_USER_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    try:
        user = services.create_user(email, full_name, roles, password)
    except InvalidInput as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"Created {user.email} with roles: {', '.join(sorted(user.role_names))}")


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Load the demo campaign, service points and one account per role (safe to run twice)."""
    from flask import current_app

    from portal import seed

    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException("seed-demo creates accounts with a published password; "
                                   "it does not run with PORTAL_ENV=production.")

    for line in seed.seed_demo():
        click.echo(line)


@click.group("outbox")
def outbox():
    """The mail outbox."""


@outbox.command("send")
@with_appcontext
@click.option("--limit", default=100, show_default=True, help="At most this many messages a round.")
@click.option("--loop", "interval", type=float, default=None,
              help="Keep running, sending every INTERVAL seconds (a mail worker).")
def outbox_send(limit, interval):
    """Send pending emails through SMTP: once (cron), or as a worker with --loop."""
    import time

    from portal.mail import services

    if not services.smtp_enabled():
        raise click.ClickException("MAIL_SERVER is not set; emails stay in the outbox page.")
    while True:
        sent, failed = services.send_pending(limit)
        click.echo(f"sent {sent}, failed {failed}")
        if interval is None:
            return
        time.sleep(interval)

"""Command-line tools. They parse arguments and call services; the rules live in the services."""
from __future__ import annotations

import os
import time

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from portal import backup, restore, seed, seed_scale
from portal.accounts import staff
from portal.accounts.models import ROLE_VALUES
from portal.campaigns import services as campaigns
from portal.certificates import codes, records
from portal.certificates import services as certificates
from portal.certificates.commands import credentials_group
from portal.core.validation import InvalidInput
from portal.mail import services as mail
from portal.privacy import retention
from portal.reports.scope import today
from portal.reports.services import send_period


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(create_user)
    app.cli.add_command(seed_demo)
    app.cli.add_command(outbox_group)
    app.cli.add_command(certificates_group)
    app.cli.add_command(credentials_group)
    app.cli.add_command(reports_group)
    app.cli.add_command(seed_scale_command)
    app.cli.add_command(privacy_group)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True, help="The person's email address.")
@click.option("--name", "full_name", required=True, help='Full name, e.g. "Nguyễn Văn An".')
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLE_VALUES),
              help="A role; repeat for several.")
def create_user(email, full_name, roles):
    """Create an active account. The password comes from PORTAL_USER_PASSWORD or a prompt."""
    password = os.environ.get("PORTAL_USER_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    try:
        user = staff.create_user(email, full_name, roles, password)
    except InvalidInput as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"Created {user.email} with roles: {', '.join(sorted(user.role_names))}")


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Load the demo campaign, service points and one account per role (safe to run twice)."""
    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException("seed-demo creates accounts with a published password; "
                                   "it does not run with PORTAL_ENV=production.")

    for line in seed.seed_demo():
        click.echo(line)


@click.group("outbox")
def outbox_group():
    """The mail outbox."""


@outbox_group.command("send")
@with_appcontext
@click.option("--limit", default=100, show_default=True, help="At most this many messages.")
def outbox_send(limit):
    """Send pending emails through SMTP once (the worker does it every minute and after each change)."""
    if not mail.smtp_enabled():
        raise click.ClickException("MAIL_SERVER is not set; emails stay in the outbox page.")
    try:
        sent, failed = mail.send_pending(limit)
    except mail.ServerUnavailable as down:
        raise click.ClickException(f"the mail server cannot be reached ({down}); the emails stay pending.") from None
    click.echo(f"sent {sent}, failed {failed}")


@click.group("certificates")
def certificates_group():
    """Issue certificates and render their PDFs."""


@certificates_group.command("issue")
@with_appcontext
@click.option("--campaign", "slug", required=True, help="The campaign's slug, e.g. thanh-nien-dong-hanh-2025.")
@click.option("--reason", default=None, help="Needed before the campaign ends: why certificates are issued early.")
def certificates_issue(slug, reason):
    """Issue certificates to everyone newly eligible and print the codes issued (safe to run again)."""
    campaign = campaigns.by_slug(slug)
    if campaign is None:
        raise click.ClickException(f"No campaign has the slug {slug!r}.")
    try:
        issued = certificates.issue_all(None, campaign, reason)
    except InvalidInput as error:
        raise click.ClickException(str(error.message)) from error
    for credential in issued:
        click.echo(f"{codes.pretty(credential.code)}\t{credential.claims['name']}")
    click.echo(f"{len(issued)} certificates issued for {campaign.slug}.", err=True)


@certificates_group.command("pdf")
@with_appcontext
@click.argument("code")
@click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Where to write the PDF.")
def certificates_pdf(code, output):
    """Write a certificate's PDF (the same bytes as the download) to a file."""
    credential = records.find(code)
    if credential is None:
        raise click.ClickException(f"No certificate has the code {code!r}.")
    data = records.pdf_bytes(credential)
    with open(output, "wb") as handle:
        handle.write(data)
    click.echo(f"{output}: {len(data)} bytes, SHA-256 {credential.pdf_sha256}")


@click.group("reports")
def reports_group():
    """Weekly and monthly reports."""


@reports_group.command("send")
@with_appcontext
@click.option("--period", "kind", type=click.Choice(["week", "month"]), required=True,
              help="Mail the last full week's (Monday to Sunday) or month's report.")
def reports_send(kind):
    """Queue the last full period's report for every organiser, per running campaign (the outbox sends it)."""
    lines = send_period(kind, today())
    for line in lines:
        click.echo(line)
    click.echo(f"{len(lines)} reports queued.", err=True)


@click.command("seed-scale")
@with_appcontext
def seed_scale_command():
    """Create a city-sized campaign (126 points, 10,000 students, about 100,000 bookings) for load tests."""
    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException("seed-scale creates thousands of test accounts; it does not run in production.")
    started = time.perf_counter()
    for line in seed_scale.seed_scale():
        click.echo(line)
    click.echo(f"done in {time.perf_counter() - started:.1f} s", err=True)


@click.group("privacy")
def privacy_group():
    """Personal data: retention."""


@privacy_group.command("apply-retention")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Only print what would be done; change nothing.")
def privacy_apply_retention(dry_run):
    """Apply the retention rules (idempotent) and print what each did, or would do with --dry-run."""
    for rule, count in retention.apply(dry_run=dry_run):
        click.echo(f"{rule.key}: {count}")
    click.echo("dry run: nothing was changed." if dry_run else "done.", err=True)


@click.command("backup")
@with_appcontext
@click.option("--output", type=click.Path(), default=None,
              help="The archive to write, or a folder for a dated name (default: instance/backups/).")
def backup_command(output):
    """Write one archive (mode 0600): the database, the certificate keys and a manifest of checksums."""
    try:
        path = backup.create(output)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    for line in backup.describe(path):
        click.echo(line)


@click.command("restore")
@with_appcontext
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Replace a database that holds data, and a different signing key.")
def restore_command(archive, yes):
    """Restore an archive made by `backup` into DATABASE_URL and the key files, after checking it."""
    try:
        for line in restore.restore(archive, yes):
            click.echo(line)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None

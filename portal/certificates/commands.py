"""`flask credentials ...`: check an Open Badges credential (JSON or PDF) offline, and sign the status lists again."""
from __future__ import annotations

import json
from datetime import datetime

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from portal.certificates import status_lists, verification
from portal.core.clock import LOCAL_TZ
from portal.extensions import db

MARKS = {True: "✓", False: "✗", None: "·"}


@click.group("credentials")
def credentials_group():
    """Open Badges credentials: verify a file offline, refresh the published status lists."""


def _lists_from(files) -> dict[str, str]:
    """Status list credentials given on the command line, by their id."""
    found = {}
    for handle in files:
        text = handle.read()
        try:
            found[json.loads(text)["id"]] = text
        except (ValueError, KeyError, TypeError) as error:
            raise click.ClickException(f"{handle.name} is not a status list credential.") from error
    return found


@credentials_group.command("verify")
@with_appcontext
@click.argument("file", type=click.File("rb"))
@click.option("--status-list", "list_files", multiple=True, type=click.File("r", encoding="utf-8"),
              help="A copy of a status list credential to check against instead of the portal's own (repeatable).")
@click.option("--at", "at_text", default=None, help='Check as of this Hanoi time, "dd/mm/yyyy HH:MM".')
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def verify_command(file, list_files, at_text, lang):
    """Check FILE (a credential's JSON, or a PDF that carries it) with no network: the key, the signature,
    the validity dates and the status, and whether the status list is stale. Exit status 0 when valid."""
    now = None
    if at_text:
        try:
            now = datetime.strptime(at_text, "%d/%m/%Y %H:%M").replace(tzinfo=LOCAL_TZ)
        except ValueError as error:
            raise click.BadParameter('use "dd/mm/yyyy HH:MM"', param_hint="--at") from error
    given = _lists_from(list_files)
    try:
        document = verification.read_file(file.read())
    except verification.Unreadable as error:
        raise click.ClickException(f"{file.name}: {error}") from error
    report = verification.verify(document, now, given.get if given else None)
    with force_locale(lang):
        for check in report.checks:
            click.echo(f"{MARKS[check.ok]} {check.label}" + (f"  ({check.detail})" if check.detail else ""))
        click.echo(f"→ {report.verdict}: {report.verdict_label}")
    raise SystemExit(0 if report.ok else 1)


@credentials_group.command("refresh-status")
@with_appcontext
def refresh_status_command():
    """Place credentials issued before the status lists in them, and sign every list again (a new validUntil);
    the worker does both every night. Run it once after upgrading to this version."""
    placed = status_lists.backfill()
    count = status_lists.refresh_all()
    db.session.commit()
    click.echo(f"{placed} credentials placed in a status list; {count} status lists signed again.")

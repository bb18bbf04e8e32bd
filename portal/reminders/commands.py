"""`flask --app wsgi reminders send [--at "dd/mm/yyyy HH:MM"]` and `reminders missed`: run the jobs now, or as if
at another Hanoi time (to try a schedule, or in a browser journey that travels in time)."""
from __future__ import annotations

from datetime import datetime

import click

from portal.core.clock import LOCAL_TZ
from portal.reminders import bp, noshows, planner


def _moment(text: str | None) -> datetime | None:
    """A Hanoi wall time typed as dd/mm/yyyy HH:MM, as an aware instant."""
    if not text:
        return None
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y %H:%M").replace(tzinfo=LOCAL_TZ)
    except ValueError:
        raise click.BadParameter("write it as dd/mm/yyyy HH:MM, Hanoi time") from None


@bp.cli.command("send")
@click.option("--at", "at", default=None, help='Plan as if it were this Hanoi time, "dd/mm/yyyy HH:MM".')
def send_command(at):
    """Send the reminders due now (or at --at); each is sent once however often this runs."""
    run = planner.send_due(_moment(at))
    click.echo(f"evening {run.sent['evening']}, soon {run.sent['soon']}, already sent {run.already}")


@bp.cli.command("missed")
@click.option("--at", "at", default=None, help='As if it were this Hanoi time, "dd/mm/yyyy HH:MM".')
def missed_command(at):
    """Ask about missed shifts and apply the no-show pause rule now (or at --at)."""
    click.echo(f"asked {noshows.ask_missed(_moment(at))}")

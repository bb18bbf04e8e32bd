"""The operator's command for Web Push: a VAPID key pair to put in the environment."""
from __future__ import annotations

import click

from portal.notifications import bp, push


@bp.cli.command("vapid-keys")
def vapid_keys():
    """Print a new VAPID key pair for Web Push (put the lines in the portal's environment, once).

    Changing the keys later ends every device's subscription: people turn phone notifications on again.
    """
    public, private = push.new_key_pair()
    click.echo(f"VAPID_PUBLIC_KEY={public}")
    click.echo(f"VAPID_PRIVATE_KEY={private}")
    click.echo("VAPID_SUBJECT=mailto:organiser@example.org  # an address the push services may write to")

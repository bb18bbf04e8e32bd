"""Send a masked link again: an organiser never opens a reset or invitation link, the recipient gets a new one."""
from __future__ import annotations

from portal.accounts import credentials, signed_links
from portal.accounts import services as accounts
from portal.accounts.models import User
from portal.audit import services as audit
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.mail.models import OutboxMessage


def resend_link(actor: User, message: OutboxMessage) -> None:
    """Queue a fresh link of the same kind to the recipient of `message`, when it still makes sense."""
    user = accounts.find_by_email(message.to_email)
    if user is None or not user.is_active_account:
        raise InvalidInput(_l("This account no longer exists or is deactivated: no new link was sent."), "resend")
    if message.kind == "reset-password":
        credentials.request_password_reset(user.email)
    elif message.kind == "verify-email":
        if user.is_verified:
            raise InvalidInput(_l("This address is already confirmed: no new link is needed."), "resend")
        signed_links.queue_verification(user)
    elif message.kind == "invite":
        if user.password_hash is not None:
            raise InvalidInput(_l("This person has already accepted the invitation."), "resend")
        signed_links.queue_invite(user, actor)
    else:
        raise InvalidInput(_l("This email has no link to send again."), "resend")
    audit.record(actor, "mail.resend", "user", user.id, after={"kind": message.kind, "message": message.id})
    db.session.commit()

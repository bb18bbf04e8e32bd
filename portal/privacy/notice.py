"""The privacy notice's versions and what changed in each, kept next to the notice.

`PRIVACY_NOTICE_VERSION` (config) names the version in force. When it changes, a signed-in person
whose last accepted version is older sees the changes since (`changes_since`) and accepts before
going on (routes_person.reconsent, guarded by `needs_reconsent`). Add the new version's entry
here when bumping the setting; an unknown version shows the generic line.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from portal.accounts import consent
from portal.accounts.models import Consent
from portal.extensions import db
from portal.i18n import lazy_text as _l

# Oldest first: (version, [what changed]).
VERSIONS: list[tuple[str, list]] = [
    ("2025-12", [_l("First version: the volunteer programme, at sign-up.")]),
    ("2026-01", [
        _l("The Law on Personal Data Protection (No. 91/2025/QH15) replaces Decree 13/2023/NĐ-CP."),
        _l("You can download all your data, ask for corrections and close your account from My data."),
        _l("Internship referrals and campaign news are now separate, optional consents you can withdraw."),
        _l("How long each kind of data is kept is listed on this page."),
    ]),
]
GENERIC_CHANGE = _l("The privacy notice was updated. Please read it again.")


def current_version() -> str:
    """The version of the notice in force."""
    return current_app.config["PRIVACY_NOTICE_VERSION"]


def changes_since(version: str | None) -> list:
    """The changes of every version after `version` up to the current one (the generic line if unknown)."""
    target = current_version()
    known = [v for v, _ in VERSIONS]
    if target not in known:
        return [GENERIC_CHANGE]
    start = known.index(version) + 1 if version in known else 0
    end = known.index(target) + 1
    lines = [line for _, changes in VERSIONS[start:end] for line in changes]
    return lines or [GENERIC_CHANGE]


def history() -> list[tuple[str, list]]:
    """The versions up to the one in force, oldest first (a later entry waits for its release)."""
    known = [v for v, _ in VERSIONS]
    target = current_version()
    return VERSIONS[: known.index(target) + 1] if target in known else VERSIONS


def accepted_version(user) -> str | None:
    """The notice version of the person's live programme consent, or None when they have none."""
    row = consent.current(user, consent.PROGRAMME)
    return row.notice_version if row else None


def needs_reconsent(user) -> bool:
    """Tell whether the person consented to an older notice and not yet to this one.

    Someone with no programme consent at all (staff invited by organisers) is not stopped: they
    never took part under consent, and their account rests on their appointment.
    """
    rows = db.session.execute(
        select(Consent.notice_version).where(Consent.user_id == user.id, Consent.purpose == consent.PROGRAMME,
                                             Consent.withdrawn_at.is_(None))
    ).scalars().all()
    return bool(rows) and current_version() not in rows


def accept(user) -> None:
    """Record acceptance of the current notice; the older consent rows stay. The caller commits."""
    consent.grant(user, consent.PROGRAMME, current_version())

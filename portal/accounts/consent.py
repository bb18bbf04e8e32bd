"""Consent by purpose (Law No. 91/2025/QH15, art. 9–12): one required purpose and optional ones.

Each grant is a `consents` row naming the purpose and the notice version accepted. A withdrawal
sets `withdrawn_at` on the live row and keeps it; a later grant adds a new row, so the history of
both stays. The current consent for a purpose is its newest row not withdrawn.

    from portal.accounts import consent
    consent.grant(user, consent.REFERRALS, notice_version)   # adds a row (no commit)
    consent.has_consent(user, consent.NEWS)                  # True / False
    consent.withdraw(user, consent.NEWS)                     # sets withdrawn_at (no commit)
    consent.consenting_user_ids(consent.NEWS)                # a select of user ids, for queries

Callers own the transaction (and its audit event). Lower layers (referrals, reports) use
`consenting_user_ids` inside their own queries.
"""
from __future__ import annotations

from sqlalchemy import Select, select

from portal.accounts.models import Consent, User
from portal.core import clock
from portal.extensions import db
from portal.i18n import lazy_text as _l

PROGRAMME = "volunteer-programme"  # required: taking part in the campaign (sign-up)
REFERRALS = "referrals"  # optional: being considered for internship referrals
NEWS = "news"  # optional: campaign news and calls for volunteers

REQUIRED_PURPOSES = (PROGRAMME,)
OPTIONAL_PURPOSES = (REFERRALS, NEWS)
PURPOSES = REQUIRED_PURPOSES + OPTIONAL_PURPOSES

LABELS = {
    PROGRAMME: _l("Taking part in the volunteer programme"),
    REFERRALS: _l("Being considered for internship referrals"),
    NEWS: _l("Campaign news and calls for volunteers"),
}
DESCRIPTIONS = {
    PROGRAMME: _l(
        "Needed for an account: training, shifts, hours and certificates. "
        "To end it, close your account."
    ),
    REFERRALS: _l(
        "Organisers may put you on the internship shortlist and nominate you; with it off you "
        "are left out of both. A referral is still only sent after you agree to what it shares."
    ),
    NEWS: _l(
        "Emails about the campaign, such as calls for volunteers when a point needs more people. "
        "With it off you receive only emails about your own account and shifts."
    ),
}


def label(purpose: str):
    """The purpose in words, in the reader's language."""
    return LABELS.get(purpose, purpose)


def current(user: User, purpose: str) -> Consent | None:
    """The person's live consent for `purpose` (newest not withdrawn), or None."""
    return db.session.scalar(
        select(Consent)
        .where(Consent.user_id == user.id, Consent.purpose == purpose, Consent.withdrawn_at.is_(None))
        .order_by(Consent.accepted_at.desc(), Consent.id.desc())
        .limit(1)
    )


def has_consent(user: User, purpose: str) -> bool:
    """Tell whether the person currently consents to `purpose`."""
    return current(user, purpose) is not None


def grant(user: User, purpose: str, notice_version: str) -> Consent:
    """Record consent to `purpose` under `notice_version` as a new row; the caller commits."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown consent purpose {purpose!r}")
    row = Consent(user_id=user.id, purpose=purpose, notice_version=notice_version, accepted_at=clock.now())
    if user.id is None:  # a new account: ride along with the user
        user.consents.append(row)
    else:
        db.session.add(row)
    return row


def withdraw(user: User, purpose: str) -> int:
    """End the person's live consent(s) to `purpose`, keeping the rows; returns how many ended."""
    rows = db.session.scalars(
        select(Consent).where(
            Consent.user_id == user.id, Consent.purpose == purpose, Consent.withdrawn_at.is_(None)
        )
    ).all()
    now = clock.now()
    for row in rows:
        row.withdrawn_at = now
    return len(rows)


def consenting_user_ids(purpose: str) -> Select:
    """A select of the ids of people who currently consent to `purpose`, to use in `IN (...)`."""
    return select(Consent.user_id).where(Consent.purpose == purpose, Consent.withdrawn_at.is_(None))


def withdrawn_user_ids(purpose: str) -> Select:
    """A select of the ids of people who withdrew `purpose` and have not granted it again."""
    return (select(Consent.user_id).where(Consent.purpose == purpose, Consent.withdrawn_at.is_not(None))
            .where(Consent.user_id.not_in(consenting_user_ids(purpose))))


def states(user: User) -> dict[str, Consent | None]:
    """Every purpose with the person's live consent row (or None), in one query."""
    rows = db.session.scalars(
        select(Consent)
        .where(Consent.user_id == user.id, Consent.withdrawn_at.is_(None))
        .order_by(Consent.accepted_at, Consent.id)
    ).all()
    found: dict[str, Consent | None] = {p: None for p in PURPOSES}
    for row in rows:
        found[row.purpose] = row  # the newest wins
    return found

CONSENT_PURPOSE = PROGRAMME  # the name accounts.services has always exported

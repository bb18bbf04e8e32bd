"""The email a student receives when a trainer confirms their training: one per student and commit.

`signoff.complete` notes each new completion here; just before the transaction commits, the notes
become emails in the outbox (one per student, however many modules were confirmed together: a
session's attendance confirms several in one transaction). A rollback drops the notes, so an email
goes out only with the completions that caused it.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session, joinedload

from portal.accounts.models import User
from portal.campaigns.models import Campaign
from portal.core import clock
from portal.core.urls import external_url
from portal.extensions import db
from portal.mail import services as mail
from portal.mail.models import OutboxMessage
from portal.training.models import Completion, TrainingModule

KEY = "training_confirmed"


def note(session: Session, module_id: int, user_ids: list[int]) -> None:
    """Remember, until the commit, that these students were newly confirmed on a module."""
    pending = session.info.setdefault(KEY, {})
    for user_id in user_ids:
        pending.setdefault(user_id, []).append(module_id)


def _current(completion_at, module: TrainingModule, now) -> bool:
    """A completion still counts (it has not expired)."""
    return not module.validity_days or completion_at >= now - timedelta(days=module.validity_days)


def queue_emails(pending: dict[int, list[int]]) -> int:
    """Queue one email per student naming the confirmed modules and, when nothing required is
    missing any more, that they can book. A fixed number of queries whatever the number of students."""
    module_ids = {m for ids in pending.values() for m in ids}
    modules = {m.id: m for m in db.session.scalars(
        select(TrainingModule).options(joinedload(TrainingModule.campaign)).where(TrainingModule.id.in_(module_ids)))}
    campaign_ids = {m.campaign_id for m in modules.values()}
    required = list(db.session.scalars(select(TrainingModule).where(
        TrainingModule.campaign_id.in_(campaign_ids), TrainingModule.is_required, TrainingModule.is_retired.is_(False))
        .order_by(TrainingModule.position, TrainingModule.id)))
    now = clock.now()
    by_id = {m.id: m for m in required}
    done: dict[int, set[int]] = {}
    for user_id, module_id, completed_at in db.session.execute(
            select(Completion.user_id, Completion.module_id, Completion.completed_at).where(
                Completion.user_id.in_(list(pending)), Completion.module_id.in_(list(by_id)), Completion.is_current)):
        if _current(completed_at, by_id[module_id], now):
            done.setdefault(user_id, set()).add(module_id)
    users = db.session.scalars(select(User).where(User.id.in_(list(pending)), User.is_active_account)).all()
    finder = external_url("shifts.find")
    messages = []
    for user in users:
        confirmed = sorted({modules[m] for m in pending[user.id] if m in modules}, key=lambda m: (m.position, m.id))
        if not confirmed:
            continue
        campaign: Campaign = confirmed[0].campaign
        missing = [m for m in required if m.campaign_id == campaign.id and m.id not in done.get(user.id, set())]
        messages.append(mail.queue(user.email, "training_confirmed", kind="training-confirmed", locale=user.locale,
                   user=user, campaign=campaign, modules=confirmed, missing=missing,
                   can_book=not missing and campaign.status == "open", finder=finder,
                   training=external_url("training.my_training", slug=campaign.slug)))
    # mail.queue renders and adds each row; a class of 500 is then written in one executemany
    # instead of 500 INSERTs, so bulk sign-off keeps its constant number of statements.
    for message in messages:
        db.session.expunge(message)
    if messages:
        db.session.execute(insert(OutboxMessage), [
            {"to_email": m.to_email, "subject": m.subject, "body_text": m.body_text, "kind": m.kind} for m in messages])
    return len(messages)


@event.listens_for(Session, "before_commit")
def _queue_before_commit(session: Session) -> None:
    """Turn the notes of this transaction into emails, in the same transaction."""
    pending = session.info.pop(KEY, None)
    if pending:
        queue_emails(pending)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    """Completions rolled back: no email."""
    session.info.pop(KEY, None)

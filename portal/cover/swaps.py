"""Swaps: A proposes to exchange seats with B (found by the swap code B gave A); B accepts or declines.

A swap code names one booking ("1532-K7M2QX": the booking's number and a signature of it), so it is
given, not guessed; it shows a colleague's first name and shift, nothing else. Accepting re-checks
both students against every booking rule, each as if the seat they give up were already free, under
the two students' locks (lowest id first), and the proposal goes proposed → accepted with a
conditional UPDATE: of two conflicting swaps accepted at once, one wins and the other is out of date.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.core import clock
from portal.core.urls import external_url
from portal.cover import services as cover
from portal.cover.models import SwapProposal
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.notifications import services as notifications
from portal.shifts import rules
from portal.shifts.models import Booking, Shift
from portal.shifts.rules import BookingRefused

STALE = _l("This swap is out of date: one of the two bookings has changed or its shift has started.")
WRONG_CODE = _l("This swap code is not right, or its booking is no longer active. Check it with your colleague.")
COLLEAGUE_CANNOT = _l("Your colleague cannot take your shift under the booking rules (another shift, a cap or "
                      "their training).")


def _signature(booking_id: int) -> str:
    """Six letters and digits that only the portal can compute for this booking."""
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), f"swap:{booking_id}".encode(), hashlib.sha256)
    return base64.b32encode(digest.digest()).decode()[:6]


def code_for(booking: Booking) -> str:
    """The booking's swap code, which its student gives a colleague who wants to swap."""
    return f"{booking.id}-{_signature(booking.id)}"


def booking_for_code(code: str) -> Booking | None:
    """The active booking a swap code names, or None (a wrong, mistyped or old code)."""
    number, _, signature = "".join((code or "").split()).upper().partition("-")
    if not number.isdigit() or len(number) > 12 or not hmac.compare_digest(signature, _signature(int(number))):
        return None
    booking = db.session.get(Booking, int(number))
    return booking if booking is not None and cover.still_active(booking) is None else None


def _as_if_free(user, shift: Shift, giving_up: Booking) -> BookingRefused | None:
    """The rule that stops `user` taking `shift` once the seat of `giving_up` is theirs no longer."""
    context = rules.context_for(user, [shift])
    context["bookings"] = [b for b in context["bookings"] if b.id != giving_up.id]
    return rules.refusal(user, shift, context)


def refusal(mine: Booking, theirs: Booking) -> BookingRefused | None:
    """Why these two bookings cannot be swapped now (either side's state or rules), or None."""
    if mine.user_id == theirs.user_id:
        return BookingRefused("own", _l("That code is for one of your own bookings."))
    if mine.shift_id == theirs.shift_id:
        return BookingRefused("same", _l("You are both on this shift already: there is nothing to swap."))
    if cover.still_active(mine) or cover.still_active(theirs):
        return BookingRefused("stale", STALE)
    for user, shift, giving_up in ((mine.user, theirs.shift, mine), (theirs.user, mine.shift, theirs)):
        refused = _as_if_free(user, shift, giving_up)
        if refused:
            if user.id == theirs.user_id:  # their rule, told without their details
                return BookingRefused(refused.code, COLLEAGUE_CANNOT)
            return refused
    return None


def preview(user, booking_id: int, code: str) -> tuple[Booking, Booking]:
    """(my booking, the colleague's the code names) when the two could be swapped, else BookingRefused."""
    mine, theirs = db.session.get(Booking, booking_id), booking_for_code(code)
    if mine is None or mine.user_id != user.id:
        raise BookingRefused("missing", _l("This booking does not exist."))
    if theirs is None:
        wrong = BookingRefused("code", WRONG_CODE)
        wrong.field = "code"
        raise wrong
    refused = refusal(mine, theirs)
    if refused:
        raise refused
    return mine, theirs


def propose(user, booking_id: int, code: str) -> SwapProposal:
    """Propose to swap my booking for the one the code names; its student is asked."""
    mine, theirs = preview(user, booking_id, code)
    proposal = SwapProposal(proposer_id=user.id, recipient_id=theirs.user_id, from_booking_id=mine.id,
                            to_booking_id=theirs.id)
    try:
        db.session.add(proposal)
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise BookingRefused("proposed", _l("You have already proposed this swap.")) from None
    notifications.notify(theirs.user, "swap-proposed", f"swap-proposed:{proposal.id}", "cover_swap_proposed",
                         link=external_url("cover.swap", swap_id=proposal.id), proposer_name=user.given_name,
                         their_shift=mine.shift, your_shift=theirs.shift)
    db.session.commit()
    return proposal


def _resolve(proposal: SwapProposal, status: str, user_id: int) -> None:
    """proposed → status, by the person allowed to (the recipient answers, the proposer withdraws)."""
    done = db.session.execute(update(SwapProposal).where(
        SwapProposal.id == proposal.id, SwapProposal.status == "proposed",
        (SwapProposal.recipient_id if status != "withdrawn" else SwapProposal.proposer_id) == user_id,
    ).values(status=status, resolved_at=clock.now()).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise BookingRefused("not_open", _l("This proposal has already been answered or withdrawn."))


def answer(user, proposal_id: int, action: str) -> SwapProposal:
    """Accept, decline (the recipient) or withdraw (the proposer) a swap proposal."""
    proposal = db.session.get(SwapProposal, proposal_id)
    if proposal is None:
        raise BookingRefused("missing", _l("This proposal does not exist."))
    try:
        if action == "accept":
            _exchange(user, proposal)
        else:
            _resolve(proposal, "withdrawn" if action == "withdraw" else "declined", user.id)
            if action != "withdraw":
                notifications.notify(proposal.proposer, "swap-declined", f"swap-declined:{proposal.id}",
                                     "cover_swap_declined", link=external_url("cover.swap", swap_id=proposal.id),
                                     recipient_name=proposal.recipient.given_name,
                                     your_shift=proposal.from_booking.shift)
        db.session.commit()
    except BookingRefused:
        db.session.rollback()
        raise
    except IntegrityError:
        db.session.rollback()
        raise BookingRefused("stale", STALE) from None
    return db.session.get(SwapProposal, proposal_id, populate_existing=True)


def _exchange(user, proposal: SwapProposal) -> None:
    """The recipient accepts: both old bookings end and each student is booked on the other's seat."""
    if user.id != proposal.recipient_id:
        raise BookingRefused("not_yours", _l("Only the colleague asked can accept this swap."))
    cover.lock_people(proposal.proposer_id, proposal.recipient_id)
    db.session.refresh(proposal)
    mine = db.session.get(Booking, proposal.from_booking_id, populate_existing=True)
    theirs = db.session.get(Booking, proposal.to_booking_id, populate_existing=True)
    for booking in (mine, theirs):
        db.session.get(Shift, booking.shift_id, populate_existing=True)
    if proposal.status != "proposed":
        raise BookingRefused("not_open", _l("This proposal has already been answered or withdrawn."))
    if mine.user_id != proposal.proposer_id or theirs.user_id != proposal.recipient_id:
        raise BookingRefused("stale", STALE)
    refused = refusal(mine, theirs)
    if refused:
        raise BookingRefused(refused.code, STALE) if refused.code in ("stale", "started") else refused
    _resolve(proposal, "accepted", user.id)
    now = clock.now()
    proposer, recipient = mine.user, theirs.user
    cover.close_proposals_of([mine.id, theirs.id], now, keep=proposal.id)
    new_mine, new_theirs = cover.hand_over(mine, recipient, now), cover.hand_over(theirs, proposer, now)
    _tell_swapped(proposal, new_theirs, new_mine)


def _tell_swapped(proposal: SwapProposal, proposer_now: Booking, recipient_now: Booking) -> None:
    """Both students and the leaders of both points hear of the exchange (the caller commits)."""
    proposer, recipient = proposal.proposer, proposal.recipient
    for person, now_on, other in ((proposer, proposer_now, recipient), (recipient, recipient_now, proposer)):
        notifications.notify(person, "swap-accepted", f"swap-accepted:{proposal.id}", "cover_swap_accepted",
                             link=external_url("shifts.show", shift_id=now_on.shift_id), shift=now_on.shift,
                             other_name=other.given_name)
    history = external_url("cover.history")
    leaders = {leader.id: leader for b in (proposer_now, recipient_now) for leader in cover.leaders_of(b.shift)}
    for leader in leaders.values():
        notifications.notify(leader, "cover-leader", f"swap-leader:{proposal.id}:{leader.id}", "cover_swap_leader",
                             link=history, proposer=proposer, recipient=recipient,
                             proposer_shift=proposer_now.shift, recipient_shift=recipient_now.shift)


def pending_for(user) -> list[SwapProposal]:
    """Proposals waiting for my answer, and those I made that wait for my colleague's (newest first)."""
    return list(db.session.scalars(select(SwapProposal).where(
        SwapProposal.status == "proposed",
        (SwapProposal.recipient_id == user.id) | (SwapProposal.proposer_id == user.id))
        .order_by(SwapProposal.id.desc()).limit(50)))

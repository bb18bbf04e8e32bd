"""Students ask for cover, take a colleague's seat, and propose, accept or decline swaps."""
from __future__ import annotations

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, htmx
from portal.cover import bp, queries, swaps
from portal.cover import services as cover
from portal.cover.forms import AskCoverForm, SwapCodeForm
from portal.cover.models import CoverRequest, SwapProposal
from portal.extensions import db
from portal.forms import EmptyForm, show_error
from portal.shifts.models import Booking
from portal.shifts.rules import BookingRefused


def _my_booking(booking_id: int) -> Booking:
    """One of my bookings (404 for anyone else's)."""
    own = db.get_or_404(Booking, booking_id)
    if own.user_id != current_user.id:
        abort(404)
    return own


def _booking_page(own: Booking, status: int = 200, **forms):
    """My booking's cover page, with its forms as typed (a refusal comes back with 422)."""
    forms.setdefault("ask_form", AskCoverForm(formdata=None))
    forms.setdefault("swap_form", SwapCodeForm(formdata=None))
    return htmx.render("cover/booking.html", None, status, state=queries.for_booking(own),
                       action_form=EmptyForm(), **forms)


@bp.route("/")
@access.roles_required("student")
def index():
    """Cover and swaps: colleagues' requests I could take, my own requests, swaps waiting for an answer."""
    return htmx.render("cover/index.html", takeable=queries.takeable(current_user), mine=queries.mine(current_user),
                       proposals=swaps.pending_for(current_user))


@bp.route("/bookings/<int:booking_id>")
@access.roles_required("student")
def booking(booking_id):
    """My booking's cover page: ask for cover (or withdraw), my swap code, propose a swap."""
    return _booking_page(_my_booking(booking_id))


@bp.route("/bookings/<int:booking_id>/ask", methods=["POST"])
@access.roles_required("student")
def ask(booking_id):
    """Ask colleagues to cover my shift; they are told, and I stay booked until one accepts."""
    own, form = _my_booking(booking_id), AskCoverForm()
    if form.validate_on_submit():
        try:
            cover.ask(current_user, own.id, form.note.data or "")
        except BookingRefused as refused:
            show_error(form, refused)
        else:
            return htmx.redirect(url_for("cover.booking", booking_id=own.id),
                                 _("Your colleagues are asked. You stay booked until one of them accepts."))
    return _booking_page(own, 422, ask_form=form)


@bp.route("/bookings/<int:booking_id>/swap", methods=["POST"])
@access.roles_required("student")
def propose_swap(booking_id):
    """Propose a swap with the booking a colleague's code names: first shown, then sent once confirmed."""
    own, form = _my_booking(booking_id), SwapCodeForm()
    if form.validate_on_submit():
        try:
            if form.confirm.data == "1":
                proposal = swaps.propose(current_user, own.id, form.code.data)
                return htmx.redirect(url_for("cover.swap", swap_id=proposal.id),
                                     _("Your proposal is sent. You keep your shift until your colleague accepts."))
            _mine, theirs = swaps.preview(current_user, own.id, form.code.data)
            return _booking_page(own, swap_form=form, preview=theirs)
        except BookingRefused as refused:
            show_error(form, refused)
    return _booking_page(own, 422, swap_form=form)


@bp.route("/requests/<int:cover_id>/withdraw", methods=["POST"])
@access.roles_required("student")
def withdraw(cover_id):
    """Withdraw my cover request: I keep my seat and nobody can take it any more."""
    asked = db.get_or_404(CoverRequest, cover_id)
    if asked.requester_id != current_user.id:
        abort(404)
    try:
        cover.withdraw(current_user, asked.id)
    except BookingRefused as refused:
        return htmx.redirect(url_for("cover.booking", booking_id=asked.booking_id), refused.message, "error")
    return htmx.redirect(url_for("cover.booking", booking_id=asked.booking_id),
                         _("Your request is withdrawn. You are still booked on this shift."))


def _offer_page(asked: CoverRequest, status: int = 200, error=None):
    """The page of one request as the current student sees it (a GET never takes the seat)."""
    refusal = cover.refusal_to_take(current_user, asked)
    return htmx.render("cover/offer.html", None, status, asked=asked, refusal=refusal, error=error,
                       action_form=EmptyForm())


@bp.route("/requests/<int:cover_id>")
@access.roles_required("student")
def offer(cover_id):
    """A colleague's request for cover: the shift, their first name and note, and a button to take it."""
    asked = db.get_or_404(CoverRequest, cover_id)
    if not queries.may_view(current_user, asked):
        abort(404)
    return _offer_page(asked)


@bp.route("/requests/<int:cover_id>/accept", methods=["POST"])
@access.roles_required("student")
def accept(cover_id):
    """Take the seat: I am booked and my colleague is released, or told why not (422)."""
    asked = db.get_or_404(CoverRequest, cover_id)
    if not queries.may_view(current_user, asked):
        abort(404)
    try:
        new = cover.accept(current_user, asked.id)
    except BookingRefused as refused:
        db.session.expire_all()
        return _offer_page(asked, 422, refused.message)
    return htmx.redirect(url_for("shifts.show", shift_id=new.shift_id),
                         _("Thank you! The shift is yours now; your colleague and the team leader are told."))


@bp.route("/swaps/<int:swap_id>")
@access.roles_required("student")
def swap(swap_id):
    """A swap proposal, as its proposer or the colleague asked sees it."""
    proposal = _my_proposal(swap_id)
    return htmx.render("cover/swap.html", proposal=proposal, action_form=EmptyForm())


def _my_proposal(swap_id: int) -> SwapProposal:
    """A proposal I made or was asked (404 for anyone else)."""
    proposal = db.get_or_404(SwapProposal, swap_id)
    if current_user.id not in (proposal.proposer_id, proposal.recipient_id):
        abort(404)
    return proposal


@bp.route("/swaps/<int:swap_id>/answer", methods=["POST"])
@access.roles_required("student")
def answer_swap(swap_id):
    """Accept or decline a swap (the colleague asked), or withdraw it (the proposer)."""
    proposal, action = _my_proposal(swap_id), request.form.get("action")
    mine = {proposal.recipient_id: ("accept", "decline"), proposal.proposer_id: ("withdraw",)}[current_user.id]
    if action not in mine:
        abort(403)
    try:
        swaps.answer(current_user, proposal.id, action)
    except BookingRefused as refused:
        db.session.expire_all()
        return htmx.render("cover/swap.html", None, 422, proposal=proposal, error=refused.message,
                           action_form=EmptyForm())
    done = {"accept": _("Swapped! Your new shift is in My shifts; your colleague and the team leaders are told."),
            "decline": _("You declined the swap. You keep your shift."),
            "withdraw": _("Your proposal is withdrawn.")}[action]
    return htmx.redirect(url_for("cover.swap", swap_id=proposal.id), done)

"""The register's tables for the campaign between clicks: notices, reminders, cover and swaps, team boards.

Each new place that keeps personal data for these is declared here (register.py gathers it into TABLES).
"""
from __future__ import annotations

from portal.privacy.register_terms import DELETE_ROWS, LINK, NP, NULL, REDACT, SECRET, Owner, P, entry

_t = entry
_ME = Owner("user_id")
_D = DELETE_ROWS

ENGAGEMENT = [
    # --- notifications: the inbox, deliveries per channel, choices, devices ------------------------
    _t("notifications", "notifications", {
        "id": NP, "user_id": P("participation"), "key": NP, "kind": P("participation"), "subject": P("participation"),
        "body": P("participation"), "link": P("participation"), "created_at": P("participation"),
        "read_at": P("participation"),
    }, _ME, on_erase=_D),
    _t("notification_deliveries", "notifications", {
        "id": NP, "notification_id": P("participation"), "channel": P("participation"), "status": P("participation"),
        "due_at": P("participation"), "sent_at": P("participation"), "detail": NP, "outbox_id": NP,
    }, Owner("user_id", (("notification_id", "notifications"),)), on_erase=_D),
    _t("notification_preferences", "notifications", {c: P("preferences") for c in (
        "user_id", "email_on", "push_on", "quiet_from", "quiet_until", "leader_messages_on", "updated_at")},
        _ME, on_erase=_D),
    _t("push_subscriptions", "notifications", {
        "id": NP, "user_id": P("technical"), "endpoint": P("technical", export=SECRET),
        "endpoint_hash": P("technical", export=SECRET), "p256dh": P("technical", export=SECRET),
        "auth": P("technical", export=SECRET), "device_label": P("technical"), "created_at": P("technical"),
        "last_sent_at": P("technical"), "failures": NP,
    }, _ME, on_erase=_D),
    # --- cover and swaps: a booked student asks colleagues to take the seat, or two students exchange seats ---
    # The asker owns the request (their note is emptied at erasure); the colleague who took it stays a link.
    _t("cover_requests", "shifts", {
        "id": NP, "booking_id": P("participation"), "shift_id": P("participation"), "requester_id": P("participation"),
        "note": P("free_text", NULL), "status": P("participation"), "offered_count": NP,
        "created_at": P("participation"), "resolved_at": P("participation"), "taken_by_id": LINK,
        "new_booking_id": NP,
    }, Owner("requester_id"), authors=("taken_by_id",)),
    _t("swap_proposals", "shifts", {
        "id": NP, "proposer_id": P("participation"), "recipient_id": LINK, "from_booking_id": P("participation"),
        "to_booking_id": P("participation"), "status": P("participation"), "created_at": P("participation"),
        "resolved_at": P("participation"),
    }, Owner("proposer_id"), authors=("recipient_id",)),
    # --- reminders: settings per campaign, answers to "still coming?", missed shifts, booking pauses --
    _t("campaign_reminder_settings", "staff_work", {
        "campaign_id": NP, "evening_on": NP, "evening_at": NP, "soon_on": NP, "soon_hours": NP, "what_to_bring": NP,
        "no_show_limit": NP, "updated_at": NP, "updated_by_id": LINK,
    }, authors=("updated_by_id",)),
    _t("shift_confirmations", "shifts", {
        "id": NP, "booking_id": P("participation"), "answer": P("participation"), "answered_at": P("participation"),
    }, Owner("user_id", (("booking_id", "bookings"),)), on_erase=_D),
    # What a student said about a missed shift: read by organisers only, removed with the person.
    _t("missed_shifts", "shifts", {
        "id": NP, "booking_id": P("participation"), "asked_at": P("participation"), "reason": P("free_text", NULL),
        "answered_at": P("participation"),
    }, Owner("user_id", (("booking_id", "bookings"),)), on_erase=_D),
    _t("booking_pauses", "shifts", {
        "id": NP, "user_id": P("participation"), "campaign_id": P("participation"), "no_shows": P("participation"),
        "paused_at": P("participation"), "lifted_at": P("participation"), "lifted_by_id": LINK,
    }, _ME, authors=("lifted_by_id",), on_erase=_D),
    # --- guides to public services: public texts by staff; scans are counts per guide, point and day, no person ---
    _t("guides", "staff_work", {c: NP for c in (
        "id", "slug", "status", "title_vi", "summary_vi", "call_vi", "body_vi", "title_en", "summary_en", "call_en",
        "body_en", "submitted_at", "reviewed_at", "published_at", "retired_at", "created_at", "updated_at")}
        | {"author_id": LINK, "reviewer_id": LINK}, authors=("author_id", "reviewer_id")),
    _t("guide_images", None, {c: NP for c in ("id", "guide_id", "alt", "content_type", "data", "width", "height",
                                              "created_at")}),
    _t("point_guides", None, {"point_id": NP, "guide_id": NP, "position": NP}),
    _t("guide_scans", None, {"id": NP, "guide_id": NP, "point_id": NP, "day": NP, "count": NP}),
    # --- certificates' paper: the issuing bodies and their officials as printed on the documents they issue (an
    # official's name and signature in that capacity, not a portal account); counters hold numbers only ---
    _t("certificate_paper", "staff_work", {"id": NP, "campaign_id": NP, "place": NP, "motto": NP, "updated_at": NP,
                                           "updated_by_id": LINK}, authors=("updated_by_id",)),
    _t("certificate_issuers", None, {c: NP for c in (
        "id", "campaign_id", "position", "parent_body", "issuing_body", "short_name", "on_behalf", "signatory_title",
        "signatory_name", "signature_sha256")}),
    _t("signature_images", None, {c: NP for c in ("sha256", "data", "width", "height", "created_at")}),
    _t("credential_signatures", None, {"credential_id": NP, "sha256": NP}),
    _t("document_counters", None, {"campaign_id": NP, "series": NP, "last_number": NP}),
    # --- credential statuses: published bitstrings (one bit or two per credential, no names) ---------
    _t("status_lists", None, {c: NP for c in ("id", "next_index", "revocation_bits", "message_bits",
                                              "revocation_json", "message_json", "signed_at")}),
    _t("credential_status_entries", None, {"credential_id": NP, "status_list_id": NP, "status_index": NP}),
    # --- team board: posts by staff on points' boards, who saw them, leaders' messages to a shift -----
    # A post's picture is the point's news (a queue, a notice on the door), kept while the post is.
    _t("team_posts", "staff_work", {
        "id": NP, "author_id": LINK, "body": P("free_text", REDACT), "link": NP, "pinned": NP, "shift_id": NP,
        "need_count": NP, "created_at": NP,
    }, authors=("author_id",)),
    _t("team_post_points", None, {"post_id": NP, "point_id": NP}),
    _t("team_post_images", None, {"post_id": NP, "content_type": NP, "data": NP, "width": NP, "height": NP}),
    _t("team_post_seen", "notifications", {
        "post_id": P("participation"), "user_id": P("participation"), "seen_at": P("participation")}, _ME, on_erase=_D),
    _t("shift_messages", "staff_work", {
        "id": NP, "shift_id": NP, "author_id": LINK, "body": P("free_text", REDACT), "created_at": NP,
    }, authors=("author_id",)),
    _t("shift_message_recipients", "notifications", {
        "message_id": P("participation"), "user_id": P("participation"), "outcome": P("participation"),
        "notification_id": P("participation"), "created_at": P("participation"),
    }, _ME, on_erase=_D),
]

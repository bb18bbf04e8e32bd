"""The register's tables for the campaign between clicks: notices, reminders, cover and swaps, team boards.

Each new place that keeps personal data for these is declared here (register.py gathers it into TABLES).
"""
from __future__ import annotations

from portal.privacy.register_terms import DELETE_ROWS, NP, SECRET, Owner, P, entry

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
]

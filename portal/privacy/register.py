"""The processing register: one declaration of every table and column the portal keeps.

Law No. 91/2025/QH15 asks what personal data is processed, why, on what basis, who sees it and for
how long. This module answers once, in the terms of register_terms.py, and the privacy page, the
organisers' register page, a person's "My data" page, the export and the erasure all read it.
`tests/privacy/test_register.py` fails when any column of any table in `db.metadata` is not declared here.

API (stable; erasure.py, export.py and the pages use only this and register_terms): `TABLES`, every
table by name; its personal columns, owner path (how a row belongs to the person it is about) and
author columns (rows naming a person as the one who acted: the link is kept, pointing at the
pseudonym after erasure); `owned_ids`/`authored_ids`, selects of the rows about or by a person;
`AUDIT_TARGETS`, audit `target_type` → table.
"""
from __future__ import annotations

from sqlalchemy import Select, and_, or_, select

from portal.extensions import db
from portal.privacy import register_terms
from portal.privacy.register_engagement import ENGAGEMENT
from portal.privacy.register_terms import (
    BLANK,
    DELETE_ROWS,
    FILE,
    GROUPS,
    KEEP,
    LINK,
    NP,
    NULL,
    OMIT,
    PSEUDONYM,
    REDACT,
    SECRET,
    Group,
    Owner,
    P,
    Table,
)

_t = register_terms.entry


_ME = Owner("user_id")
_D = DELETE_ROWS
TABLES: dict[str, Table] = dict([
    # --- accounts -----------------------------------------------------------------------------
    _t("users", "account", {
        "id": NP, "email": P("contact", PSEUDONYM), "full_name": P("identity", PSEUDONYM),
        "sort_name": P("identity", PSEUDONYM), "password_hash": P("security", NULL, SECRET),
        "phone": P("contact", NULL), "school": P("education", KEEP), "student_code": P("identity", NULL),
        "chapter": P("education", KEEP), "locale": P("preferences"), "is_active_account": P("participation"),
        "email_verified_at": P("participation"), "created_at": P("participation"),
        "last_login_at": P("technical", NULL), "password_changed_at": P("security", NULL),
        "totp_secret": P("security", NULL, SECRET), "totp_enabled_at": P("security", NULL),
        "totp_last_step": P("security", NULL, SECRET), "closed_at": P("participation"),
        "erase_after": P("participation"), "erased_at": P("participation"),
    }, Owner("id")),
    _t("user_roles", "enrolments", {"id": NP, "user_id": P("participation"), "role": P("participation"),
                                    "granted_at": P("participation")}, _ME),
    _t("consents", "consents", {"id": NP, "user_id": P("consent"), "notice_version": P("consent"),
                                "purpose": P("consent"), "accepted_at": P("consent"),
                                "withdrawn_at": P("consent")}, _ME),
    _t("recovery_codes", "security", {"id": NP, "user_id": P("security"), "code_hash": P("security", export=SECRET),
                                      "created_at": P("security"), "used_at": P("security")}, _ME, on_erase=_D),
    _t("user_sessions", "security", {
        "id": NP, "user_id": P("security"), "token_hash": P("security", export=SECRET), "created_at": P("technical"),
        "last_seen_at": P("technical"), "expires_at": P("technical"), "is_remember": P("technical"),
        "device": P("technical"), "ended_at": P("technical"), "end_reason": P("technical"),
    }, _ME, on_erase=_D),
    _t("user_preferred_points", "shift_preferences", {  # shift finder
        "user_id": P("place_preferences"), "point_id": P("place_preferences"), "created_at": P("place_preferences"),
    }, _ME, on_erase=_D),
    _t("calendar_feeds", "security", {"id": NP, "user_id": P("security"), "token": P("security", export=SECRET),
                                      "created_at": P("security")}, _ME, on_erase=_D),
    # --- campaigns and places -------------------------------------------------------------------
    _t("branches", None, {"id": NP, "name": NP, "address": NP}),
    _t("service_points", None, {"id": NP, "branch_id": NP, "name": NP, "ward": NP, "address": NP, "map_url": NP,
                                "opening_hours": NP, "volunteer_notes": NP, "is_active": NP}),
    _t("point_leaders", "enrolments", {"point_id": P("participation"), "user_id": P("participation")}, _ME,
       on_erase=_D),
    _t("campaigns", None, {c: NP for c in (
        "id", "name", "slug", "description", "start_date", "end_date", "peak_start", "peak_end", "status",
        "booking_window_days", "cancel_cutoff_hours", "max_shifts_per_week", "max_hours_per_day",
        "peak_extra_seats", "created_at", "updated_at")}),
    _t("campaign_organisers", None, {"id": NP, "campaign_id": NP, "position": NP, "name": NP}),
    _t("campaign_enrolments", "enrolments", {"id": NP, "campaign_id": P("participation"), "user_id": P("participation"),
                                             "joined_at": P("participation")}, _ME),
    _t("campaign_staff", "enrolments", {"id": NP, "campaign_id": P("participation"), "user_id": P("participation"),
                                        "role": P("participation"), "assigned_at": P("participation")}, _ME),
    _t("activity_categories", None, {"id": NP, "campaign_id": NP, "key": NP, "label_vi": NP, "label_en": NP,
                                     "position": NP, "is_active": NP}),
    # --- training --------------------------------------------------------------------------------
    _t("training_modules", None, {c: NP for c in (
        "id", "campaign_id", "title", "summary", "body_md", "body_html", "estimated_minutes", "position",
        "is_required", "validity_days", "is_retired", "created_at", "updated_at")}),
    _t("quiz_questions", None, {"id": NP, "module_id": NP, "position": NP, "prompt": NP, "options": NP,
                                "answer_index": NP}),
    _t("module_progress", "training", {"id": NP, "module_id": P("participation"), "user_id": P("participation"),
                                       "read_at": P("participation"), "quiz_passed_at": P("participation"),
                                       "quiz_best_score": P("evaluation")}, _ME),
    _t("training_completions", "training", {
        "id": NP, "module_id": P("participation"), "user_id": P("participation"), "completed_at": P("participation"),
        "method": P("participation"), "recorded_by_id": LINK, "session_id": P("participation"),
        "is_current": P("participation"), "undone_at": P("participation"), "undone_by_id": LINK,
        "undo_reason": P("free_text", NULL),
    }, _ME, authors=("recorded_by_id", "undone_by_id")),
    _t("training_sessions", "staff_work", {
        "id": NP, "campaign_id": NP, "title": NP, "starts_at": NP, "ends_at": NP, "place": NP, "online_url": NP,
        "capacity": NP, "trainer_id": LINK, "attendance_taken_at": NP, "created_at": NP,
    }, authors=("trainer_id",)),
    _t("training_session_modules", None, {"session_id": NP, "module_id": NP}),
    _t("training_session_registrations", "training", {
        "id": NP, "session_id": P("participation"), "user_id": P("participation"),
        "registered_at": P("participation"), "attended": P("participation")}, _ME),
    # An attendance sheet's preview: the ids it matched are people, the report holds what was typed.
    _t("training_import_batches", "staff_work", {
        "id": NP, "module_id": NP, "created_by_id": LINK, "created_at": NP, "filename": P("free_text", BLANK),
        "report": P("identity", REDACT), "user_ids": P("participation", REDACT), "committed_at": NP,
    }, authors=("created_by_id",)),
    # --- shifts ----------------------------------------------------------------------------------
    _t("shift_templates", None, {"id": NP, "campaign_id": NP, "point_id": NP, "weekdays": NP, "start_time": NP,
                                 "end_time": NP, "capacity": NP, "task_focus": NP, "created_at": NP}),
    _t("shifts", None, {"id": NP, "campaign_id": NP, "point_id": NP, "template_id": NP, "starts_at": NP,
                        "ends_at": NP, "capacity": NP, "booked_count": NP, "task_focus": NP, "status": NP,
                        "cancel_reason": NP, "created_at": NP}),
    _t("bookings", "shifts", {
        "id": NP, "shift_id": P("participation"), "user_id": P("participation"), "status": P("participation"),
        "source": P("participation"), "is_override": P("participation"), "created_at": P("participation"),
        "created_by_id": LINK, "cancelled_at": P("participation"), "cancelled_by_id": LINK,
        "cancel_note": P("free_text", NULL),
    }, _ME, authors=("created_by_id", "cancelled_by_id")),
    _t("waitlist_entries", "shifts", {"id": NP, "shift_id": P("participation"), "user_id": P("participation"),
                                      "status": P("participation"), "created_at": P("participation"),
                                      "resolved_at": P("participation")}, _ME),
    _t("staffing_calls", "staff_work", {"id": NP, "shift_id": NP, "sent_by_id": LINK, "sent_at": NP,
                                        "recipients": NP}, authors=("sent_by_id",)),
    # --- operations ------------------------------------------------------------------------------
    _t("attendance", "shifts", {
        "id": NP, "booking_id": P("participation"), "status": P("participation"), "checked_in_at": P("participation"),
        "checked_out_at": P("participation"), "check_in_method": P("participation"), "task": P("participation"),
        "adjusted_minutes": P("participation"), "updated_at": P("participation"), "updated_by_id": LINK,
    }, Owner("user_id", (("booking_id", "bookings"),)), authors=("updated_by_id",)),
    # Today's undo trail: the attendance row before and after one change (the task text included).
    _t("attendance_changes", "shifts", {
        "id": NP, "booking_id": P("participation"), "action": P("participation"), "before": P("participation"),
        "after": P("participation"), "created_at": P("participation"), "actor_id": LINK,
        "undone_at": P("participation"),
    }, Owner("user_id", (("booking_id", "bookings"),)), authors=("actor_id",), on_erase=_D),
    _t("volunteer_ratings", "ratings", {
        "id": NP, "booking_id": P("participation"), "rating": P("evaluation"), "comment": P("evaluation", BLANK),
        "rated_by_id": LINK, "rated_at": P("evaluation"),
    }, Owner("user_id", (("booking_id", "bookings"),)), authors=("rated_by_id",)),
    _t("activity_logs", "activity_logs", {
        "id": NP, "shift_id": NP, "status": NP, "elderly_helped": NP, "notes": P("free_text", REDACT),
        "incidents": P("free_text", REDACT), "updated_at": NP, "updated_by_id": LINK, "confirmed_by_id": LINK,
    }, authors=("updated_by_id", "confirmed_by_id")),
    _t("activity_counts", None, {"id": NP, "log_id": NP, "category_id": NP, "count": NP}),
    _t("citizen_feedback", "staff_work", {
        "id": NP, "point_id": NP, "category": NP, "text": P("free_text", REDACT), "status": NP, "created_at": NP,
        "created_by_id": LINK, "handled_by_id": LINK, "handled_at": NP,
    }, authors=("created_by_id", "handled_by_id")),
    # --- certificates ----------------------------------------------------------------------------
    _t("certificate_rules", "staff_work", {"id": NP, "campaign_id": NP, "require_training": NP, "min_minutes": NP,
                                   "max_no_shows": NP, "updated_at": NP, "updated_by_id": LINK},
       authors=("updated_by_id",)),
    _t("credentials", "certificates", {
        "id": NP, "code": P("identity"), "kind": P("participation"), "campaign_id": P("participation"),
        "user_id": P("participation"), "claims_json": P("identity", REDACT), "signature": P("identity", NULL),
        "kid": P("participation"), "issued_at": P("participation"), "issued_by_id": LINK,
        "early_reason": P("free_text", NULL), "is_current": P("participation"), "supersedes_id": P("participation"),
        "superseded_at": P("participation"), "correction_reason": P("free_text", NULL),
        "revoked_at": P("participation"), "revoked_by_id": LINK, "revoke_reason": P("free_text", NULL),
        "revoke_category": P("participation"), "pdf": P("identity", NULL, FILE), "pdf_sha256": P("identity", NULL),
        "number": P("participation"), "number_text": P("participation"), "ob_json": P("identity", NULL),
    }, _ME, authors=("issued_by_id", "revoked_by_id")),
    # --- referrals -------------------------------------------------------------------------------
    _t("host_organisations", "hosts", {
        "id": NP, "name": NP, "contact_name": P("host_contact"), "contact_email": P("host_contact"),
        "contact_phone": P("host_contact"), "places": NP, "fields": NP, "is_active": NP, "created_at": NP}),
    _t("recommendations", "referrals", {
        "id": NP, "campaign_id": P("participation"), "user_id": P("participation"), "kind": P("participation"),
        "status": P("participation"), "host_id": P("participation"), "decision_note": P("evaluation", NULL),
        "decided_by_id": LINK, "decided_at": P("participation"), "consent": P("consent"),
        "consent_at": P("consent"), "shared_json": P("identity", NULL), "credential_id": P("participation"),
        "created_at": P("participation"), "updated_at": P("participation"),
    }, _ME, authors=("decided_by_id",)),
    _t("nominations", "referrals", {"id": NP, "case_id": P("participation"), "nominated_by_id": LINK,
                                    "role": P("participation"), "reason": P("evaluation", BLANK),
                                    "created_at": P("participation")},
       Owner("user_id", (("case_id", "recommendations"),)), authors=("nominated_by_id",)),
    _t("recommendation_events", "referrals", {
        "id": NP, "case_id": P("participation"), "actor_id": LINK, "from_status": P("participation"),
        "to_status": P("participation"), "note": P("evaluation", NULL), "at": P("participation"),
    }, Owner("user_id", (("case_id", "recommendations"),)), authors=("actor_id",)),
    # --- jobs: what the background queue ran; arguments are ids and errors come from servers ---------
    _t("job_runs", None, {c: NP for c in ("id", "task_id", "name", "args", "status", "attempts", "error",
                                          "queued_at", "started_at", "finished_at")}),
    _t("job_periods", None, {"id": NP, "name": NP, "period": NP, "done_at": NP}),
    *ENGAGEMENT,
    # --- mail, audit, privacy --------------------------------------------------------------------
    _t("outbox_messages", "emails", {
        "id": NP, "created_at": P("participation"), "to_email": P("contact", PSEUDONYM),
        "subject": P("free_text", REDACT), "body_text": P("free_text", BLANK), "kind": P("participation"),
        "status": P("participation"), "attempts": NP, "sent_at": P("participation"), "last_error": P("technical", NULL),
    }, Owner("to_email", match="email")),
    _t("audit_events", "audit", {
        "id": NP, "created_at": P("technical"), "actor_id": LINK, "action": P("technical"),
        "target_type": P("technical"), "target_id": P("technical"), "before": P("identity", REDACT),
        "after": P("identity", REDACT), "ip_address": P("technical", NULL),
    }, Owner("target_id", where=(("target_type", "user"),)), authors=("actor_id",)),
    _t("data_requests", "requests", {
        "id": NP, "user_id": P("participation"), "subject": P("identity", NULL), "kind": P("participation"),
        "status": P("participation"), "channel": P("participation"), "details": P("free_text", BLANK),
        "received_at": P("participation"), "acknowledge_by": P("participation"), "due_at": P("participation"),
        "is_extended": P("participation"), "acknowledged_at": P("participation"), "created_by_id": LINK,
        "handled_by_id": LINK, "closed_at": P("participation"), "outcome": P("free_text", REDACT),
    }, _ME, authors=("created_by_id", "handled_by_id")),
    _t("data_exports", "requests", {
        "id": NP, "user_id": P("participation"), "requested_by_id": LINK, "request_id": P("participation"),
        "status": P("participation"), "created_at": P("participation"), "ready_at": P("participation"),
        "expires_at": P("participation"), "size_bytes": P("participation"), "sha256": P("participation"),
        "content": P("identity", export=OMIT),
    }, _ME, authors=("requested_by_id",), on_erase=_D),
    _t("breach_records", "staff_work", {
        "id": NP, "detected_at": NP, "recorded_at": NP, "recorded_by_id": LINK, "summary": P("free_text", REDACT),
        "data_kinds": NP, "affected_from": NP, "affected_to": NP, "status": NP, "notified_at": NP,
        "closed_at": NP, "actions": P("free_text", REDACT),
    }, authors=("recorded_by_id",)),
])

# Audit events name their target by type and id: the table each target type lives in.
AUDIT_TARGETS = {
    "user": "users", "booking": "bookings", "attendance": "attendance", "volunteer_rating": "volunteer_ratings",
    "recommendation": "recommendations", "credential": "credentials", "training_completion": "training_completions",
    "data_request": "data_requests", "data_export": "data_exports",
}


def table(name: str) -> Table:
    """The declaration of a table (KeyError when undeclared)."""
    return TABLES[name]


def owner_path(name: str) -> Owner | None:
    """How rows of a table belong to the person they are about (None: they are about no one)."""
    return TABLES[name].owner


def tables_in_group(group: str) -> list[Table]:
    """The tables of a kind of data, in declaration order."""
    return [t for t in TABLES.values() if t.group == group]


def _pk(name: str):
    return list(db.metadata.tables[name].primary_key.columns)


def owned_ids(name: str, user) -> Select:
    """A select of the primary key(s) of the rows of `name` about `user`, along the owner path."""
    owner = TABLES[name].owner
    if owner is None:
        raise ValueError(f"{name} has no owner path")
    meta = db.metadata.tables
    first = meta[name]
    query = select(*_pk(name)).select_from(first)
    current = first
    for fk_column, next_table in owner.hops:
        target = meta[next_table]
        query = query.join(target, current.c[fk_column] == target.c.id)
        current = target
    value = getattr(user, owner.match)
    conditions = [current.c[owner.column] == value]
    conditions += [first.c[col] == val for col, val in owner.where]
    return query.where(and_(*conditions))


def authored_ids(name: str, user) -> Select:
    """A select of the primary key(s) of the rows of `name` naming `user` in an author column."""
    t = db.metadata.tables[name]
    columns = TABLES[name].authors
    if not columns:
        raise ValueError(f"{name} has no author columns")
    return select(*_pk(name)).where(or_(*(t.c[c] == user.id for c in columns)))


def register_rows() -> list[tuple[str, Group, list[str]]]:
    """(group key, group, data kind keys) for every group holding personal data, for the pages."""
    rows = []
    for key, group in GROUPS.items():
        kinds: list[str] = []
        for t in tables_in_group(key):
            for col in t.personal().values():
                if col.data not in kinds and col.data != "link":
                    kinds.append(col.data)
        rows.append((key, group, kinds))
    return rows

"""An audit event's before and after as a reader sees them: a label per field, the value before → after,
people by name (looked up once per page), dates dd/mm/yyyy in Hanoi time. Plain text, never markup."""
from __future__ import annotations

import re
from datetime import date, datetime

from portal.accounts.labels import ROLE_LABELS
from portal.i18n import format_date, format_datetime_local, format_number
from portal.i18n import lazy_text as _l

# Fields that hold people: their ids are shown as names.
PERSON_FIELDS = {"user_id", "actor_id", "handled_by_id", "leaders", "by", "assigned", "organiser", "trainer_id",
                 "leader_id", "revoked_by_id", "updated_by_id", "confirmed_by_id", "created_by_id"}

FIELD_LABELS = {
    "full_name": _l("Full name"), "email": _l("Email"), "role_names": _l("Roles"), "role": _l("Role"),
    "is_active_account": _l("Account active"), "name": _l("Name"), "slug": _l("Web address"),
    "description": _l("Description"), "start_date": _l("First day"), "end_date": _l("Last day"),
    "peak_start": _l("Peak from"), "peak_end": _l("Peak until"), "status": _l("Status"),
    "organiser_names": _l("Organisers"), "booking_window_days": _l("Booking opens (days ahead)"),
    "cancel_cutoff_hours": _l("Cancellations close (hours before)"), "max_shifts_per_week": _l("Most shifts a week"),
    "max_hours_per_day": _l("Most hours a day"), "peak_extra_seats": _l("Extra seats at peak"),
    "title": _l("Title"), "is_required": _l("Required"), "validity_days": _l("Valid for (days)"),
    "estimated_minutes": _l("Estimated minutes"), "position": _l("Position"), "is_retired": _l("Retired"),
    "branch_id": _l("Branch"), "ward": _l("Ward or commune"), "address": _l("Address"), "map_url": _l("Map link"),
    "opening_hours": _l("Opening hours"), "volunteer_notes": _l("Notes for volunteers"), "is_active": _l("Active"),
    "leaders": _l("Team leaders"), "starts_at": _l("Starts"), "ends_at": _l("Ends"), "capacity": _l("Seats"),
    "elderly": _l("Elderly or vulnerable people helped"), "notes": _l("Notes"), "incidents": _l("Incidents"),
    "counts": _l("Citizens helped per category"), "reason": _l("Reason"), "note": _l("Note"),
    "early_reason": _l("Reason for issuing early"), "count": _l("Count"), "code": _l("Code"),
    "method": _l("How"), "booking_id": _l("Booking"), "user_id": _l("Person"), "point_id": _l("Service point"),
    "category": _l("Category"), "task": _l("Task"), "consent": _l("Consent"), "purpose": _l("Purpose"),
    "handled_by_id": _l("Handled by"), "due_at": _l("Due"), "recipients": _l("Recipients"),
    "notified": _l("People told"), "kind": _l("Kind"), "format": _l("Format"), "start": _l("From"),
    "end": _l("To"), "campaign": _l("Campaign"), "during": _l("During"), "limit": _l("Limit"),
    "session_id": _l("Training session"), "completed": _l("Signed off"), "selected": _l("Selected"),
    "filter": _l("Filter"), "questions": _l("Questions"), "sessions": _l("Sessions"), "rule": _l("Rule"),
    "message": _l("Message"), "host_id": _l("Host organisation"), "minutes": _l("Minutes"),
    "by": _l("By"), "assigned": _l("Assigned"), "organiser": _l("Organiser"),
}
YES, NO, EMPTY = _l("Yes"), _l("No"), "—"
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def label(field: str) -> str:
    """The field's name in the reader's language; an unknown one in words ("max_seats" → "Max seats")."""
    known = FIELD_LABELS.get(field)
    return str(known) if known is not None else field.replace("_", " ").strip().capitalize()


def people_in(event) -> set[int]:
    """The ids of the people an event names: its target account and any person field."""
    ids = {event.target_id} if event.target_type == "user" and event.target_id else set()
    for values in (event.before or {}, event.after or {}):
        for field, value in values.items():
            if field in PERSON_FIELDS:
                ids.update(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, int))
    return ids


def show(value, field: str = "", names: dict[int, str] | None = None) -> str:
    """One value as text: names for people, Yes/No, dates dd/mm/yyyy, numbers in the reader's format."""
    names = names or {}
    if value is None or value == "" or value == []:
        return EMPTY
    if field in PERSON_FIELDS and isinstance(value, int):
        return names.get(value, f"#{value}")
    if field in ("role_names", "role"):
        return ", ".join(str(ROLE_LABELS.get(v, v)) for v in (value if isinstance(value, list) else [value]))
    if isinstance(value, bool):
        return str(YES if value else NO)
    if isinstance(value, (int, float)):
        return format_number(value, 2)
    if isinstance(value, list):
        return ", ".join(show(v, field, names) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{label(k)}: {show(v, k, names)}" for k, v in value.items())
    text = str(value)
    try:
        if _DATETIME.match(text):
            return format_datetime_local(datetime.fromisoformat(text))
        if _DATE.match(text):
            return format_date(date.fromisoformat(text))
    except ValueError:
        pass
    return text


def changes(event, names: dict[int, str]) -> list[dict]:
    """The event's fields in order, each {field, label, before, after, changed}: a change shows
    before → after; a field only in `after` (what an action recorded) shows its value alone."""
    before, after = event.before or {}, event.after or {}
    fields = list(before) + [f for f in after if f not in before]
    return [{"field": f, "label": label(f), "before": show(before.get(f), f, names) if f in before else None,
             "after": show(after.get(f), f, names) if f in after else None,
             "changed": f in before and f in after} for f in fields]

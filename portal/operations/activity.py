"""The activity log of a shift: counts per category, validated, drafted by volunteers, kept by the leader."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select, update

from portal.audit import services as audit
from portal.campaigns import points as points_service
from portal.campaigns.services import campaign_created
from portal.core import identifiers
from portal.core.locks import lock_row
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import current_locale
from portal.i18n import lazy_text as _l
from portal.operations.models import ActivityCategory, ActivityCount, ActivityLog
from portal.operations.transaction import refusal_rolls_back
from portal.shifts.models import Booking, Shift


def max_per_category() -> int:
    """More people than a point can serve in one shift is a typing mistake (ACTIVITY_MAX_PER_CATEGORY)."""
    return current_app.config["ACTIVITY_MAX_PER_CATEGORY"]
TEXT_MAX = 4000

# (key, Vietnamese, English): the article's list of what volunteers do at a point.
DEFAULT_CATEGORIES = [
    ("dossier_guidance", "Hướng dẫn hoàn thiện hồ sơ", "Guided dossier completion"),
    ("portal_declaration", "Khai báo thông tin trên Cổng dịch vụ công", "Declarations on the public service portal"),
    ("queue_direction", "Phân luồng, điều tiết giờ cao điểm", "Queue direction at peak hours"),
    ("scanning", "Quét, số hóa, nhập liệu hồ sơ", "Scanning and digitising dossiers"),
    ("results_return", "Phối hợp trả kết quả", "Returning results"),
    ("feedback_recorded", "Ghi nhận phản ánh, kiến nghị", "Feedback recorded"),
    ("accounts_created", "Tạo tài khoản", "Accounts created"),
    ("vneid_activated", "Kích hoạt định danh điện tử (VNeID)", "Electronic identity (VNeID) activated"),
    ("online_submissions", "Nộp hồ sơ trực tuyến", "Dossiers submitted online"),
    ("cashless_payments", "Thanh toán không dùng tiền mặt", "Cashless payments"),
]


def categories(campaign_id: int, include_inactive: bool = False) -> list[ActivityCategory]:
    """A campaign's categories in order (a read: the defaults are created with the campaign)."""
    stmt = select(ActivityCategory).where(ActivityCategory.campaign_id == campaign_id)
    found = list(db.session.scalars(stmt.order_by(ActivityCategory.position, ActivityCategory.id)))
    return found if include_inactive else [c for c in found if c.is_active]


def add_default_categories(campaign_id: int) -> list[ActivityCategory]:
    """Give a campaign without categories the article's list, in the caller's transaction (flushed, not
    committed); a campaign that has categories keeps them. Answers the campaign's active categories."""
    if not categories(campaign_id, include_inactive=True):
        db.session.add_all([ActivityCategory(campaign_id=campaign_id, key=k, label_vi=vi, label_en=en, position=i)
                            for i, (k, vi, en) in enumerate(DEFAULT_CATEGORIES)])
        db.session.flush()
    return categories(campaign_id)


@campaign_created.connect
def _campaign_starts_with_defaults(campaign, **_extra) -> None:
    """A new campaign starts with the default categories, in the transaction that creates it."""
    add_default_categories(campaign.id)


def may_write_log(user, shift: Shift) -> tuple[bool, bool]:
    """(may write, may confirm) the shift's log: its point's leaders and organisers confirm; its booked
    volunteers draft."""
    if points_service.runs_point(user, shift.point_id):
        return True, True
    booked = db.session.scalar(select(Booking.id).where(
        Booking.shift_id == shift.id, Booking.user_id == user.id, Booking.status == "booked"))
    return booked is not None, False


def log_for(shift: Shift) -> ActivityLog | None:
    """The shift's log, if anyone has written it."""
    return db.session.scalar(select(ActivityLog).where(ActivityLog.shift_id == shift.id))


@refusal_rolls_back
def save(actor, shift: Shift, counts: dict[int, str], elderly: str, notes: str, incidents: str,
         confirm: bool) -> ActivityLog:
    """Validate and store the log in one transaction; a confirmed log only the leader may change."""
    if shift.campaign.status == "closed":
        raise InvalidInput(_l("The campaign is closed: its activity logs can no longer change."), "log")
    log = log_for(shift) or ActivityLog(shift_id=shift.id)
    if log.status == "confirmed" and not confirm:
        raise InvalidInput(_l("The team leader has confirmed this log; ask them to change it."), "log")
    wanted = {}
    for category in categories(shift.campaign_id):
        raw = (counts.get(category.id) or "0").strip() or "0"
        if not (raw.isascii() and raw.isdigit()) or int(raw) > max_per_category():
            raise InvalidInput(_l("“%(category)s”: enter a whole number from 0 to %(max)d.",
                                  category=category.label(current_locale()), max=max_per_category()),
                               f"count-{category.id}")
        wanted[category.id] = int(raw)
    raw_elderly = (elderly or "0").strip() or "0"
    if not (raw_elderly.isascii() and raw_elderly.isdigit()) or int(raw_elderly) > sum(wanted.values()):
        raise InvalidInput(_l("The elderly or vulnerable people helped cannot be more than everyone helped."),
                           "elderly")
    notes, incidents = nfc(notes or "").strip(), nfc(incidents or "").strip()
    if len(notes) > TEXT_MAX or len(incidents) > TEXT_MAX:
        raise InvalidInput(_l("Keep notes and incidents under %(n)d characters each.", n=TEXT_MAX), "notes")
    identifiers.check(notes, "notes")
    identifiers.check(incidents, "incidents")
    before = _snapshot(log) if log.id else None
    existing = {c.category_id: c for c in log.counts}
    for category_id, value in wanted.items():
        (existing.get(category_id) or _new_count(log, category_id)).count = value
    log.elderly_helped, log.notes, log.incidents = int(raw_elderly), notes, incidents
    log.updated_by_id = actor.id
    if confirm:
        log.status, log.confirmed_by_id = "confirmed", actor.id
    db.session.add(log)
    db.session.flush()
    audit.record(actor, "activity_log.save", "activity_log", log.id, before, _snapshot(log))
    db.session.commit()
    return log


def _new_count(log: ActivityLog, category_id: int) -> ActivityCount:
    count = ActivityCount(category_id=category_id)
    log.counts.append(count)
    return count


def _snapshot(log: ActivityLog) -> dict:
    """The log's values, for the audit trail."""
    return {"status": log.status, "elderly": log.elderly_helped, "notes": log.notes, "incidents": log.incidents,
            "counts": {str(c.category_id): c.count for c in log.counts}}


@refusal_rolls_back
def save_categories(actor, campaign_id: int, rows: list[dict], new: dict) -> None:
    """Rename, reorder, switch on or off the campaign's categories, and add one; audited, one transaction."""
    existing = {c.id: c for c in categories(campaign_id, include_inactive=True)}
    for row in rows:
        category = existing.get(row["id"])
        if category is None:
            continue
        label_vi, label_en = " ".join(nfc(row["label_vi"]).split()), " ".join(nfc(row["label_en"]).split())
        if not label_vi or len(label_vi) > 160 or len(label_en) > 160:
            raise InvalidInput(_l("Each category needs a Vietnamese name of at most 160 characters."),
                               f"label-{category.id}")
        category.label_vi, category.label_en, category.is_active = label_vi, label_en, row["active"]
    label_vi = " ".join(nfc(new.get("label_vi", "")).split())
    if label_vi:
        if len(label_vi) > 160:
            raise InvalidInput(_l("Each category needs a Vietnamese name of at most 160 characters."), "new")
        key = f"custom_{len(existing) + 1}"
        db.session.add(ActivityCategory(campaign_id=campaign_id, key=key, label_vi=label_vi,
                                        label_en=" ".join(nfc(new.get("label_en", "")).split())[:160],
                                        position=len(existing)))
    audit.record(actor, "activity_categories.save", "campaign", campaign_id,
                 after={"categories": [r["id"] for r in rows], "added": label_vi or None})
    db.session.commit()


@refusal_rolls_back
def tally(actor, shift: Shift, key: str, delta: int) -> int:
    """One tap on the shift's tally: +1 or −1 in one category, its own transaction, never below 0 nor above
    the most a shift can serve; answers the count the database now holds."""
    if delta not in (1, -1):
        raise InvalidInput(_l("Tap +1 or −1."), "tally")
    if shift.campaign.status == "closed":
        raise InvalidInput(_l("The campaign is closed: its activity logs can no longer change."), "tally")
    lock_row("shifts", shift.id)  # two first taps at once create one log, not two
    category = next((c for c in categories(shift.campaign_id) if c.key == key), None)
    if category is None:
        raise InvalidInput(_l("Choose a kind of help from the list."), "tally")
    log = log_for(shift)
    if log is not None and log.status == "confirmed":
        raise InvalidInput(_l("The log is confirmed: change its numbers in the form."), "tally")
    if log is None:
        log = ActivityLog(shift_id=shift.id, updated_by_id=actor.id)
        db.session.add(log)
        db.session.flush()
    count = next((c for c in log.counts if c.category_id == category.id), None) or _new_count(log, category.id)
    db.session.flush()
    limit = ActivityCount.count < max_per_category() if delta > 0 else ActivityCount.count > 0
    moved = db.session.execute(update(ActivityCount).where(ActivityCount.id == count.id, limit)
                               .values(count=ActivityCount.count + delta).execution_options(synchronize_session=False))
    if moved.rowcount == 0:  # −1 at 0, or +1 at the most: nothing to write
        db.session.rollback()
        return _count_of(shift.id, category.id)
    log.updated_by_id = actor.id
    audit.record(actor, "activity_log.tally", "activity_log", log.id,
                 after={"category_id": category.id, "delta": delta})
    db.session.commit()
    return _count_of(shift.id, category.id)


def _count_of(shift_id: int, category_id: int) -> int:
    """The count the database holds for one category of one shift's log."""
    return db.session.scalar(select(ActivityCount.count).join(ActivityLog).where(
        ActivityLog.shift_id == shift_id, ActivityCount.category_id == category_id)) or 0


def tallied(shift: Shift) -> dict[str, int]:
    """The shift's counts by category key (0 where nothing was counted yet)."""
    log = log_for(shift)
    by_id = {c.category_id: c.count for c in (log.counts if log else [])}
    return {c.key: by_id.get(c.id, 0) for c in categories(shift.campaign_id)}

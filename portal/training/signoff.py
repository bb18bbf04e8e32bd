"""Trainer sign-off: the roster, completing one or many students in constant queries, undo, imports.

Each new completion is noted for notify.py, which emails the student when the transaction commits."""
from __future__ import annotations

import csv
import io

from sqlalchemy import and_, exists, func, insert, literal, or_, select, update
from sqlalchemy.orm import aliased

from portal.accounts.models import User
from portal.accounts.services import person_filter
from portal.audit import services as audit
from portal.campaigns.models import CampaignEnrolment
from portal.core import clock
from portal.core.text import nfc
from portal.core.types import UTCDateTime
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.training import notify
from portal.training.models import Completion, ImportBatch, ModuleProgress, TrainingModule
from portal.training.services import STATUSES, expiry_cutoff, status_expression

MAX_IMPORT_ROWS = 20_000
MAX_IMPORT_BYTES = 4 * 1024 * 1024


def roster_query(module: TrainingModule, search: str = "", status: str = ""):
    """Enrolled, active students of the module's campaign with their status, sorted by given name.

    One statement whatever the number of students; `status` filters on the computed status.
    """
    completion = aliased(Completion)
    progress = aliased(ModuleProgress)
    status_col = status_expression(module, completion, progress).label("status")
    stmt = (
        select(User, status_col, completion)
        .join(CampaignEnrolment, and_(CampaignEnrolment.user_id == User.id,
                                      CampaignEnrolment.campaign_id == module.campaign_id))
        .outerjoin(completion, and_(completion.user_id == User.id, completion.module_id == module.id,
                                    completion.is_current))
        .outerjoin(progress, and_(progress.user_id == User.id, progress.module_id == module.id))
        .where(User.is_active_account)
    )
    if search:
        like = f"%{nfc(search.strip()).lower()}%"
        stmt = stmt.where(or_(person_filter(search), *(func.lower(col).like(like) for col in
                                                        (User.full_name, User.school, User.chapter))))
    if status in STATUSES:
        stmt = stmt.where(status_col == status)
    return stmt.order_by(User.sort_name, User.id)


def status_counts(module: TrainingModule) -> dict[str, int]:
    """How many enrolled students are in each status (one query)."""
    sub = roster_query(module).subquery()
    rows = db.session.execute(select(sub.c.status, func.count()).group_by(sub.c.status)).all()
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({status: n for status, n in rows})
    counts["total"] = sum(n for _, n in rows)
    return counts


def _matching_ids(module: TrainingModule, search: str, status: str):
    """A sub-select of the user ids that the roster's filter shows."""
    return roster_query(module, search, status).with_only_columns(User.id).order_by(None)


def complete(actor, module: TrainingModule, user_ids=None, *, search="", status="",
             method="bulk", session_id=None, commit=True) -> int:
    """Sign students off on a module in a constant number of statements; return how many were new.

    `user_ids` (a list) restricts to those students; otherwise everyone matching the filter.
    Only enrolled, active students count; those already completed (and unexpired) are skipped;
    an expired completion is kept as history and replaced.
    """
    targets = _matching_ids(module, search, status)
    if user_ids is not None:
        targets = targets.where(User.id.in_([int(i) for i in user_ids]))
    # Fix the set of students first: the status filter must not be re-read after the update below.
    ids = list(db.session.scalars(targets))
    targets = select(User.id).where(User.id.in_(ids)).subquery()
    now = clock.now()
    cutoff = expiry_cutoff(module, now)
    if cutoff is not None:
        db.session.execute(
            update(Completion)
            .where(Completion.module_id == module.id, Completion.is_current,
                   Completion.completed_at < cutoff, Completion.user_id.in_(select(targets.c.id)))
            .values(is_current=False)
        )
    already = exists().where(Completion.module_id == module.id, Completion.user_id == targets.c.id,
                             Completion.is_current)
    new_rows = select(
        literal(module.id), targets.c.id, literal(now, UTCDateTime()), literal(method),
        literal(getattr(actor, "id", None)), literal(session_id), literal(True),
    ).where(~already)
    inserted = db.session.execute(
        insert(Completion).from_select(
            ["module_id", "user_id", "completed_at", "method", "recorded_by_id", "session_id", "is_current"], new_rows
        ).returning(Completion.user_id)  # rowcount of INSERT … SELECT is not reported by every driver
    )
    confirmed = list(inserted.scalars())
    count = len(confirmed)
    notify.note(db.session(), module.id, confirmed)  # one email per student when the transaction commits
    audit.record(actor, f"training.complete.{method}", "training_module", module.id,
                 after={"completed": count, "session_id": session_id, "filter": {"q": search, "status": status},
                        "selected": len(user_ids) if user_ids is not None else None})
    if commit:
        db.session.commit()
    return count


def undo(actor, module: TrainingModule, user_id: int, reason: str) -> None:
    """Withdraw a student's current completion, with a reason; the record stays."""
    reason = " ".join(nfc(reason or "").split())
    if len(reason) < 5:
        raise InvalidInput(_l("Say why you undo this completion (at least 5 characters)."), "reason")
    if len(reason) > 500:
        raise InvalidInput(_l("Keep the reason under 500 characters."), "reason")
    completion = db.session.scalar(
        select(Completion).where(Completion.module_id == module.id, Completion.user_id == user_id,
                                 Completion.is_current)
    )
    if completion is None:
        raise InvalidInput(_l("This student has no completion to undo."), "reason")
    completion.is_current = False
    completion.undone_at = clock.now()
    completion.undone_by_id = actor.id
    completion.undo_reason = reason
    audit.record(actor, "training.undo", "training_completion", completion.id,
                 before={"is_current": True}, after={"is_current": False, "reason": reason, "user_id": user_id})
    db.session.commit()


def history(module: TrainingModule, user_id: int) -> list[Completion]:
    """Every completion and undo of one student on one module, newest first."""
    return list(db.session.scalars(
        select(Completion).where(Completion.module_id == module.id, Completion.user_id == user_id)
        .order_by(Completion.completed_at.desc(), Completion.id.desc())
    ))


# --- attendance-sheet import --------------------------------------------------------------


def _decode(raw: bytes) -> str:
    """Read UTF-8 (with or without BOM) or UTF-16 with BOM, as spreadsheets export; refuse the rest."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            _l("The file is not in UTF-8. In Excel choose “CSV UTF-8 (Comma delimited)” when saving."), "file"
        ) from None


def _read_rows(raw: bytes) -> tuple[str, list[str]]:
    """Return the key column ('email' or 'student_id') and its values, row by row."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise InvalidInput(_l("The file is larger than 4 MB. Split it into smaller sheets."), "file")
    text = nfc(_decode(raw))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return _parse(text, dialect)
    except csv.Error:
        raise InvalidInput(_l("The sheet could not be read as CSV. Save it again as “CSV UTF-8” and upload it."),
                           "file") from None


def _parse(text: str, dialect) -> tuple[str, list[str]]:
    """The key column and its values from CSV text."""
    reader = csv.reader(io.StringIO(text), dialect)
    header = [h.strip().lower().replace(" ", "_") for h in next(reader, [])]
    key = next((k for k in ("email", "student_id") if k in header), None)
    if key is None:
        raise InvalidInput(_l("The first row must name a column “email” or “student_id”."), "file")
    column = header.index(key)
    values = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        values.append(row[column].strip() if column < len(row) else "")
        if len(values) > MAX_IMPORT_ROWS:
            raise InvalidInput(_l("The sheet has more than %(n)d rows. Split it into smaller sheets.",
                                  n=MAX_IMPORT_ROWS), "file")
    if not values:
        raise InvalidInput(_l("The sheet has a header but no rows."), "file")
    return key, values


def preview_import(actor, module: TrainingModule, filename: str, raw: bytes) -> ImportBatch:
    """Match a sheet's rows to students and store the preview; nothing is completed yet."""
    key, values = _read_rows(raw)
    column = User.email if key == "email" else User.student_code
    normal = [v.lower() if key == "email" else v for v in values]
    wanted = sorted({v for v in normal if v})
    found: dict[str, list] = {}
    for start in range(0, len(wanted), 1000):  # chunks keep SQLite under its parameter limit
        chunk = wanted[start:start + 1000]
        match_col = func.lower(column) if key == "email" else column
        rows = db.session.execute(
            select(match_col, User.id, User.is_active_account, CampaignEnrolment.id, Completion.id)
            .outerjoin(CampaignEnrolment, and_(CampaignEnrolment.user_id == User.id,
                                               CampaignEnrolment.campaign_id == module.campaign_id))
            .outerjoin(Completion, and_(Completion.user_id == User.id, Completion.module_id == module.id,
                                        Completion.is_current))
            .where(match_col.in_(chunk))
        ).all()
        for value, user_id, active, enrolled, completed in rows:
            found.setdefault(value, []).append((user_id, active, enrolled, completed))
    report = {k: [] for k in ("matched", "already", "unmatched", "duplicate", "inactive", "not_enrolled", "ambiguous",
                              "blank")}
    seen, user_ids = set(), []
    for line, (shown, value) in enumerate(zip(values, normal, strict=True), start=2):
        entry = {"line": line, "value": shown}
        if not value:
            report["blank"].append(entry)
        elif value in seen:
            report["duplicate"].append(entry)
        elif value not in found:
            report["unmatched"].append(entry)
        elif len(found[value]) > 1:
            report["ambiguous"].append(entry)
        else:
            user_id, active, enrolled, completed = found[value][0]
            kind = ("inactive" if not active else "not_enrolled" if not enrolled
                    else "already" if completed else "matched")
            report[kind].append(entry)
            if kind == "matched":
                user_ids.append(user_id)
        seen.add(value)
    batch = ImportBatch(module_id=module.id, created_by_id=actor.id, filename=nfc(filename or "")[:255],
                        report={"key": key, "rows": len(values), **report}, user_ids=user_ids)
    db.session.add(batch)
    db.session.commit()
    return batch


def commit_import(actor, batch: ImportBatch) -> int:
    """Complete the matched students of a previewed sheet, once, in one transaction."""
    if batch.committed_at is not None:
        raise InvalidInput(_l("This sheet was already imported."), "file")
    module = db.session.get(TrainingModule, batch.module_id)
    count = complete(actor, module, batch.user_ids, method="import", commit=False)
    batch.committed_at = clock.now()
    db.session.commit()
    return count

"""A person's data, exported: a ZIP with a readable summary, JSON and CSV per kind, their PDFs.

Everything is read through the processing register (register.py): the tables of each kind of
data, the rows about the person (owner paths) or written by them (author columns), and how each
column is shown. The ZIP is kept in `data_exports` (every app server sees it) for 24 hours.

    export.build(user, requested_by=None, request=None) -> DataExport   # commits, audited
    export.download(export_id, user) -> DataExport | None               # the person's own, unexpired
"""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date, datetime, time, timedelta

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import and_, func, or_, select

from portal.audit import services as audit
from portal.certificates.models import Credential
from portal.certificates.records import pdf_bytes
from portal.core import clock
from portal.extensions import db
from portal.mail.services import SECRET_LINK_RE
from portal.privacy import register, register_terms
from portal.privacy.models import DataExport
from portal.spreadsheets import to_csv

VALID_FOR = timedelta(hours=24)
# Kinds whose rows the person wrote (as author) belong in their export; elsewhere an author
# column names staff acting on someone else, whose data is not theirs to receive.
AUTHORED_GROUPS = ("activity_logs", "staff_work")


def _plain(value):
    """A JSON- and CSV-friendly value."""
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return value


def _owned_query(name: str, user):
    """All columns of the rows of `name` about `user`, along the register's owner path."""
    t = db.metadata.tables[name]
    return select(t).where(tuple_in(t, register.owned_ids(name, user)))


def tuple_in(t, ids_select):
    """`pk IN (select)`; a composite key (point_leaders) compares each part."""
    pk = list(t.primary_key.columns)
    if len(pk) == 1:
        return pk[0].in_(ids_select)
    sub = ids_select.subquery()
    return and_(*(c.in_(select(sub.c[c.name])) for c in pk))


def _audit_query(user):
    """Audit entries about the person: about their account or their records, or by them."""
    t = db.metadata.tables["audit_events"]
    about = [and_(t.c.target_type == "user", t.c.target_id == user.id), t.c.actor_id == user.id]
    for target_type, name in register.AUDIT_TARGETS.items():
        if name != "users" and register.owner_path(name) is not None:
            about.append(and_(t.c.target_type == target_type,
                              t.c.target_id.in_(register.owned_ids(name, user))))
    return select(t).where(or_(*about)).order_by(t.c.id)


def _columns(name: str, authored: bool) -> list[str]:
    """The columns the export shows for a table (all but OMIT; authored rows: not others' data)."""
    declared = register.TABLES[name]
    shown = []
    for col_name, col in declared.columns.items():
        if col.export == register_terms.OMIT:
            continue
        if authored and col.personal and col.data not in ("free_text", "link"):
            continue
        shown.append(col_name)
    return shown


def _value(name: str, col_name: str, raw):
    """One value as the export shows it (secrets as set/unset, files by path)."""
    col = register.TABLES[name].columns[col_name]
    if col.export == register_terms.SECRET:
        return "set" if raw not in (None, "") else ""
    if col.export == register_terms.FILE:
        return None
    if name == "outbox_messages" and col_name == "body_text" and raw:
        return SECRET_LINK_RE.sub(r"\1…", raw)  # a working reset link must not sit in a file
    return _plain(raw)


def collect(user) -> dict[str, dict[str, list[dict]]]:
    """Every row about the person, by kind of data then table: {group: {table: [row, ...]}}."""
    found: dict[str, dict[str, list[dict]]] = {}
    for group in register_terms.GROUPS:
        for name, query, authored in _queries(user, group):
            cols = _columns(name, authored)
            rows = found.setdefault(group, {}).setdefault(name, [])
            for r in db.session.execute(query).mappings():
                # Where they only acted on someone else, an audit entry's snapshots are that person's data.
                hide = name == "audit_events" and r["actor_id"] == user.id and not (
                    r["target_type"] == "user" and r["target_id"] == user.id)
                rows.append({c: None if hide and c in ("before", "after") else _value(name, c, r[c])
                             for c in cols})
            if not rows:
                del found[group][name]
        if not found.get(group):
            found.pop(group, None)
    return found


def _queries(user, group: str):
    """(table, select of its rows, written by them rather than about them) for the rows of a kind of data
    about or by the person."""
    for declared in register.tables_in_group(group):
        name, t = declared.name, db.metadata.tables[declared.name]
        if name == "audit_events":
            yield name, _audit_query(user), False
            continue
        if declared.owner is not None:
            yield name, _owned_query(name, user), False
        if declared.authors and group in AUTHORED_GROUPS:
            yield name, select(t).where(tuple_in(t, register.authored_ids(name, user))), True


def counts(user) -> list[tuple[str, int]]:
    """(group key, number of records) for every kind of data the portal holds about the person."""
    found = []
    for group in register_terms.GROUPS:
        total = sum(db.session.scalar(select(func.count()).select_from(q.subquery())) or 0
                    for _, q, _a in _queries(user, group))
        if total:
            found.append((group, total))
    return found


def _certificate_pdfs(user) -> list[tuple[str, bytes]]:
    """(file name, PDF) of the person's current certificates."""
    files = []
    for credential in db.session.scalars(select(Credential).where(
            Credential.user_id == user.id, Credential.is_current.is_(True))).all():
        files.append((f"certificates/{credential.kind}-{credential.code}.pdf", pdf_bytes(credential)))
    return files


def build_zip(user) -> bytes:
    """The ZIP: summary.html in the person's language, data.json, one CSV per table, PDFs."""
    data = collect(user)
    pdfs = _certificate_pdfs(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with force_locale(user.locale or "vi"):
            summary = render_template("privacy/export_summary.html", user=user, data=data,
                                      groups=register_terms.GROUPS, files=[f for f, _ in pdfs], now=clock.now())
        archive.writestr("summary.html", summary)
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=1, default=str))
        for group, tables in data.items():
            archive.writestr(f"{group}.json", json.dumps(tables, ensure_ascii=False, indent=1, default=str))
            for name, rows in tables.items():
                header = list(rows[0])
                body = [[json.dumps(r[h], ensure_ascii=False) if isinstance(r[h], (dict, list)) else r[h]
                         for h in header] for r in rows]
                archive.writestr(f"csv/{group}/{name}.csv", to_csv(header, body))
        for filename, content in pdfs:
            archive.writestr(filename, content)
    return buffer.getvalue()


def build(user, requested_by=None, request=None) -> DataExport:
    """Build and store the person's export (valid 24 hours), audited as an export; commits."""
    content = build_zip(user)
    now = clock.now()
    record = DataExport(
        user_id=user.id, requested_by_id=getattr(requested_by, "id", None) or user.id,
        request_id=getattr(request, "id", None), status="ready", created_at=now, ready_at=now,
        expires_at=now + VALID_FOR, size_bytes=len(content), sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
    db.session.add(record)
    db.session.flush()
    audit.record(requested_by or user, "privacy.export", "user", user.id,
                 after={"export_id": record.id, "size_bytes": len(content)})
    db.session.commit()
    return record


def latest(user) -> DataExport | None:
    """The person's newest unexpired, ready export, if any."""
    return db.session.scalar(
        select(DataExport).where(DataExport.user_id == user.id, DataExport.status == "ready",
                                 DataExport.expires_at > clock.now())
        .order_by(DataExport.created_at.desc(), DataExport.id.desc()).limit(1))


def download(export_id: int, user) -> DataExport | None:
    """The export if it is this person's own and has not expired; else None (a 404)."""
    record = db.session.get(DataExport, export_id)
    if record is None or record.user_id != user.id or record.status != "ready" or record.expires_at <= clock.now():
        return None
    return record


def filename(record: DataExport) -> str:
    """The download's file name."""
    return f"du-lieu-cua-toi-{record.created_at:%Y%m%d-%H%M}.zip"

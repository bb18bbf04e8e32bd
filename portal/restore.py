"""Restore an archive made by portal/backup.py: checksums first, every refusal before any change, then
the database, the keys where the settings put them, and the migration check."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from alembic.util import CommandError
from sqlalchemy import inspect, literal_column, select, table

from portal import backup
from portal.extensions import db


def verified(archive: str | Path, folder: Path) -> dict:
    """Check the archive against its manifest and copy its members into `folder`; the manifest, with
    each member's copy under "path". Refuses a member that is missing, extra, not a file or altered."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            manifest = json.load(tar.extractfile(backup.MANIFEST))
            if manifest.get("format") != backup.FORMAT:
                raise backup.BackupError(f"{archive} is not a portal backup ({backup.FORMAT}).")
            members = tar.getmembers()
            found = [m.name for m in members if m.name != backup.MANIFEST]
            if sorted(found) != sorted(manifest["members"]) or not all(m.isfile() for m in members):
                raise backup.BackupError(f"{archive} does not hold what its manifest lists: it was altered or damaged.")
            for number, (name, member) in enumerate(sorted(manifest["members"].items())):
                member["path"] = folder / f"{number}-{Path(name).name}"
                digest = hashlib.sha256()
                with tar.extractfile(name) as source, open(member["path"], "wb") as copy:
                    while chunk := source.read(backup.CHUNK):
                        digest.update(chunk)
                        copy.write(chunk)
                if digest.hexdigest() != member["sha256"]:
                    raise backup.BackupError(f"{name} does not match its checksum: the archive was altered or "
                                             "damaged. Nothing was restored.")
    except (tarfile.TarError, OSError, KeyError, ValueError, TypeError, AttributeError) as error:
        raise backup.BackupError(f"{archive} cannot be read as a portal backup ({type(error).__name__}).") from None
    return manifest


def has_data() -> bool:
    """Whether any table of the app's database holds a row (alembic's own table aside)."""
    names = [n for n in inspect(db.engine).get_table_names() if n != "alembic_version"]
    try:
        return any(db.session.execute(select(literal_column("1")).select_from(table(n)).limit(1)).first()
                   for n in names)
    finally:
        db.session.rollback()


def _key_plan(manifest: dict, yes: bool) -> list[tuple[Path | None, Path, str]]:
    """(destination, copy, label) for each key in the archive; refuses a different existing key without --yes."""
    plan = []
    for role, name in backup.KEY_MEMBERS.items():
        member = manifest["members"].get(name)
        if member is None:
            continue
        destination = backup.key_files()[role]
        copy = member["path"]
        differs = destination is not None and destination.exists() and destination.read_bytes() != copy.read_bytes()
        if differs and not yes:
            current = backup.kid_of(destination.read_bytes()) or "unreadable"
            which = (f"the signing key at {destination} (kid {current}) is not the backup's (kid {member.get('kid')})"
                     if role == "signing_key" else f"the retired keys at {destination} differ from the backup's")
            raise backup.BackupError(f"{which}. Certificates signed with the backup's key only verify with it. --yes "
                              "replaces it (the current file is kept beside it). Nothing was restored.")
        plan.append((destination, copy, name))
    return plan


def _restore_sqlite(url, copy: Path) -> None:
    """Copy the archive's SQLite file into the app's, through SQLite's backup API."""
    check = sqlite3.connect(copy)
    try:
        intact = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        check.close()
    if not intact:
        raise backup.BackupError("the database in the archive fails SQLite's integrity check. Nothing was restored.")
    Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    # The backup API writes through SQLite's own locks and journal, so the live file (and its -wal)
    # is never left half old, half new, even if a server still has it open.
    source, target = sqlite3.connect(copy), sqlite3.connect(url.database, timeout=30)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _restore_postgresql(url, copy: Path, present: set[str]) -> None:
    """Replace the app's tables with the dump's in one transaction (psql --single-transaction): a failure
    leaves the database as it was. The app's own tables are dropped first rather than with pg_restore
    --clean, whose ALTER COLUMN statements fail when the existing schema is another revision's."""
    pg_restore, psql = backup.tool("pg_restore"), backup.tool("psql")
    listing = subprocess.run([pg_restore, "--list", str(copy)], capture_output=True, text=True).stdout
    dumped = {parts[5] for parts in (line.split() for line in listing.splitlines() if not line.startswith(";"))
              if len(parts) > 6 and parts[3] == "TABLE" and parts[4] != "DATA"}
    doomed = sorted(present & (dumped | set(db.metadata.tables) | {"alembic_version"}))
    conninfo, env = backup.libpq(url)
    drop = ["--command", "DROP TABLE IF EXISTS " + ", ".join(f'"{n}"' for n in doomed) + " CASCADE"] if doomed else []
    with tempfile.TemporaryFile() as errors:
        # Owners and grants are the target's: the dump's roles may not exist here.
        script = subprocess.Popen([pg_restore, "--no-owner", "--no-privileges", "--file=-", str(copy)],
                                  stdout=subprocess.PIPE, stderr=errors)
        done = subprocess.run([psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction",
                               "--no-password", "--dbname", conninfo, *drop, "--file=-"],
                              stdin=script.stdout, env=env, capture_output=True, text=True)
        script.stdout.close()
        script.wait()
        errors.seek(0)
        failure = errors.read().decode(errors="replace").strip() if script.returncode else done.stderr.strip()
    if script.returncode or done.returncode:
        raise backup.BackupError(f"the database could not be restored, and is as it was: {failure[-2000:]}")


def _restore_database(kind: str, url, copy: Path) -> None:
    """Replace the app's database with the copy; the app's own connections are closed first."""
    present = set(inspect(db.engine).get_table_names())
    db.session.remove()
    db.engine.dispose()
    if kind == "sqlite":
        _restore_sqlite(url, copy)
    else:
        _restore_postgresql(url, copy, present)


def _place(destination: Path, copy: Path, name: str) -> str:
    """Write a key file owner-only, keeping a different existing one beside it; says what it did."""
    kept = None
    destination.parent.mkdir(parents=True, exist_ok=True)
    if destination.exists():
        if destination.read_bytes() == copy.read_bytes():
            return f"{name}: {destination} holds it already."
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = destination.with_name(f"{destination.name}.before-restore-{stamp}")
        os.replace(destination, kept)
    partial = destination.with_name(f".{destination.name}.restoring")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(copy.read_bytes())
    os.replace(partial, destination)
    return f"{name} -> {destination}" + (f" (the previous file is kept as {kept})" if kept else "")


def migration_check(manifest: dict) -> str:
    """Whether the restored schema is this code's, older (run db upgrade) or unknown to it."""
    revision = backup.database_revision()
    scripts = backup.migration_scripts()
    heads = scripts.get_heads()
    if revision in heads:
        return f"the database is at alembic revision {revision}, this code's: nothing to migrate."
    try:
        known = revision is not None and scripts.get_revision(revision) is not None
    except CommandError:
        known = False
    if known:
        return (f"the database is at alembic revision {revision}, older than this code's {', '.join(heads)}: "
                "run `flask --app wsgi db upgrade` before starting the app.")
    return (f"the database is at alembic revision {revision}, which this code does not know: deploy the portal "
            f"revision the backup was made with ({manifest.get('portal_revision') or 'not recorded'}).")


def restore(archive: str | Path, yes: bool = False) -> Iterator[str]:
    """Restore the archive into DATABASE_URL and the key files; yields what it did, line by line."""
    kind, url = backup.app_database()
    with tempfile.TemporaryDirectory(prefix="donghanh-restore-") as folder:
        manifest = verified(archive, Path(folder))
        yield f"checksums verified: {len(manifest['members'])} members, made {manifest['created_at']}."
        if manifest["database"] != kind:
            raise backup.BackupError(f"the archive holds a {manifest['database']} database but DATABASE_URL is {kind}.")
        plan = _key_plan(manifest, yes)
        if has_data() and not yes:
            raise backup.BackupError(f"the database {backup.where(kind, url)} already holds data. --yes replaces "
                                     "it with the backup's (stop the app servers and workers first). Nothing was "
                                     "restored.")
        _restore_database(kind, url, manifest["members"][backup.DATABASE_MEMBERS[kind]]["path"])
        yield f"database restored into {backup.where(kind, url)}."
        for destination, copy, name in plan:
            if destination is None:
                yield (f"{name} was not restored: CERT_RETIRED_JWKS_FILE is not set. Set it, and extract the file "
                       f"with `tar -xzf {archive} {name}`.")
                continue
            yield _place(destination, copy, name)
        if backup.KEY_MEMBERS["signing_key"] not in manifest["members"]:
            yield "the archive holds no signing key: its certificates verify only with the key that signed them."
    yield migration_check(manifest)

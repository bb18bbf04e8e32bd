"""Backups and restore: one tar.gz (mode 0600) with the database, the certificate keys, a README and a
manifest of SHA-256 checksums; `restore` checks them, refuses to overwrite data or a different key
without --yes, and says whether the restored schema needs `flask db upgrade`.

The database is a `pg_dump --format=custom` on PostgreSQL and SQLite's online backup API on SQLite;
both are consistent while the app runs. Uploaded pictures (team board, guides), certificate PDFs and
data exports live in the database, so the dump holds them. Nothing personal is printed or logged.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import current_app
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey
from sqlalchemy import inspect, text

from portal import ROOT
from portal.extensions import db

FORMAT = "donghanh-backup/1"
MANIFEST = "manifest.json"
README = "README.txt"
DATABASE_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
KEY_MEMBERS = {"signing_key": "keys/cert_signing_key.pem", "retired_jwks": "keys/retired_jwks.json"}
UPLOADS = ("Uploaded pictures (team board, guides), certificate PDFs and personal-data exports are kept in "
           "the database, so the database member holds them; the portal has no upload folder.")
NOT_INCLUDED = ("The environment (SECRET_KEY, DATABASE_URL, mail password, VAPID keys): keep it in your "
                "secret store. The job queue (JOBS_URL): it holds only ids of pending work, which the "
                "periodic sweeps redo.")
CHUNK = 1 << 20


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message tells the operator why and what to do."""


def app_database():
    """The kind ("postgresql" or "sqlite") and the URL of the app's database."""
    url = db.engine.url  # as connected: Flask-SQLAlchemy resolves a relative SQLite path against instance/
    kind = url.get_backend_name()
    if kind not in DATABASE_MEMBERS or (kind == "sqlite" and url.database in (None, "", ":memory:")):
        raise BackupError(f"cannot back up a {kind} database in memory or of this kind.")
    return kind, url


def where(kind, url) -> str:
    """The database named for the operator, without its password."""
    return url.database if kind == "sqlite" else f"{url.host}:{url.port or 5432}/{url.database}"


def libpq(url) -> tuple[str, dict]:
    """A libpq connection URL without the password, and an environment carrying it (not on `ps`)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def tool(name: str) -> str:
    """The path of a PostgreSQL client program."""
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client of the server's major version "
                          "(Debian: postgresql-client-15 for PostgreSQL 15).")
    return found


def _run(command: list[str], env: dict) -> None:
    """Run a client program; its own message (never a password) explains a failure."""
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")


def key_files() -> dict[str, Path | None]:
    """Where the settings put the certificate keys: the signing key (CERT_SIGNING_KEY_FILE, or outside
    production the key certificates/signing.py generates in instance/) and CERT_RETIRED_JWKS_FILE."""
    config = current_app.config
    signing = config.get("CERT_SIGNING_KEY_FILE")
    if not signing and config["PORTAL_ENV"] != "production":
        signing = Path(current_app.instance_path) / "cert_signing_key.pem"
    retired = config.get("CERT_RETIRED_JWKS_FILE")
    return {"signing_key": Path(signing) if signing else None, "retired_jwks": Path(retired) if retired else None}


def kid_of(pem: bytes) -> str | None:
    """The signing key's kid (its public RFC 7638 thumbprint), as /.well-known/jwks.json shows it."""
    try:
        key = OKPKey.import_key(pem)
        return key.ensure_kid() or key.kid
    except (ValueError, TypeError, JoseError):  # not a key: the caller says "unreadable"
        return None


def _sha256(path: Path) -> str:
    """The file's SHA-256, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _code_revision() -> str | None:
    """The git commit of the running code, read from .git (None when deployed without it)."""
    git = ROOT / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        if (git / ref).exists():
            return (git / ref).read_text().strip()
        lines = (git / "packed-refs").read_text().splitlines()
        packed = [line.split()[0] for line in lines if line.endswith(" " + ref)]
        return packed[0] if packed else None
    except OSError:
        return None


def database_revision() -> str | None:
    """The alembic revision of the app's database (None without an alembic_version table)."""
    if "alembic_version" not in inspect(db.engine).get_table_names():
        return None
    return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migration_scripts() -> ScriptDirectory:
    """The migrations in migrations/ (their heads are this code's schema)."""
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config)


def _dump(kind: str, url, target: Path) -> None:
    """Copy the database into `target`, consistently while the app runs."""
    if kind == "sqlite":
        if not Path(url.database).is_file():
            raise BackupError(f"{url.database} does not exist: there is nothing to back up.")
        source, copy = sqlite3.connect(url.database), sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        return
    pg_dump = tool("pg_dump")
    # "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)": the major version follows the parenthesis.
    version = subprocess.run([pg_dump, "--version"], capture_output=True, text=True).stdout
    client = int(re.search(r"\)\s*(\d+)", version).group(1))
    server = int(db.session.execute(text("SHOW server_version_num")).scalar()) // 10000
    db.session.rollback()
    if client < server:
        raise BackupError(f"pg_dump {client} is older than the server ({server}): install the client of the "
                          f"server's major version (Debian: postgresql-client-{server}).")
    conninfo, env = libpq(url)
    _run([pg_dump, "--format=custom", "--no-password", "--file", str(target), "--dbname", conninfo], env)


def _output(output: str | None, stamp: str) -> Path:
    """The archive's path: --output, a dated name inside --output when it is a folder, or instance/backups/."""
    name = f"donghanh-backup-{stamp}.tar.gz"
    if output is None:
        folder = Path(current_app.instance_path) / "backups"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder / name
    path = Path(output)
    return path / name if path.is_dir() else path


def _readme(manifest: dict) -> str:
    """The archive's README.txt: what it is and how to restore it."""
    return "\n".join([
        f"Đồng hành portal backup, made {manifest['created_at']} ({manifest['database']} database, alembic "
        f"revision {manifest['alembic_revision']}).", "",
        "It holds the certificate signing key: keep it where only the operators can read it.", "",
        "Restore: flask --app wsgi restore THIS_ARCHIVE [--yes] (see the README's Deployment runbook).",
        "manifest.json lists every member with its SHA-256; restore refuses an archive that does not match.", "",
        UPLOADS, "", "Not included: " + NOT_INCLUDED, ""])


def create(output: str | None = None) -> Path:
    """Write the archive and return its path; the archive is owner-only (0600) from its first byte."""
    kind, url = app_database()
    now = datetime.now(UTC).replace(microsecond=0)
    target = _output(output, now.strftime("%Y%m%dT%H%M%SZ"))
    if target.exists():
        raise BackupError(f"{target} exists already: choose another --output.")
    with tempfile.TemporaryDirectory(prefix="donghanh-backup-") as folder:
        members = {DATABASE_MEMBERS[kind]: Path(folder) / "database"}
        _dump(kind, url, members[DATABASE_MEMBERS[kind]])
        for role, path in key_files().items():
            if path is not None and path.is_file():
                members[KEY_MEMBERS[role]] = path
        manifest = {"format": FORMAT, "created_at": now.isoformat().replace("+00:00", "Z"),
                    "portal_revision": _code_revision(), "alembic_revision": database_revision(),
                    "database": kind, "uploads": UPLOADS, "not_included": NOT_INCLUDED,
                    "members": {name: {"sha256": _sha256(path), "bytes": path.stat().st_size}
                                for name, path in members.items()}}
        signing = KEY_MEMBERS["signing_key"]
        if signing in members:
            manifest["members"][signing]["kid"] = kid_of(members[signing].read_bytes())
        readme = _readme(manifest).encode()
        manifest["members"][README] = {"sha256": hashlib.sha256(readme).hexdigest(), "bytes": len(readme)}
        try:
            _write(target, now, manifest, members, readme)
        except OSError as error:
            raise BackupError(f"cannot write {target}: {error.strerror}.") from None
    return target


def _write(target: Path, now: datetime, manifest: dict, members: dict, readme: bytes) -> None:
    """Write the tar.gz beside its final name, then link it into place (never half an archive there)."""
    partial = target.with_name(f".{target.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle, tarfile.open(fileobj=handle, mode="w:gz") as archive:
            def add(name: str, size: int, stream) -> None:
                info = tarfile.TarInfo(name)
                info.size, info.mode, info.mtime = size, 0o600, int(now.timestamp())
                archive.addfile(info, stream)

            body = json.dumps(manifest, indent=2, sort_keys=True).encode()
            add(MANIFEST, len(body), io.BytesIO(body))
            add(README, len(readme), io.BytesIO(readme))
            for name, path in members.items():
                with open(path, "rb") as stream:
                    add(name, manifest["members"][name]["bytes"], stream)
        os.link(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def describe(path: Path) -> list[str]:
    """What an archive holds, one line per member (names, sizes and checksums: nothing personal)."""
    with tarfile.open(path, "r:gz") as archive:
        manifest = json.load(archive.extractfile(MANIFEST))
    lines = [f"{path} ({path.stat().st_size} bytes, mode {path.stat().st_mode & 0o777:o}): {manifest['database']} "
             f"database at alembic revision {manifest['alembic_revision']}, made {manifest['created_at']}"]
    for name, member in sorted(manifest["members"].items()):
        kid = f", kid {member['kid']}" if member.get("kid") else ""
        lines.append(f"  {name}: {member['bytes']} bytes, sha256 {member['sha256']}{kid}")
    if KEY_MEMBERS["signing_key"] not in manifest["members"]:
        lines.append("  no certificate signing key was found: none is in the archive.")
    return lines

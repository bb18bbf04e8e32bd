"""`flask backup` and `flask restore` on this run's database kind: a round trip into a fresh database, and
every refusal (an altered archive, a database with data, a different signing key) before any change."""
from __future__ import annotations

import io
import json
import os
import tarfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from portal import backup, create_app, restore, throwaway
from portal.extensions import db
from tests.conftest import BACKEND

ROWS = "SELECT email, full_name, phone FROM users ORDER BY email"


def _key(path: Path) -> Path:
    """A new Ed25519 key (PEM, owner-only) at `path`."""
    path.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    path.chmod(0o600)
    return path


def _invoke(app, *args):
    """Run a command of `app` with its own application context (never the test's)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def source(make_app, make_user, tmp_path):
    """The session database with two people, its signing key and a retired-keys file."""
    retired = tmp_path / "retired.json"
    retired.write_text(json.dumps({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "A" * 43, "kid": "old"}]}))
    app = make_app(CERT_SIGNING_KEY_FILE=str(_key(tmp_path / "signing.pem")), CERT_RETIRED_JWKS_FILE=str(retired))
    with app.app_context():
        make_user(email="an.nguyen@example.org", full_name="Nguyễn Văn An", phone="0912345678")
        make_user(email="binh.tran@example.org", full_name="Trần Thị Bình", role="leader")
        rows = db.session.execute(text(ROWS)).all()
    return app, rows


@contextmanager
def fresh_app(folder: Path):
    """An app on a new, empty database of this run's kind, with key paths in `folder` that do not exist yet."""
    with throwaway.database(BACKEND, os.environ.get("TEST_DATABASE_URL"), prefix="portal_restore") as url:
        app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key-not-for-production", "BASE_URL":
                          "http://portal.test", "SQLALCHEMY_DATABASE_URI": url,
                          "CERT_SIGNING_KEY_FILE": str(folder / "keys" / "signing.pem"),
                          "CERT_RETIRED_JWKS_FILE": str(folder / "keys" / "retired.json")})
        try:
            yield app
        finally:
            with app.app_context():
                db.engine.dispose()


@pytest.fixture
def archive(source, tmp_path):
    """A backup of the source, made by the command."""
    app, _rows = source
    result = _invoke(app, "backup", "--output", str(tmp_path))
    assert result.exit_code == 0, result.output
    (path,) = tmp_path.glob("donghanh-backup-*.tar.gz")
    return path


def _members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def _rewrite(path: Path, members: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_backup_then_restore_into_a_fresh_database_gives_the_same_rows_and_keys(source, archive, tmp_path):
    app, rows = source
    assert archive.stat().st_mode & 0o777 == 0o600
    members = _members(archive)
    manifest = json.loads(members["manifest.json"])
    assert manifest["database"] == BACKEND and manifest["alembic_revision"] in backup.migration_scripts().get_heads()
    assert "in the database" in manifest["uploads"]
    assert set(members) == {"manifest.json", *manifest["members"]}
    assert {"README.txt", "keys/cert_signing_key.pem", "keys/retired_jwks.json"} < set(manifest["members"])
    assert manifest["members"]["keys/cert_signing_key.pem"]["kid"]
    for text_member in ("manifest.json", "README.txt"):  # the archive's readable parts name no one
        assert b"example.org" not in members[text_member] and "Nguyễn".encode() not in members[text_member]

    with fresh_app(tmp_path / "restored") as target:
        result = _invoke(target, "restore", str(archive))
        assert result.exit_code == 0, result.output
        assert "nothing to migrate" in result.output and "example.org" not in result.output
        with target.app_context():
            assert db.session.execute(text(ROWS)).all() == rows
        for setting in ("CERT_SIGNING_KEY_FILE", "CERT_RETIRED_JWKS_FILE"):
            restored, original = Path(target.config[setting]), Path(app.config[setting])
            assert restored.read_bytes() == original.read_bytes() and restored.stat().st_mode & 0o777 == 0o600
        again = _invoke(target, "restore", str(archive))
        assert again.exit_code == 1 and "already holds data" in again.output and "--yes" in again.output


def test_restore_with_yes_replaces_the_data_and_keeps_a_different_key_beside_the_restored_one(source, archive,
                                                                                               tmp_path):
    _app, rows = source
    with fresh_app(tmp_path / "restored") as target:
        with target.app_context():  # an older deployment's data, in a table the backup also has
            db.session.execute(text("CREATE TABLE users (email TEXT, full_name TEXT, phone TEXT)"))
            db.session.execute(text("INSERT INTO users VALUES ('someone.else@example.org', 'Lê Văn Cũ', NULL)"))
            db.session.commit()
        theirs = Path(target.config["CERT_SIGNING_KEY_FILE"])
        theirs.parent.mkdir(parents=True)
        before = _key(theirs).read_bytes()
        refused = _invoke(target, "restore", str(archive))
        assert refused.exit_code == 1 and "is not the backup's" in refused.output
        assert theirs.read_bytes() == before and not list(theirs.parent.glob("*.before-restore-*"))
        forced = _invoke(target, "restore", str(archive), "--yes")
        assert forced.exit_code == 0, forced.output
        (kept,) = theirs.parent.glob("signing.pem.before-restore-*")
        assert kept.read_bytes() == before and theirs.read_bytes() != before
        with target.app_context():
            assert db.session.execute(text(ROWS)).all() == rows
            head = backup.migration_scripts().get_revision(backup.database_revision())
            db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head.down_revision})
            db.session.commit()
            assert "flask --app wsgi db upgrade" in restore.migration_check({})
            db.session.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed0000'"))
            db.session.commit()
            assert "does not know" in restore.migration_check({"portal_revision": "abc"})


@pytest.mark.parametrize("damage", ["altered", "extra", "missing"])
def test_an_altered_archive_is_refused_before_anything_changes(archive, tmp_path, damage):
    members = _members(archive)
    database = next(name for name in members if name.startswith("database."))
    if damage == "altered":
        members[database] = members[database][:-1] + bytes([members[database][-1] ^ 1])
    elif damage == "extra":
        members["keys/extra.pem"] = b"-----BEGIN PRIVATE KEY-----"
    else:
        del members["keys/cert_signing_key.pem"]
    _rewrite(archive, members)
    with fresh_app(tmp_path / "restored") as target:
        result = _invoke(target, "restore", str(archive))
        assert result.exit_code == 1 and "altered or damaged" in result.output
        assert not (tmp_path / "restored" / "keys").exists()
        with target.app_context():
            assert backup.database_revision() is None


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a tar file")
    with pytest.raises(backup.BackupError, match="cannot be read as a portal backup"):
        restore.verified(bogus, tmp_path)


def test_restore_over_data_is_refused_without_yes_and_the_data_stays(source, archive):
    app, rows = source
    result = _invoke(app, "restore", str(archive))
    assert result.exit_code == 1 and "already holds data" in result.output
    with app.app_context():
        assert db.session.execute(text(ROWS)).all() == rows

"""Two-factor sign-in: TOTP codes (RFC 6238, through pyotp) and single-use recovery codes.

The secret is encrypted at rest (Fernet, keyed from SECRET_KEY through HKDF; SECRET_KEY_FALLBACKS
still decrypt after a rotation) and never shown again once enrolment is confirmed. The last
accepted time step is kept, so a code cannot be used twice. Recovery codes are stored as salted
SHA-256 hashes (60 random bits each) and are shown once.

No request or session imports here: routes, the CLI and tests call these functions.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

import pyotp
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash

from portal.accounts.models import RecoveryCode, User
from portal.audit import services as audit
from portal.core import clock
from portal.core import qr as core_qr
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l

ISSUER = "Đồng hành"
STEP_SECONDS = 30
# One step either side of now: a phone whose clock is half a minute off still works.
VALID_WINDOW = 1
RECOVERY_CODE_COUNT = 10
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


# --- the secret, encrypted at rest ------------------------------------------------------------


def _fernet_for(key: str | bytes) -> Fernet:
    """A Fernet key derived from one secret key, for this purpose only."""
    material = key.encode() if isinstance(key, str) else key
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"donghanh.totp-secret").derive(material)
    return Fernet(base64.urlsafe_b64encode(derived))


def _cipher() -> MultiFernet:
    """The current key first, then SECRET_KEY_FALLBACKS, so a rotated key still decrypts."""
    keys = [current_app.config["SECRET_KEY"], *(current_app.config.get("SECRET_KEY_FALLBACKS") or [])]
    return MultiFernet([_fernet_for(k) for k in keys])


def encrypt_secret(secret: str) -> str:
    """Encrypt a base32 TOTP secret for storage."""
    return _cipher().encrypt(secret.encode()).decode()


def _secret(user: User) -> str | None:
    """The user's TOTP secret in clear, or None (none set, or a key that no longer decrypts it)."""
    if not user.totp_secret:
        return None
    try:
        return _cipher().decrypt(user.totp_secret.encode()).decode()
    except InvalidToken:
        current_app.logger.error("the TOTP secret of user %s does not decrypt with SECRET_KEY", user.id)
        return None


# --- state ------------------------------------------------------------------------------------


def is_enabled(user) -> bool:
    """Tell whether the person signs in with a second factor."""
    return getattr(user, "totp_enabled_at", None) is not None


def is_required(user) -> bool:
    """Organisers must use two-factor sign-in (REQUIRE_ADMIN_2FA, on by default)."""
    return user.has_role("admin") and current_app.config.get("REQUIRE_ADMIN_2FA", True)


def recovery_codes_left(user: User) -> int:
    """How many unused recovery codes the person still has."""
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


# --- enrolment --------------------------------------------------------------------------------


def pending_secret(user: User) -> str | None:
    """The secret being enrolled (shown until the person confirms it with a code), or None."""
    return None if is_enabled(user) else _secret(user)


def start_enrolment(user: User) -> str:
    """Give the person a new secret to scan; it is enabled only once a code confirms it."""
    if is_enabled(user):
        raise InvalidInput(_l("Two-factor sign-in is already on."))
    secret = pyotp.random_base32()
    user.totp_secret = encrypt_secret(secret)
    user.totp_last_step = None
    db.session.commit()
    return secret


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(data: str) -> str:
    """The enrolment QR code as inline SVG."""
    return core_qr.qr_svg(data, box_size=8)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def confirm_enrolment(user: User, code: str) -> list[str]:
    """Turn two-factor sign-in on once a code from the app matches; return the recovery codes."""
    secret = pending_secret(user)
    if secret is None:
        raise InvalidInput(_l("Start the set-up again: scan the new code with your app."), "code")
    step = _matching_step(user, secret, code)
    if step is None:
        raise InvalidInput(_l("This code is not correct. Enter the 6 digits your app shows now."), "code")
    user.totp_last_step = step
    user.totp_enabled_at = clock.now()
    codes = _new_recovery_codes(user)
    audit.record(user, "auth.2fa_enabled", "user", user.id)
    db.session.commit()
    return codes


# --- codes ------------------------------------------------------------------------------------


def _now_step() -> int:
    """The current TOTP time step."""
    return int(clock.now().timestamp()) // STEP_SECONDS


def _matching_step(user: User, secret: str, code: str) -> int | None:
    """The time step (around now, and newer than the last one used) whose code this is."""
    code = re.sub(r"\s", "", code or "")
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    now = _now_step()
    for step in range(now - VALID_WINDOW, now + VALID_WINDOW + 1):
        if user.totp_last_step is not None and step <= user.totp_last_step:
            continue  # this code, or an older one, was used already
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _normalise_recovery(code: str) -> str:
    """A recovery code as typed (any case, spaces or hyphens, O for 0, I or L for 1) in canonical form."""
    code = re.sub(r"[\s\-]", "", (code or "").upper())
    return code.translate(str.maketrans("OIL", "011"))


def _hash_recovery(user_id: int, code: str) -> str:
    """The stored form of a recovery code, salted with the account."""
    return hashlib.sha256(f"donghanh.recovery:{user_id}:{code}".encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the person's recovery codes with ten new ones; return them to show once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash_recovery(user.id, raw)))
    return codes


def use_code(user: User, code: str) -> str | None:
    """Accept a current TOTP code or an unused recovery code, in the caller's transaction.

    Returns "totp" or "recovery" (the recovery code is spent and the event recorded), or None.
    """
    secret = _secret(user) if is_enabled(user) else None
    if secret is not None:
        step = _matching_step(user, secret, code)
        if step is not None:
            user.totp_last_step = step
            return "totp"
    normalised = _normalise_recovery(code)
    if len(normalised) != 12 or not is_enabled(user):
        return None
    row = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
        RecoveryCode.code_hash == _hash_recovery(user.id, normalised)).with_for_update())
    if row is None:
        return None
    row.used_at = clock.now()
    audit.record(user, "auth.recovery_code_used", "user", user.id,
                 after={"recovery_codes_left": recovery_codes_left(user)})
    return "recovery"


def record_failure(user: User, during: str) -> None:
    """Record a wrong second-factor code (at sign-in, or to change the settings)."""
    audit.record(user if during != "login" else None, "auth.2fa_failed", "user", user.id, after={"during": during})
    db.session.commit()


WRONG_CODE = _l("This code is not correct. Enter the 6 digits your app shows now, or one of your recovery codes.")


def regenerate_recovery_codes(user: User, code: str) -> list[str]:
    """Replace the recovery codes, given a current code; the old ones stop working."""
    if use_code(user, code) is None:
        db.session.rollback()
        record_failure(user, "recovery_codes")
        raise InvalidInput(WRONG_CODE, "code")
    codes = _new_recovery_codes(user)
    audit.record(user, "auth.recovery_codes_regenerated", "user", user.id)
    db.session.commit()
    return codes


def disable(user: User, password: str, code: str) -> None:
    """Turn two-factor sign-in off, given the password and a current or recovery code."""
    if not user.password_hash or not check_password_hash(user.password_hash, password or ""):
        raise InvalidInput(_l("Your password is not correct."), "password")
    if use_code(user, code) is None:
        db.session.rollback()
        record_failure(user, "disable")
        raise InvalidInput(WRONG_CODE, "code")
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record(user, "auth.2fa_disabled", "user", user.id)
    db.session.commit()

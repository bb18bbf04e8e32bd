"""What people say about themselves: a student's sign-up, then their own profile."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from portal.accounts import consent, signed_links
from portal.accounts import services as accounts
from portal.accounts.models import User, UserRole
from portal.accounts.validation import check_name, check_password, normalise_email, normalise_phone
from portal.core import clock
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l

PROFILE_FIELDS = ("full_name", "phone", "school", "student_code", "chapter", "locale")


@dataclass
class StudentSignup:
    """What a student types on the sign-up form."""

    full_name: str
    email: str
    phone: str
    school: str
    student_code: str
    chapter: str
    password: str
    consent: bool
    consent_referrals: bool = False  # optional purposes, each granted only when ticked
    consent_news: bool = False
    locale: str = "vi"


def register_student(data: StudentSignup) -> User:
    """Create a student account, record consent and queue the verification email."""
    if not data.consent:
        raise InvalidInput(_l("You must agree to the privacy notice to sign up."), "consent")
    email = normalise_email(data.email)
    full_name = check_name(data.full_name)
    phone = normalise_phone(data.phone) if (data.phone or "").strip() else None  # optional until a booking
    check_password(data.password, email, full_name)
    accounts.ensure_email_free(email)
    user = User(
        email=email,
        full_name=full_name,
        phone=phone,
        school=nfc(data.school.strip()),
        student_code=nfc(data.student_code.strip()),
        chapter=nfc(data.chapter.strip()),
        locale=data.locale if data.locale in ("vi", "en") else "vi",
        password_hash=accounts.hash_password(data.password),
        password_changed_at=clock.now(),
    )
    user.roles.append(UserRole(role="student"))
    version = current_app.config["PRIVACY_NOTICE_VERSION"]
    consent.grant(user, consent.PROGRAMME, version)
    for purpose, ticked in ((consent.REFERRALS, data.consent_referrals), (consent.NEWS, data.consent_news)):
        if ticked:
            consent.grant(user, purpose, version)
    accounts.save_new_account(user, signed_links.queue_verification)
    return user


def update_profile(user: User, **values) -> None:
    """Update a person's own details; the email stays as it was verified."""
    full_name = check_name(values["full_name"])
    phone = normalise_phone(values["phone"]) if values.get("phone") else None
    if user.has_role("student") and not phone:
        raise InvalidInput(_l("Enter your phone number."), "phone")
    user.full_name = full_name
    user.phone = phone
    for field in ("school", "student_code", "chapter"):
        setattr(user, field, nfc((values.get(field) or "").strip()) or None)
    if values.get("locale") in ("vi", "en"):
        user.locale = values["locale"]
    db.session.commit()

"""Eligibility, issuing (idempotent, early only with a reason), revocation and correction."""
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.certificates import records, signing
from portal.certificates import services as certificates
from portal.certificates.eligibility import standings
from portal.certificates.models import Credential
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.mail.models import OutboxMessage
from tests import factories


def _by_name(campaign):
    return {s.user.full_name: s for s in standings(campaign)}


def test_the_preview_says_exactly_why_each_student_does_not_qualify(season):
    people = season.people
    found = {key: s for key, user in people.items() for s in standings(season.campaign) if s.user.id == user.id}
    with force_locale("en"):
        why = {key: [str(r) for r in s.reasons] for key, s in found.items()}
    assert why["eligible"] == []
    assert found["eligible"].minutes == 720 and found["eligible"].attended == 3
    assert found["eligible"].points == {"Điểm phường Hoàn Kiếm", "Điểm xã Gia Lâm"}
    assert why["untrained"] == ["Required training not completed: Bảo mật thông tin công dân, Kỹ năng ứng xử."]
    assert why["short"] == ["4 hours attended; 8 hours needed."]
    assert why["absent"] == ["2 no-shows; at most 1 allowed."]
    assert why["idle"] == ["No shift attended.", "0 hours attended; 8 hours needed."]
    with force_locale("vi"):
        assert str(found["short"].reasons[0]) == "Đã tham gia 4 giờ; cần 8 giờ."


def test_a_leaders_correction_counts_instead_of_the_clock(season, make_point):
    factories.served(season.campaign, make_point(), season.people["short"], adjusted_minutes=270, days_ago=5)
    standing = _by_name(season.campaign)["Lê Văn Ngắn"]
    assert standing.minutes == 240 + 270 and standing.eligible


def test_the_rule_can_be_loosened_and_the_preview_follows(season):
    certificates.set_rule(season.people["admin"], season.campaign, require_training=False, min_hours=4,
                          max_no_shows=None)
    eligible = {s.user.full_name for s in standings(season.campaign) if s.eligible}
    assert eligible == {"Nguyễn Thị Phương Thảo Hoàng Lê Khánh Ngọc", "Đỗ Thu Hương", "Lê Văn Ngắn", "Phạm Văn Vắng"}
    with pytest.raises(InvalidInput):
        certificates.set_rule(season.people["admin"], season.campaign, True, -1, None)


def test_issuing_is_idempotent_and_reaches_the_newly_eligible_later(season, make_point):
    first = certificates.issue_all(season.people["admin"], season.campaign)
    assert [c.user_id for c in first] == [season.people["eligible"].id]
    assert certificates.issue_all(season.people["admin"], season.campaign) == []
    factories.served(season.campaign, make_point(), season.people["short"], days_ago=3)  # now 8 h
    second = certificates.issue_all(season.people["admin"], season.campaign)
    assert [c.user_id for c in second] == [season.people["short"].id]
    assert db.session.scalar(select(func.count()).select_from(Credential)) == 2
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "certificate")).all()
    assert sorted(m.to_email for m in mail) == sorted([season.people["eligible"].email, season.people["short"].email])
    assert "http://portal.test/me/certificates" in mail[0].body_text


def test_issuing_in_steps_covers_everyone_once(season, make_user):
    certificates.set_rule(season.people["admin"], season.campaign, False, 0, None)
    step = certificates.issue_step(season.people["admin"], season.campaign, limit=2)
    assert len(step.issued) == 2 and step.remaining == 2 and step.eligible_total == 4
    step = certificates.issue_step(season.people["admin"], season.campaign, limit=2)
    assert len(step.issued) == 2 and step.remaining == 0
    assert certificates.issue_step(season.people["admin"], season.campaign, limit=2).issued == []


def test_before_the_end_issuing_needs_a_recorded_reason(season):
    season.campaign.status, season.campaign.end_date = "open", date.today() + timedelta(days=5)
    db.session.commit()
    with pytest.raises(InvalidInput) as refused:
        certificates.issue_all(season.people["admin"], season.campaign)
    assert refused.value.field == "reason"
    assert db.session.scalar(select(func.count()).select_from(Credential)) == 0
    (credential,) = certificates.issue_all(season.people["admin"], season.campaign,
                                           "Sinh viên cần nộp hồ sơ thực tập sớm")
    assert credential.early_reason == "Sinh viên cần nộp hồ sơ thực tập sớm"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.issue"))
    assert event.after["early_reason"] == credential.early_reason and event.actor_id == season.people["admin"].id


def test_the_signature_covers_the_printed_fields_exactly(season):
    (credential,) = certificates.issue_all(season.people["admin"], season.campaign)
    claims = credential.claims
    assert claims["name"] == "Nguyễn Thị Phương Thảo Hoàng Lê Khánh Ngọc"
    assert claims["organisers"] == ["Thành đoàn Hà Nội", "Trung tâm Phục vụ hành chính công thành phố Hà Nội"]
    assert (claims["minutes"], claims["shifts"], claims["start"], claims["end"]) == (720, 3, "2025-12-18", "2026-02-15")
    assert "phone" not in credential.claims_json and "0987654321" not in credential.claims_json
    assert signing.verify_detached(credential.signature, credential.claims_json.encode())
    altered = credential.claims_json.replace("720", "7200").encode()
    assert not signing.verify_detached(credential.signature, altered)


def test_revoking_keeps_the_record_and_blocks_a_new_issue(season):
    (credential,) = certificates.issue_all(season.people["admin"], season.campaign)
    with pytest.raises(InvalidInput):
        certificates.revoke(season.people["admin"], credential, "sai")
    certificates.revoke(season.people["admin"], credential, "Khai man số giờ tham gia")
    assert credential.status == "revoked" and credential.revoked_by_id == season.people["admin"].id
    assert certificates.issue_all(season.people["admin"], season.campaign) == []
    with pytest.raises(InvalidInput):
        certificates.revoke(season.people["admin"], credential, "Thu hồi lần hai")


def test_a_correction_is_a_new_code_and_the_old_one_is_superseded(season):
    (old,) = certificates.issue_all(season.people["admin"], season.campaign)
    season.people["eligible"].full_name = "Nguyễn Thị Phương Thảo"
    db.session.commit()
    new = certificates.reissue(season.people["admin"], old, "Sửa họ tên theo căn cước")
    assert new.code != old.code and old.status == "superseded" and new.status == "valid"
    assert new.supersedes_id == old.id and records.replacement_of(old) == new
    assert new.claims["name"] == "Nguyễn Thị Phương Thảo"
    assert old.claims["name"].startswith("Nguyễn Thị Phương Thảo Hoàng")
    with pytest.raises(InvalidInput):
        certificates.reissue(season.people["admin"], old, "Sửa lần nữa")


def test_a_draft_campaign_has_no_certificates(season):
    season.campaign.status = "draft"
    db.session.commit()
    with pytest.raises(InvalidInput):
        certificates.issue_all(season.people["admin"], season.campaign, "Thử nghiệm trước")


def test_a_deactivated_account_and_near_misses_are_explained(season, make_point):
    people = season.people
    people["eligible"].is_active_account = False
    db.session.commit()
    factories.served(season.campaign, make_point(), people["short"], hours=4, adjusted_minutes=239, days_ago=2)
    found = {key: s for key, user in people.items() for s in standings(season.campaign) if s.user.id == user.id}
    with force_locale("en"):
        assert [str(r) for r in found["eligible"].reasons] == ["The account is deactivated."]
        assert [str(r) for r in found["short"].reasons] == ["479 minutes attended; 480 minutes needed."]
    assert certificates.issue_all(people["admin"], season.campaign) == []


def test_a_correction_is_refused_when_the_student_no_longer_qualifies(season):
    (credential,) = certificates.issue_all(season.people["admin"], season.campaign)
    certificates.set_rule(season.people["admin"], season.campaign, True, 20, 1)
    with pytest.raises(InvalidInput):
        certificates.reissue(season.people["admin"], credential, "Sửa tên trường")
    assert credential.status == "valid"


def test_the_standings_take_the_same_number_of_queries_for_few_and_many(season, make_user, count_queries):
    with count_queries() as few:
        standings(season.campaign)
    for _ in range(20):
        factories.enrol(season.campaign, make_user())
    with count_queries() as many:
        standings(season.campaign)
    assert few.n == many.n <= 9  # students, their roles, attendance, rule, modules, sign-offs, certificates

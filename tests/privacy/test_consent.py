"""Consent by purpose: withdrawing keeps the record, and it changes who is shortlisted, nominable and called."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts import consent
from portal.accounts.models import Consent
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.referrals import evidence
from portal.referrals import services as referrals
from portal.reports.staffing import call_volunteers
from tests.factories import enrol, served


def test_withdrawing_keeps_the_row_and_a_later_grant_adds_one(app, make_user):
    student = make_user()
    consent.grant(student, consent.NEWS, "2025-12")
    db.session.commit()
    assert consent.has_consent(student, consent.NEWS)
    assert consent.withdraw(student, consent.NEWS) == 1
    db.session.commit()
    assert not consent.has_consent(student, consent.NEWS)
    consent.grant(student, consent.NEWS, "2025-12")
    db.session.commit()
    rows = db.session.scalars(select(Consent).where(Consent.user_id == student.id)).all()
    assert [r.withdrawn_at is None for r in rows] == [False, True]
    assert consent.current(student, consent.NEWS).id == rows[1].id


def test_student_withdraws_news_from_my_data_and_it_is_audited(client, auth, make_user):
    student = auth.as_(make_user())
    consent.grant(student, consent.NEWS, "2025-12")
    db.session.commit()
    response = client.post("/me/data/consent/news", data={"given": "no"})
    assert response.status_code == 303
    assert not consent.has_consent(student, consent.NEWS)
    withdrawal = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "consent.withdraw"))
    assert withdrawal.after == {"purpose": "news"}
    response = client.post("/me/data/consent/news", data={"given": "yes"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'id="consents"' in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)
    assert consent.has_consent(student, consent.NEWS)


def test_the_required_purpose_cannot_be_withdrawn_from_the_toggles(client, auth, make_user):
    auth.as_(make_user())
    assert client.post("/me/data/consent/volunteer-programme", data={"given": "no"}).status_code == 404


def test_a_consent_answer_that_is_neither_yes_nor_no_changes_nothing_and_says_why(client, auth, make_user):
    student = auth.as_(make_user())
    refused = client.post("/me/data/consent/news?lang=en", data={"given": "maybe"}, headers={"HX-Request": "true"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="consents"' in page and "<html" not in page
    assert "Choose to agree or to withdraw." in page
    plain = client.post("/me/data/consent/news?lang=en", data={"given": ""})
    assert plain.status_code == 303 and plain.headers["Location"].endswith("/me/data#consents")
    assert "Choose to agree or to withdraw." in client.get("/me/data?lang=en").get_data(as_text=True)
    assert not consent.has_consent(student, consent.NEWS)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("consent.%"))) is None


def test_student_who_withdrew_referrals_is_neither_shortlisted_nor_nominable(app, make_user, make_campaign, make_point):
    campaign, point = make_campaign(), make_point()
    keen, withdrew = make_user(full_name="Lê Thị Muốn"), make_user(full_name="Lê Văn Thôi")
    enrol(campaign, keen, withdrew)
    served(campaign, point, keen)
    served(campaign, point, withdrew)
    consent.grant(withdrew, consent.REFERRALS, "2025-12")
    db.session.commit()
    assert {c.standing.user.id for c in evidence.shortlist(campaign)} == {keen.id, withdrew.id}
    consent.withdraw(withdrew, consent.REFERRALS)
    db.session.commit()
    assert [c.standing.user.id for c in evidence.shortlist(campaign)] == [keen.id]
    assert referrals.nominee(campaign, withdrew.id) is None
    assert referrals.nominee(campaign, keen.id) is not None


@pytest.mark.hanoi_time("2026-03-10 10:00")  # a call goes out in the day: quiet hours hold it at night
def test_staffing_calls_reach_only_students_who_agreed_to_news(app, make_user, make_campaign, make_point, make_shift,
                                                               outbox):
    campaign = make_campaign(status="open")
    shift = make_shift(campaign, make_point(), capacity=4)
    agreed, silent = make_user(), make_user()
    enrol(campaign, agreed, silent)
    consent.grant(agreed, consent.NEWS, "2025-12")
    db.session.commit()
    assert call_volunteers(make_user(role="admin"), shift) == 1
    assert len(outbox(agreed.email)) == 1 and outbox(silent.email) == []

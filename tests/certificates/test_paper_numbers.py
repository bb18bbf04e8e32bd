"""Document numbers: sequential per campaign and kind, taken at issue, never reused (revoked, corrected, or an
issue whose transaction failed after taking them), and safe when many issue at once, on each database."""
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.certificates import documents, numbers
from portal.certificates import services as certificates
from portal.certificates.issuers import DocumentCounter
from portal.certificates.models import Credential
from portal.core import clock
from portal.extensions import db


def test_a_batch_takes_consecutive_numbers_and_a_revoked_number_is_never_given_again(season):
    admin, campaign = season.people["admin"], season.campaign
    (first,) = certificates.issue_all(admin, campaign)
    assert (first.number, first.number_text) == (1, "0001/GCN")  # no issuers set: the series alone
    certificates.revoke(admin, first, "Cấp nhầm người")
    certificates.set_rule(admin, campaign, False, 8, None)  # now the untrained and the absent qualify too
    batch = certificates.issue_all(admin, campaign)
    assert sorted(c.number for c in batch) == [2, 3]
    corrected = certificates.reissue(admin, batch[0], "Sửa tên theo giấy tờ")
    assert corrected.number == 4 and corrected.number_text == "0004/GCN"


def test_numbers_taken_by_a_failed_issue_are_skipped_not_reused(season):
    admin, campaign = season.people["admin"], season.campaign
    taken = documents.numbered_header(campaign, "participation", clock.now(), 3)
    assert [n for n, _ in taken] == [1, 2, 3]
    db.session.rollback()  # the issue's transaction fails after taking them
    (credential,) = certificates.issue_all(admin, campaign)
    assert credential.number == 4
    assert db.session.get(DocumentCounter, (campaign.id, "GCN")).last_number == 4


def test_each_kind_and_campaign_has_its_own_series(season, make_campaign):
    other = make_campaign()
    assert numbers.allocate(season.campaign.id, "participation", 2) == [1, 2]
    assert numbers.allocate(season.campaign.id, "referral", 1) == [1]
    assert numbers.allocate(other.id, "participation", 1) == [1]
    assert numbers.allocate(season.campaign.id, "participation", 0) == []
    assert numbers.allocate(season.campaign.id, "participation", 1) == [3]
    assert numbers.printed(7, "commendation", ["TĐTN", "TTPVHCC"]) == "0007/GK-TĐTN-TTPVHCC"


def test_many_issuers_at_once_never_share_a_number(app, season):
    campaign_id = season.campaign.id
    attempts = 8
    barrier = Barrier(attempts)

    def take(_):
        with app.app_context():
            barrier.wait()
            try:
                return numbers.allocate(campaign_id, "participation", 5)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        taken = [n for batch in pool.map(take, range(attempts)) for n in batch]
    assert sorted(taken) == list(range(1, attempts * 5 + 1))


def test_the_database_refuses_two_credentials_with_one_number(season):
    (credential,) = certificates.issue_all(season.people["admin"], season.campaign)
    twin = Credential(code="X" * 16, kind="participation", campaign_id=credential.campaign_id,
                      user_id=season.people["short"].id, claims_json="{}", signature="s", kid="k",
                      is_current=True, number=credential.number, number_text=credential.number_text)
    db.session.add(twin)
    with pytest.raises(IntegrityError, match="(?i)unique"):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Credential)) == 1

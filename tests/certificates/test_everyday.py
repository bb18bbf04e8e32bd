"""The end of the season for organisers: issuing says what it will do before it writes anything, the
counters follow the run, and the referrals shortlist shows who had a certificate revoked."""
from sqlalchemy import func, select

from portal.certificates import services as certificates
from portal.certificates.eligibility import rule_for
from portal.certificates.models import Credential
from portal.extensions import db
from portal.mail.models import OutboxMessage

HX = {"HX-Request": "true"}


def _count(model=Credential):
    return db.session.scalar(select(func.count()).select_from(model))


def test_issuing_shows_the_count_and_the_people_before_anything_is_written(season, auth, client):
    auth.as_(season.people["admin"])
    url = f"/campaigns/{season.campaign.slug}/certificates/issue"
    mails = _count(OutboxMessage)
    asked = client.post(url, data={})
    body = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "<html" in body  # without JavaScript: the whole page, confirming
    assert 'name="confirmed"' in body and "Nguyễn Thị Phương Thảo" in body
    assert _count() == 0 and _count(OutboxMessage) == mails  # nothing written, no email queued
    fragment = client.post(url, data={}, headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and 'id="certificate-issue"' in fragment and 'name="confirmed"' in fragment
    assert _count() == 0
    done = client.post(url, data={"confirmed": "1"})
    assert done.status_code == 303 and _count() == 1 and _count(OutboxMessage) == mails + 1


def test_the_confirmation_counts_everyone_waiting_in_words(season, auth, client, app):
    certificates.set_rule(season.people["admin"], season.campaign, False, 0, None)
    auth.as_(season.people["admin"])
    client.post("/language", data={"lang": "en"})
    body = client.post(f"/campaigns/{season.campaign.slug}/certificates/issue", data={},
                       headers=HX).get_data(as_text=True)
    assert "4 certificates will be issued." in body and "Issue 4 certificates" in body
    assert "4 students each receive an email" in body and _count() == 0


def test_the_counters_update_when_an_htmx_run_ends(season, auth, client):
    auth.as_(season.people["admin"])
    url = f"/campaigns/{season.campaign.slug}/certificates/issue"
    last = client.post(url, data={"confirmed": "1"}, headers=HX).get_data(as_text=True)
    assert _count() == 1 and "panel-success" in last
    assert 'id="certificate-counts"' in last and 'hx-swap-oob="true"' in last
    counters = last[last.index('id="certificate-counts"'):]
    assert [int(n) for n in __import__("re").findall(r"<dd>(\d+)</dd>", counters)] == [5, 1, 0, 1]


def test_nobody_waiting_means_nothing_to_confirm(season, auth, client):
    certificates.issue_all(season.people["admin"], season.campaign)
    auth.as_(season.people["admin"])
    body = client.post(f"/campaigns/{season.campaign.slug}/certificates/issue", data={},
                       headers=HX).get_data(as_text=True)
    assert 'name="confirmed"' not in body and _count() == 1


def test_the_referrals_shortlist_flags_a_revoked_certificate(season, auth, client):
    (credential,) = certificates.issue_all(season.people["admin"], season.campaign)
    auth.as_(season.people["admin"])
    url = f"/campaigns/{season.campaign.slug}/referrals/shortlist"
    before = client.get(url).get_data(as_text=True)
    assert "tag--closed" not in before
    certificates.revoke(season.people["admin"], credential, "Cấp nhầm người", "issued_in_error")
    db.session.commit()
    after = client.get(url).get_data(as_text=True)
    row = after[after.index("Nguyễn Thị Phương Thảo"):]
    row = row[:row.index("</tr>")]
    assert "tag--closed" in row and f"/admin/certificates/{credential.code}" in row
    assert after.count("tag--closed") == 1


def test_the_rule_reads_hours_with_a_decimal_comma_and_shows_them_so(season, auth, client):
    auth.as_(season.people["admin"])
    saved = client.post(f"/campaigns/{season.campaign.slug}/certificates/rule", data={"min_hours": "12,5"})
    assert saved.status_code == 303
    db.session.expire_all()
    assert rule_for(season.campaign).min_minutes == 750
    assert 'value="12,5"' in client.get(f"/campaigns/{season.campaign.slug}/certificates").get_data(as_text=True)

"""Organisers' screens and commands: the rule, the preview, issuing with progress, revoke, correct."""
import functools

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.certificates import codes, records
from portal.certificates import services as certificates
from portal.certificates.eligibility import rule_for
from portal.certificates.models import Credential
from portal.extensions import db
from portal.jobs.models import JobRun

HX = {"HX-Request": "true"}


def _count():
    return db.session.scalar(select(func.count()).select_from(Credential))


def test_the_preview_lists_who_qualifies_and_why_not(season, auth, client):
    auth.as_(season.people["admin"])
    page = client.get(f"/campaigns/{season.campaign.slug}/certificates").get_data(as_text=True)
    assert "Phạm Văn Vắng" in page and "Trần Thị Nghỉ" in page
    only = client.get(f"/campaigns/{season.campaign.slug}/certificates?show=eligible").get_data(as_text=True)
    assert "Nguyễn Thị Phương Thảo" in only and "Trần Thị Nghỉ" not in only


def test_saving_the_rule_changes_the_preview_and_bad_input_changes_nothing(season, auth, client):
    auth.as_(season.people["admin"])
    url = f"/campaigns/{season.campaign.slug}/certificates/rule"
    bad = client.post(url, data={"require_training": "y", "min_hours": "-3", "max_no_shows": ""})
    assert bad.status_code == 422
    assert rule_for(season.campaign).min_minutes == 480
    ok = client.post(url, data={"min_hours": "2.5", "max_no_shows": ""})
    assert ok.status_code == 303
    db.session.expire_all()
    rule = rule_for(season.campaign)
    assert (rule.require_training, rule.min_minutes, rule.max_no_shows) == (False, 150, None)


def test_an_issuing_run_goes_to_the_worker_and_commits_a_batch_at_a_time(season, auth, client, monkeypatch):
    certificates.set_rule(season.people["admin"], season.campaign, False, 0, None)
    # Batches of 3 students instead of certificates.BATCH: the job calls the public service with its default batch.
    monkeypatch.setattr(certificates, "issue_step", functools.partial(certificates.issue_step, limit=3))
    auth.as_(season.people["admin"])
    url = f"/campaigns/{season.campaign.slug}/certificates/issue"
    done = client.post(url, data={"confirmed": "1"}, headers=HX).get_data(as_text=True)
    assert _count() == 4 and "panel-success" in done and 'hx-trigger="every' not in done  # the run ended: no polling
    batches = db.session.scalars(select(AuditEvent.after).where(AuditEvent.action == "certificate.issue")).all()
    assert sorted(b["count"] for b in batches) == [1, 3]  # two transactions, one per batch
    run = db.session.scalar(select(JobRun).where(JobRun.name == "portal.certificates.tasks.issue_run"))
    assert run.status == "done" and run.args[:2] == [season.campaign.id, season.people["admin"].id]


def test_while_the_worker_has_not_run_the_card_says_so_and_polls(season, auth, client, monkeypatch):
    from portal.certificates import tasks
    monkeypatch.setattr(tasks, "run_in_progress", lambda campaign_id: True)
    monkeypatch.setattr(tasks, "issue_run", lambda *args: None)  # enqueued, not yet run
    auth.as_(season.people["admin"])
    body = client.post(f"/campaigns/{season.campaign.slug}/certificates/issue", data={"confirmed": "1"},
                       headers=HX).get_data(as_text=True)
    assert _count() == 0 and 'hx-trigger="every 2s"' in body and "issue/progress" in body
    plain = client.post(f"/campaigns/{season.campaign.slug}/certificates/issue", data={"confirmed": "1"})
    assert plain.status_code == 303  # without JavaScript: back to the page, which says the run goes on


def test_issuing_early_from_the_page_asks_for_a_reason(season, auth, client):
    from datetime import date, timedelta
    season.campaign.status, season.campaign.end_date = "open", date.today() + timedelta(days=3)
    db.session.commit()
    auth.as_(season.people["admin"])
    url = f"/campaigns/{season.campaign.slug}/certificates/issue"
    refused = client.post(url, data={"reason": ""})
    assert refused.status_code == 422 and _count() == 0
    asked = client.post(url, data={"reason": "Hồ sơ học bổng cần gấp"})
    assert asked.status_code == 200 and _count() == 0  # first what it will do, then the confirmation
    assert client.post(url, data={"reason": "Hồ sơ học bổng cần gấp", "confirmed": "1"}).status_code == 303
    assert _count() == 1


def test_revoke_and_correct_from_the_certificate_page(season, auth, client):
    (credential,) = certificates.issue_all(season.people["admin"], season.campaign)
    auth.as_(season.people["admin"])
    page = client.get(f"/admin/certificates/{credential.code}").get_data(as_text=True)
    assert codes.pretty(credential.code) in page
    too_short = client.post(f"/admin/certificates/{credential.code}/reissue", data={"reissue-reason": "x"})
    assert too_short.status_code == 422
    response = client.post(f"/admin/certificates/{credential.code}/reissue", data={"reissue-reason": "Sửa tên trường"})
    assert response.status_code == 303
    db.session.expire_all()
    replacement = records.replacement_of(credential)
    assert response.headers["Location"].endswith(f"/admin/certificates/{replacement.code}")
    without_category = client.post(f"/admin/certificates/{replacement.code}/revoke",
                                   data={"revoke-reason": "Cấp nhầm cho sinh viên"})
    assert without_category.status_code == 422 and replacement.status == "valid"
    assert client.post(f"/admin/certificates/{replacement.code}/revoke",
                       data={"revoke-reason": "Cấp nhầm cho sinh viên",
                             "revoke-category": "invented"}).status_code == 422
    assert client.post(f"/admin/certificates/{replacement.code}/revoke",
                       data={"revoke-reason": "Cấp nhầm cho sinh viên",
                             "revoke-category": "issued_in_error"}).status_code == 303
    db.session.expire_all()
    assert replacement.status == "revoked" and credential.status == "superseded"
    assert replacement.revoke_category == "issued_in_error"
    listing = client.get(f"/campaigns/{season.campaign.slug}/certificates/issued").get_data(as_text=True)
    assert codes.pretty(credential.code) in listing and codes.pretty(replacement.code) in listing


def test_only_admins_reach_the_organiser_screens(season, auth, client, make_user):
    auth.as_(make_user(role="leader"))
    assert client.get(f"/campaigns/{season.campaign.slug}/certificates").status_code == 403
    assert client.post(f"/campaigns/{season.campaign.slug}/certificates/issue").status_code == 403
    assert _count() == 0


def test_the_commands_issue_and_write_the_pdf(season, runner, tmp_path):
    result = runner.invoke(args=["certificates", "issue", "--campaign", season.campaign.slug])
    assert result.exit_code == 0, result.output
    (credential,) = db.session.scalars(select(Credential)).all()
    assert codes.pretty(credential.code) in result.output
    again = runner.invoke(args=["certificates", "issue", "--campaign", season.campaign.slug])
    assert again.exit_code == 0 and codes.pretty(credential.code) not in again.output
    target = tmp_path / "c.pdf"
    written = runner.invoke(args=["certificates", "pdf", codes.pretty(credential.code).lower(),
                                  "--output", str(target)])
    assert written.exit_code == 0, written.output
    assert target.read_bytes().startswith(b"%PDF")
    missing = runner.invoke(args=["certificates", "issue", "--campaign", "no-such-campaign"])
    assert missing.exit_code != 0 and "no-such-campaign" in missing.output


def test_the_demo_season_lets_a_newcomer_issue_real_certificates(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    result = runner.invoke(args=["certificates", "issue", "--campaign", "thanh-nien-dong-hanh-2025"])
    assert result.exit_code == 0, result.output
    names = {c.claims["name"] for c in db.session.scalars(select(Credential))}
    assert names == {"Nguyễn Văn An", "Nguyễn Thị Lan", "Trần Đức Minh", "Lê Khánh Ngọc"}
    assert result.output.count("-") >= 3 * 4  # four printed codes


def test_odd_numbers_and_accented_searches_behave(season, auth, client):
    auth.as_(season.people["admin"])
    for value in ("sNaN", "NaN", "Infinity", "1e400", "abc"):
        response = client.post(f"/campaigns/{season.campaign.slug}/certificates/rule", data={"min_hours": value})
        assert response.status_code == 422, value
    certificates.set_rule(season.people["admin"], season.campaign, False, 0, None)
    certificates.issue_all(season.people["admin"], season.campaign)
    for typed in ("Đỗ Thu", "đỗ thu", "ĐỖ", "do thu huong", "Hương Đỗ"):
        listing = client.get(f"/campaigns/{season.campaign.slug}/certificates/issued", query_string={"q": typed})
        assert "Đỗ Thu Hương" in listing.get_data(as_text=True), typed
    none = client.get(f"/campaigns/{season.campaign.slug}/certificates/issued", query_string={"q": "%_"})
    assert "Đỗ Thu Hương" not in none.get_data(as_text=True)


def test_a_refused_htmx_issue_returns_the_card_not_a_page(season, auth, client):
    season.campaign.status = "draft"
    db.session.commit()
    auth.as_(season.people["admin"])
    response = client.post(f"/campaigns/{season.campaign.slug}/certificates/issue", data={"reason": "x" * 600},
                           headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in body and 'id="certificate-issue"' in body
    refused = client.post(f"/campaigns/{season.campaign.slug}/certificates/issue", data={}, headers=HX)
    assert refused.status_code == 422 and "error-message" in refused.get_data(as_text=True)


def test_two_issuing_runs_at_once_issue_each_certificate_once(app, season):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from portal.accounts.models import User
    from portal.campaigns.models import Campaign
    certificates.set_rule(season.people["admin"], season.campaign, False, 0, None)
    admin_id, campaign_id = season.people["admin"].id, season.campaign.id
    barrier = Barrier(2, timeout=20)

    def run(_):
        with app.app_context():
            admin, target = db.session.get(User, admin_id), db.session.get(Campaign, campaign_id)
            barrier.wait()
            try:
                return len(certificates.issue_all(admin, target))
            except certificates.InvalidInput:  # "another run is in progress" is a fine answer
                return "refused"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, range(2)))
    db.session.expire_all()
    owners = [c.user_id for c in db.session.scalars(select(Credential))]
    assert len(owners) == len(set(owners)) == 4
    assert sorted(map(str, results)) in (["0", "4"], ["4", "refused"])


def test_an_organiser_downloading_someones_certificate_is_in_the_security_log(season, auth, client):
    from sqlalchemy import select

    from portal.audit.models import AuditEvent
    (credential,) = certificates.issue_all(season.people["admin"], season.campaign)
    auth.as_(season.people["eligible"])
    pdf = client.get(f"/certificates/{credential.code}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.certificate")) is None
    client.post("/logout")
    auth.as_(season.people["admin"])
    as_json = client.get(f"/certificates/{credential.code}.json")
    assert as_json.status_code == 200 and credential.code in as_json.get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.certificate"))
    assert (event.actor_id, event.target_id) == (season.people["admin"].id, credential.id)
    assert event.after == {"format": "json"}


def test_the_old_certificate_addresses_lead_to_the_campaign_settings(season, auth, client):
    auth.as_(season.people["admin"])
    slug, rule_before = season.campaign.slug, rule_for(season.campaign).min_minutes
    for old, new in ((f"/admin/campaigns/{slug}/certificates", f"/campaigns/{slug}/certificates"),
                     (f"/admin/campaigns/{slug}/certificates/issued", f"/campaigns/{slug}/certificates/issued")):
        moved = client.get(old)
        assert moved.status_code == 308 and moved.headers["Location"].endswith(new)
    for action in ("rule", "issue"):  # a form posted to the old address is posted again to the new one
        moved = client.post(f"/admin/campaigns/{slug}/certificates/{action}", data={"min_hours": "2"})
        new = f"/campaigns/{slug}/certificates/{action}"
        assert moved.status_code == 308 and moved.headers["Location"].endswith(new)
    db.session.expire_all()
    assert _count() == 0 and rule_for(season.campaign).min_minutes == rule_before  # the 308 itself wrote nothing


def test_searching_issued_certificates_with_htmx_returns_the_list_alone(season, auth, client):
    (credential,) = certificates.issue_all(season.people["admin"], season.campaign)
    auth.as_(season.people["admin"])
    url = f"/campaigns/{season.campaign.slug}/certificates/issued"
    page = client.get(url).get_data(as_text=True)
    assert 'role="search"' in page and 'hx-target="#issued-list"' in page and 'id="issued-list"' in page
    found = client.get(url, query_string={"q": credential.code}, headers={"HX-Request": "true"})
    body = found.get_data(as_text=True)
    assert "<html" not in body and "Nguyễn Thị Phương Thảo" in body
    assert 'id="issued-list"' in body and codes.pretty(credential.code) in body and "tag--open" in body

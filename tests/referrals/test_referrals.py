"""Nominations with evidence, the shortlist, every status change (and the illegal ones), consent,
the documents' QR round trip, exports and access rules."""
import csv
import io
import json
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pypdfium2
import pytest
import zxingcpp
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User, UserRole
from portal.certificates import records
from portal.certificates import services as certificates
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.referrals import hosts, letters, steps
from portal.referrals import services as referrals
from portal.referrals.evidence import evidence_for, shortlist
from portal.referrals.models import Recommendation, RecommendationEvent

REASON = "Hướng dẫn hơn 200 người dân kích hoạt VNeID, luôn đúng giờ."


def _scan(pdf: bytes) -> str:
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=150 / 72).to_pil()
    (result,) = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return result.text


def test_a_nomination_gathers_the_evidence_and_several_nominators_share_one_case(league):
    case = referrals.nominate(league.people["leader"], league.campaign, league.people["lan"], "referral", REASON)
    again = referrals.nominate(league.people["trainer"], league.campaign, league.people["lan"], "referral",
                              "Hoàn thành mọi học phần tập huấn sớm nhất lớp.")
    assert again.id == case.id and [n.role for n in case.nominations] == ["leader", "trainer"]
    record = evidence_for(league.campaign, [league.people["lan"].id])[league.people["lan"].id]
    assert record.standing.minutes == 720 and record.standing.attended == 3 and record.standing.no_shows == 0
    assert record.standing.points == {"Điểm phường Hoàn Kiếm"}
    assert [title for title, _ in record.training] == ["Bảo mật thông tin công dân"]
    assert record.average_rating == 4.5 and {r["comment"] for r in record.ratings} == {"Nhiệt tình, hướng dẫn rõ ràng",
                                                                                       "Chu đáo"}
    with pytest.raises(InvalidInput):  # once is enough per person
        referrals.nominate(league.people["leader"], league.campaign, league.people["lan"], "referral", REASON)
    with pytest.raises(InvalidInput):
        referrals.nominate(league.people["leader"], league.campaign, league.people["lan"], "referral", "ngắn")


def test_only_staff_linked_to_the_student_may_nominate(league, auth, client):
    with pytest.raises(steps.NotAllowed):  # leads no point where Quang served
        referrals.nominate(league.people["leader"], league.campaign, league.people["quang"], "commendation", REASON)
    with pytest.raises(steps.NotAllowed):
        referrals.nominate(league.people["other_leader"], league.campaign, league.people["lan"], "commendation", REASON)
    auth.as_(league.people["other_leader"])
    assert client.get(f"/campaigns/{league.campaign.slug}/referrals/nominate/{league.people['lan'].id}"
                      ).status_code == 403
    auth.logout()
    auth.as_(league.people["minh"])
    assert client.get(f"/campaigns/{league.campaign.slug}/referrals/nominate/{league.people['lan'].id}"
                      ).status_code == 403
    assert client.get(f"/campaigns/{league.campaign.slug}/referrals").status_code == 403
    auth.logout()
    auth.as_(league.people["leader"])
    nominate = f"/campaigns/{league.campaign.slug}/referrals/nominate/{league.people['lan'].id}"
    page = client.get(nominate).get_data(as_text=True)
    assert "Nhiệt tình, hướng dẫn rõ ràng" in page and "Bảo mật thông tin công dân" in page
    response = client.post(f"/campaigns/{league.campaign.slug}/referrals/nominate/{league.people['lan'].id}",
                           data={"kind": "commendation", "reason": REASON})
    assert response.status_code == 303
    assert db.session.scalar(select(Recommendation).where(Recommendation.kind == "commendation")) is not None
    found = client.get(f"/campaigns/{league.campaign.slug}/referrals/nominate", query_string={"q": "lan nguyen"})
    assert "Nguyễn Thị Lan" in found.get_data(as_text=True)


def test_the_shortlist_ranks_by_hours_then_reliability_then_ratings_and_filters(league):
    names = [c.standing.user.full_name for c in shortlist(league.campaign)]
    assert names == ["Nguyễn Thị Lan", "Trần Đức Minh", "Phạm Văn Quang"]
    assert [c.standing.user.full_name for c in shortlist(league.campaign, school="luật")] == ["Nguyễn Thị Lan",
                                                                                       "Phạm Văn Quang"]
    at_gia_lam = shortlist(league.campaign, point_id=league.points["gia_lam"].id)
    assert [c.standing.user.full_name for c in at_gia_lam] == ["Phạm Văn Quang"]
    assert [c.standing.user.full_name for c in shortlist(league.campaign, chapter="đoàn trường")] == ["Nguyễn Thị Lan"]


def test_a_referral_goes_from_proposed_to_accepted_only_through_legal_steps(league, outbox):
    case = referrals.nominate(league.people["admin"], league.campaign, league.people["lan"], "referral", REASON)
    with pytest.raises(InvalidInput):  # an admin may not approve their own nomination
        referrals.decide(league.people["admin"], case, True, host_id=league.host.id)
    with pytest.raises(InvalidInput):  # a referral names its host
        referrals.decide(league.people["admin2"], case, True)
    with pytest.raises(InvalidInput):
        letters.send(league.people["admin2"], case)
    referrals.decide(league.people["admin2"], case, True, "Đủ điều kiện", host_id=league.host.id)
    assert case.status == "approved" and case.host_id == league.host.id
    assert case.decided_by_id == league.people["admin2"].id
    with pytest.raises(InvalidInput) as refused:  # not without the student's consent
        letters.send(league.people["admin2"], case)
    assert "agreed" in str(refused.value.message) or "đồng ý" in str(refused.value.message)
    assert outbox(league.host.contact_email) == []
    with pytest.raises(steps.NotAllowed):
        letters.answer_consent(league.people["minh"], case, True)
    letters.answer_consent(league.people["lan"], case, True)
    shared = json.loads(case.shared_json)
    assert shared["name"] == "Nguyễn Thị Lan" and shared["phone"] == "0912345678" and "rating" not in case.shared_json
    with pytest.raises(InvalidInput):  # no host answer before it is sent
        referrals.record_outcome(league.people["admin2"], case, True)
    letters.send(league.people["admin2"], case)
    assert case.status == "sent" and case.credential.kind == "referral"
    (letter,) = outbox(league.host.contact_email)
    assert "Nguyễn Thị Lan" in letter.body_text and "0912345678" in letter.body_text
    assert f"/verify/{case.credential.code}#" in letter.body_text
    referrals.record_outcome(league.people["admin2"], case, True, "Nhận thực tập từ 01/03")
    assert case.status == "accepted"
    history = [(e.from_status, e.to_status, e.actor_id) for e in db.session.scalars(
        select(RecommendationEvent).where(RecommendationEvent.case_id == case.id).order_by(RecommendationEvent.id))]
    assert history[0] == (None, "proposed", league.people["admin"].id)
    assert history[-1] == ("sent", "accepted", league.people["admin2"].id)
    assert ("proposed", "approved", league.people["admin2"].id) in history


def test_the_database_refuses_a_sent_referral_without_consent(league):
    case = referrals.nominate(league.people["leader"], league.campaign, league.people["lan"], "referral", REASON)
    case.status, case.host_id = "sent", league.host.id
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_host_has_only_so_many_places_and_rejections_need_a_reason(league):
    league.host.places = 1
    db.session.commit()
    first = referrals.nominate(league.people["leader"], league.campaign, league.people["lan"], "referral", REASON)
    second = referrals.nominate(league.people["leader"], league.campaign, league.people["minh"], "referral", REASON)
    referrals.decide(league.people["admin"], first, True, host_id=league.host.id)
    with pytest.raises(InvalidInput) as refused:
        referrals.decide(league.people["admin"], second, True, host_id=league.host.id)
    assert refused.value.field == "host_id" and second.status == "proposed"
    with pytest.raises(InvalidInput):
        referrals.decide(league.people["admin"], second, False, "")
    referrals.decide(league.people["admin"], second, False, "Chưa đủ số giờ tham gia")
    assert second.status == "rejected"
    with pytest.raises(InvalidInput):  # decided cases take no new nominations
        referrals.nominate(league.people["trainer"], league.campaign, league.people["minh"], "referral", REASON)


def test_a_commendation_is_awarded_with_a_verifiable_certificate(league, auth, client, outbox):
    case = referrals.nominate(league.people["leader"], league.campaign, league.people["minh"], "commendation", REASON)
    with pytest.raises(InvalidInput):
        letters.award(league.people["admin"], case)
    with pytest.raises(InvalidInput):  # commendations are never "sent"
        letters.send(league.people["admin"], case)
    referrals.decide(league.people["admin"], case, True)
    letters.award(league.people["admin"], case, "Quyết định khen thưởng số 12")
    assert case.status == "awarded" and case.credential.kind == "commendation"
    kinds = [m.kind for m in outbox(league.people["minh"].email) if m.kind != "training-confirmed"]
    assert kinds == ["recommendation", "recommendation"]
    auth.as_(league.people["minh"])
    pdf = client.get(f"/certificates/{case.credential.code}.pdf").data
    url = _scan(pdf)
    assert url == f"http://portal.test/verify/{case.credential.code}#{records.qr_token(case.credential)}"
    page = client.get(f"/verify/{case.credential.code}?lang=en").get_data(as_text=True)
    assert "verdict--valid" in page and "Valid commendation" in page and "Commendation" in page


def test_a_sent_referral_letter_verifies_and_can_be_revoked_like_a_certificate(league, auth, client):
    case = referrals.nominate(league.people["leader"], league.campaign, league.people["lan"], "referral", REASON)
    referrals.decide(league.people["admin"], case, True, host_id=league.host.id)
    letters.answer_consent(league.people["lan"], case, True)
    letters.send(league.people["admin"], case)
    auth.as_(league.people["admin"])
    pdf = client.get(f"/certificates/{case.credential.code}.pdf").data
    assert _scan(pdf).endswith(f"/verify/{case.credential.code}#{records.qr_token(case.credential)}")
    page = client.get(f"/verify/{case.credential.code}").get_data(as_text=True)
    assert "Giấy giới thiệu hợp lệ" in page and league.host.name in page
    certificates.revoke(league.people["admin"], case.credential, "Sinh viên rút hồ sơ thực tập")
    assert "verdict--revoked" in client.get(f"/verify/{case.credential.code}").get_data(as_text=True)


def test_exports_list_approved_cases_and_open_in_their_readers(league, auth, client):
    lan = referrals.nominate(league.people["leader"], league.campaign, league.people["lan"], "referral", REASON)
    referrals.decide(league.people["admin"], lan, True, host_id=league.host.id)
    # still proposed:
    referrals.nominate(league.people["leader"], league.campaign, league.people["minh"], "referral", REASON)
    praise = referrals.nominate(league.people["leader"], league.campaign, league.people["minh"], "commendation", REASON)
    referrals.decide(league.people["admin"], praise, True)
    auth.as_(league.people["admin"])
    export = f"/campaigns/{league.campaign.slug}/referrals/export/referrals.csv?host={league.host.id}"
    raw = client.get(export).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    assert len(rows) == 2 and rows[1][0] == league.host.name and rows[1][1] == "Nguyễn Thị Lan"
    assert "0912345678" not in raw and league.people["lan"].email not in raw
    xlsx = client.get(f"/campaigns/{league.campaign.slug}/referrals/export/commendations.xlsx").data
    book = load_workbook(io.BytesIO(xlsx))
    values = [[cell.value for cell in row] for row in book.active.iter_rows()]
    assert len(values) == 2 and values[1][0] == "Trần Đức Minh"
    assert client.get(f"/campaigns/{league.campaign.slug}/referrals/export/everything.csv").status_code == 404


def test_students_see_only_their_own_approved_cases_and_what_will_be_shared(league, auth, client):
    case = referrals.nominate(league.people["leader"], league.campaign, league.people["lan"], "referral", REASON)
    auth.as_(league.people["lan"])
    assert league.host.name not in client.get("/referrals/me").get_data(as_text=True)  # proposals are not shown yet
    referrals.decide(league.people["admin"], case, True, host_id=league.host.id)
    page = client.get("/referrals/me").get_data(as_text=True)
    assert league.host.name in page and "0912345678" in page
    import re

    seen = re.search(r'name="seen" value="([0-9a-f]+)"', page).group(1)
    answered = client.post(f"/referrals/me/{case.id}/consent", data={"answer": "agree", "seen": "0" * 32})
    assert answered.status_code == 303
    db.session.refresh(case)
    assert case.consent == "pending"  # the details shown were not these: nothing is recorded
    unclear = client.post(f"/referrals/me/{case.id}/consent", data={"answer": "maybe", "seen": seen})
    assert unclear.status_code == 303
    assert "Hãy chọn đồng ý chia sẻ" in client.get("/referrals/me").get_data(as_text=True)
    db.session.refresh(case)
    assert case.consent == "pending"  # neither yes nor no: nothing is recorded, and the student is told
    assert client.post(f"/referrals/me/{case.id}/consent", data={"answer": "agree", "seen": seen}).status_code == 303
    db.session.refresh(case)
    assert case.consent == "given"
    auth.logout()
    auth.as_(league.people["minh"])
    assert league.host.name not in client.get("/referrals/me").get_data(as_text=True)
    assert client.post(f"/referrals/me/{case.id}/consent", data={"answer": "decline"}).status_code == 404
    db.session.refresh(case)
    assert case.consent == "given"


def test_the_case_page_walks_an_admin_through_the_steps(league, auth, client):
    case = referrals.nominate(league.people["admin"], league.campaign, league.people["lan"], "referral", REASON)
    auth.as_(league.people["admin"])
    page = client.get(f"/referrals/cases/{case.id}").get_data(as_text=True)
    assert REASON in page and "Nhiệt tình" in page
    refused = client.post(f"/referrals/cases/{case.id}/decide", data={"decision": "approve", "host_id": league.host.id})
    assert refused.status_code == 422
    auth.logout()
    auth.as_(league.people["admin2"])
    assert client.post(f"/referrals/cases/{case.id}/decide",
                       data={"decision": "approve", "host_id": league.host.id}).status_code == 303
    assert client.post(f"/referrals/cases/{case.id}/send").status_code == 422  # no consent yet
    db.session.refresh(case)
    assert case.status == "approved"
    overview = client.get(f"/campaigns/{league.campaign.slug}/referrals")
    assert overview.status_code == 200 and "Nguyễn Thị Lan" in overview.get_data(as_text=True)
    law = client.get(f"/campaigns/{league.campaign.slug}/referrals/shortlist?school=luật")
    assert law.status_code == 200
    assert "Nguyễn Thị Lan" in law.get_data(as_text=True) and "Trần Đức Minh" not in law.get_data(as_text=True)


def test_a_step_without_a_clear_choice_changes_nothing(league, auth, client):
    """A decision or outcome that is neither button (a crafted form) is refused beside the form, not taken as a no."""
    case = referrals.nominate(league.people["leader"], league.campaign, league.people["lan"], "referral", REASON)
    auth.as_(league.people["admin"])
    unclear = client.post(f"/referrals/cases/{case.id}/decide", data={"decision": "maybe", "note": "Không rõ"})
    assert unclear.status_code == 422 and "Hãy chọn duyệt hoặc không duyệt" in unclear.get_data(as_text=True)
    db.session.refresh(case)
    assert case.status == "proposed" and case.decided_at is None
    referrals.decide(league.people["admin"], case, True, host_id=league.host.id)
    letters.answer_consent(league.people["lan"], case, True, letters.fingerprint(letters.shared_fields(case)))
    letters.send(league.people["admin"], case)
    unclear = client.post(f"/referrals/cases/{case.id}/outcome", data={})
    assert unclear.status_code == 422 and "Hãy chọn nơi nhận đã đồng ý hay chưa" in unclear.get_data(as_text=True)
    db.session.refresh(case)
    assert case.status == "sent"
    assert client.post(f"/referrals/cases/{case.id}/outcome", data={"outcome": "accepted"}).status_code == 303
    db.session.refresh(case)
    assert case.status == "accepted"


def test_hosts_are_managed_by_admins_and_keep_their_held_places(league, auth, client):
    case = referrals.nominate(league.people["leader"], league.campaign, league.people["lan"], "referral", REASON)
    referrals.decide(league.people["admin"], case, True, host_id=league.host.id)
    auth.as_(league.people["admin"])
    form = {"name": league.host.name, "contact_email": "moi@example.org", "places": "0"}
    refused = client.post(f"/referrals/hosts/{league.host.id}/edit", data=form)
    assert refused.status_code == 422  # one place is already held
    form["places"] = "3"
    assert client.post(f"/referrals/hosts/{league.host.id}/edit", data=form).status_code == 303
    db.session.refresh(league.host)
    assert league.host.places == 3 and league.host.contact_email == "moi@example.org"
    assert client.post("/referrals/hosts/new", data={"name": league.host.name.upper(), "contact_email": "x@example.org",
                                                     "places": "1"}).status_code == 422  # same name
    assert "2 / 3" in client.get("/referrals/hosts").get_data(as_text=True)
    auth.logout()
    auth.as_(league.people["leader"])
    assert client.get("/referrals/hosts").status_code == 403


def test_nobody_decides_their_own_case_and_a_declined_referral_can_be_withdrawn(league, make_user, auth, client):
    league.people["lan"].roles.append(UserRole(role="admin"))  # a student who also helps organise
    db.session.commit()
    case = referrals.nominate(league.people["leader"], league.campaign, league.people["lan"], "referral", REASON)
    with pytest.raises(steps.NotAllowed):
        referrals.decide(league.people["lan"], case, True, host_id=league.host.id)
    referrals.decide(league.people["admin"], case, True, host_id=league.host.id)
    letters.answer_consent(league.people["lan"], case, False)
    assert hosts.places_left(league.host) == league.host.places  # a declined referral holds no place
    with pytest.raises(InvalidInput):
        referrals.withdraw(league.people["admin"], case, "")
    referrals.withdraw(league.people["admin"], case, "Sinh viên không đồng ý chia sẻ thông tin")
    assert case.status == "rejected" and case.events[-1].note.startswith("Sinh viên")
    auth.as_(make_user(role="trainer"))  # not a trainer of this campaign
    assert client.get(f"/campaigns/{league.campaign.slug}/referrals/nominate?q=lan").status_code == 403
    auth.logout()
    auth.as_(league.people["leader"])  # leads Hoàn Kiếm, where Quang never served
    found = client.get(f"/campaigns/{league.campaign.slug}/referrals/nominate?q=quang").get_data(as_text=True)
    assert "Phạm Văn Quang" not in found


def test_two_organisers_deciding_at_once_make_one_decision(app, league):

    case = referrals.nominate(league.people["leader"], league.campaign, league.people["lan"], "referral", REASON)
    case_id, deciders = case.id, [(league.people["admin"].id, True), (league.people["admin2"].id, False)]
    barrier = Barrier(2, timeout=20)

    def decide(args):
        user_id, approve = args
        with app.app_context():
            actor, target = db.session.get(User, user_id), db.session.get(Recommendation, case_id)
            barrier.wait()
            try:
                referrals.decide(actor, target, approve, "Quyết định của ban tổ chức", host_id=league.host.id)
                return "done"
            except InvalidInput:
                return "refused"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = sorted(pool.map(decide, deciders))
    assert results == ["done", "refused"]
    db.session.expire_all()
    decisions = db.session.scalars(select(RecommendationEvent).where(
        RecommendationEvent.case_id == case_id, RecommendationEvent.from_status == "proposed")).all()
    assert len(decisions) == 1


def test_the_old_referral_addresses_lead_to_the_campaigns_pages(league, auth, client):
    auth.as_(league.people["admin"])
    slug, lan = league.campaign.slug, league.people["lan"].id
    for old, new in ((f"/referrals/{slug}", f"/campaigns/{slug}/referrals"),
                     (f"/referrals/{slug}/shortlist", f"/campaigns/{slug}/referrals/shortlist"),
                     (f"/referrals/{slug}/nominate", f"/campaigns/{slug}/referrals/nominate"),
                     (f"/referrals/{slug}/nominate/{lan}", f"/campaigns/{slug}/referrals/nominate/{lan}"),
                     (f"/referrals/{slug}/export/referrals.csv", f"/campaigns/{slug}/referrals/export/referrals.csv")):
        moved = client.get(old)
        assert moved.status_code == 308 and moved.headers["Location"].endswith(new)
    posted = client.post(f"/referrals/{slug}/nominate/{lan}", data={"kind": "commendation", "reason": REASON})
    assert posted.status_code == 308 and posted.headers["Location"].endswith(f"/referrals/nominate/{lan}")
    assert db.session.scalar(select(Recommendation)) is None  # the 308 itself nominated nobody
    assert client.get("/referrals/me").status_code == 403 and client.get("/referrals/hosts").status_code == 200


def test_finding_a_student_with_htmx_returns_the_results_alone(league, auth, client):
    auth.as_(league.people["admin"])
    url = f"/campaigns/{league.campaign.slug}/referrals/nominate"
    page = client.get(url).get_data(as_text=True)
    assert 'role="search"' in page and 'hx-target="#students-found"' in page and 'id="students-found"' in page
    found = client.get(url, query_string={"q": "lan"}, headers={"HX-Request": "true"})
    body = found.get_data(as_text=True)
    assert found.status_code == 200 and "<html" not in body and 'id="students-found"' in body
    assert "Nguyễn Thị Lan" in body


def test_a_students_case_shows_its_status_in_words_and_colour(league, auth, client):
    case = referrals.nominate(league.people["leader"], league.campaign, league.people["lan"], "referral", REASON)
    referrals.decide(league.people["admin"], case, True, host_id=league.host.id)
    auth.as_(league.people["lan"])
    page = client.get("/referrals/me").get_data(as_text=True)
    assert '<span class="tag tag--open">' in page and "Đã duyệt" in page

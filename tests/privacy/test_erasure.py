"""The proof: erase two students of a seeded season; every report and export is unchanged (but for
their names), and nothing of them is left in any column of any table, nor in the files on disk."""
from __future__ import annotations

import csv
import io
import json
import os
import time
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import JSON, LargeBinary, String, Text, select

from portal import seed
from portal.accounts.models import RecoveryCode, User, UserSession
from portal.audit import services as audit
from portal.campaigns.models import Campaign, ServicePoint
from portal.certificates import eligibility, records
from portal.certificates import services as certificates
from portal.certificates.models import Credential
from portal.core import clock
from portal.extensions import db
from portal.mail import services as mail
from portal.operations.models import ActivityLog, CitizenFeedback
from portal.privacy import erasure
from portal.privacy.models import DataExport, DataRequest
from portal.referrals import letters
from portal.referrals import services as referrals
from portal.referrals.models import HostOrganisation, Recommendation
from portal.reports.figures import Filters, figures
from portal.shifts.models import Booking, CalendarFeed, Shift
from portal.training.models import ImportBatch as TrainingImportBatch

AN = "student@example.org"
LAN = "lan.nguyen@example.org"

RUN_STARTED = time.time()  # when this module was collected: the start of the test run


@dataclass
class Season:
    """The demo campaign, its organiser, the two people to erase (An, Lan) and Lan's case sent to a host."""

    campaign: Campaign
    admin: User
    people: list[User]
    sent_case: Recommendation


@pytest.fixture
def season(app, make_user):
    """The demo data, plus everything a person leaves behind: certificates and a cached PDF,
    referral cases (one sent to a host), notes they wrote, mail, audit snapshots, an export,
    sessions, codes, a calendar feed, an attendance sheet's batch and a request."""
    seed.seed_demo()
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == seed.CAMPAIGN_SLUG))
    an = db.session.scalar(select(User).where(User.email == AN))
    lan = db.session.scalar(select(User).where(User.email == LAN))
    lan.phone, lan.student_code = "0903123456", "LHN2025042"
    db.session.commit()
    admin, other_admin = make_user(role="admin"), make_user(role="admin")
    leader = db.session.scalar(select(User).where(User.email == "leader@example.org"))
    issued = certificates.issue_all(admin, campaign, "Cấp sớm để thử")
    mine = next(c for c in issued if c.user_id == lan.id)
    records.pdf_bytes(mine)
    host = HostOrganisation(name="Chi nhánh số 6", contact_email="host@example.org", places=3)
    db.session.add(host)
    db.session.commit()
    case = referrals.nominate(leader, campaign, lan, "referral",
                              "Nguyễn Thị Lan hướng dẫn người dân rất kiên nhẫn, gọi 0903 123 456.")
    referrals.decide(admin, case, True, host_id=host.id)
    letters.answer_consent(lan, case, True)
    letters.send(other_admin, case)
    referrals.nominate(leader, campaign, an, "commendation", "Bạn nguyễn văn an luôn đúng giờ và chủ động hỗ trợ.")
    booking = db.session.scalar(select(Booking).where(Booking.user_id == an.id))
    db.session.add(ActivityLog(shift_id=booking.shift_id, status="draft", elderly_helped=2,
                               notes="Ghi chép của An: HV2025001 đã hỗ trợ 3 người", updated_by_id=an.id))
    point = db.session.scalar(select(ServicePoint))
    db.session.add(CitizenFeedback(point_id=point.id, category="other", text="Người dân khen NGUYỄN THỊ LAN",
                                   created_by_id=leader.id))
    mail.queue(AN, "verify_email", kind="verify-email", user=an, link="http://x/y", hours=48)
    audit.record(admin, "user.update", "user", an.id, before={"email": AN, "phone": an.phone},
                 after={"email": "an.moi@example.org", "full_name": an.full_name})
    audit.record(leader, "booking.release", "booking", booking.id,
                 after={"note": unicodedata.normalize("NFD", "Nguyễn Văn An báo ốm")}, ip_address="10.0.0.7")
    db.session.add_all([
        DataExport(user_id=an.id, status="ready", expires_at=clock.now() + timedelta(hours=24),
                   content="Nguyễn Văn An student@example.org".encode()),
        UserSession(user_id=an.id, token_hash="b" * 64, expires_at=clock.now() + timedelta(hours=1), device="Firefox"),
        RecoveryCode(user_id=an.id, code_hash="c" * 64),
        CalendarFeed(user_id=an.id, token="d" * 40),
        TrainingImportBatch(module_id=_module_id(campaign), created_by_id=admin.id, filename="danh-sach.csv",
                            report={"rows": [{"typed": "HV2025001", "email": AN}]}, user_ids=[an.id, leader.id]),
        DataRequest(user_id=lan.id, kind="erasure", details="Tôi là Nguyễn Thị Lan, SĐT 0903123456",
                    acknowledge_by=clock.now(), due_at=clock.now() + timedelta(days=20)),
    ])
    db.session.commit()
    return Season(campaign=campaign, admin=admin, people=[an, lan], sent_case=case)


def _module_id(campaign):
    from portal.training.models import TrainingModule

    return db.session.scalar(select(TrainingModule.id).where(TrainingModule.campaign_id == campaign.id))


def _identifiers(people) -> dict[int, list[str]]:
    return {p.id: [p.full_name, p.email, p.phone, p.student_code] for p in people}


def _needles(values) -> set[str]:
    """Each identifier as stored, case-folded, upper-cased, and in NFC and NFD."""
    found = set()
    for value in filter(None, values):
        for form in ("NFC", "NFD"):
            for variant in (value, value.casefold(), value.upper()):
                found.add(unicodedata.normalize(form, variant))
    return found


def _reports(client, campaign) -> dict:
    """Every figure, report and export of the season, names and student IDs left out."""
    params = {"campaign": campaign.id, "start": campaign.start_date.isoformat(), "end": campaign.end_date.isoformat()}
    out = {"figures": repr(figures(Filters(start=campaign.start_date, end=campaign.end_date,
                                           campaign_id=campaign.id)))}
    for kind in ("week", "month"):
        for anchor in (date(2025, 12, 22), date(2026, 1, 5)):
            query = {**params, "start": anchor.isoformat()}
            out[f"{kind}-{anchor}-csv"] = client.get(f"/reports/{kind}.csv", query_string=query).get_data(as_text=True)
            book = openpyxl.load_workbook(io.BytesIO(client.get(f"/reports/{kind}.xlsx", query_string=query).data))
            out[f"{kind}-{anchor}-xlsx"] = [list(r) for r in book.active.iter_rows(values_only=True)]
    ledger_csv = client.get("/reports/ledger.csv", query_string=params).get_data(as_text=True)
    ledger = list(csv.reader(io.StringIO(ledger_csv)))
    header = ledger[0]
    keep = [i for i, h in enumerate(header) if h.lstrip("\ufeff") not in ("Họ và tên", "Full name", "Mã sinh viên",
                                                                         "Student ID")]
    assert len(keep) == len(header) - 2, header
    out["ledger"] = sorted([row[i] for i in keep] for row in ledger)
    out["dashboard"] = client.get("/reports", query_string=params).status_code
    standings = eligibility.standings(campaign)
    # The preview's counts; whether someone qualifies is a decision, and an erased (deactivated)
    # account never qualifies again (the test checks that apart).
    out["eligibility"] = sorted((s.user.id, s.minutes, s.attended, s.no_shows, sorted(s.points)) for s in standings)
    out["bookings"] = db.session.execute(select(Booking.status, db.func.count()).group_by(Booking.status)
                                         .order_by(Booking.status)).all()
    out["booked_counts"] = db.session.scalars(select(Shift.booked_count).order_by(Shift.id)).all()
    return out


def _leftovers(needles: set[str], instance_path: str) -> list[str]:
    """Every column of every table (text, JSON, bytes) and every file under instance/ holding a needle. Files are
    those written since the test run began: a developer's own demo database in instance/ holds the demo people's
    names too, and is not the app under test."""
    hits = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON, LargeBinary))]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)).all():
            for column, value in zip(columns, row, strict=True):
                if value is None:
                    continue
                if isinstance(value, bytes):
                    text = value.decode("utf-8", "ignore")
                elif isinstance(value, str):
                    text = value
                else:
                    text = json.dumps(value, ensure_ascii=False)
                for needle in needles:
                    if needle in text or needle in unicodedata.normalize("NFC", text):
                        hits.append(f"{table.name}.{column.name}: {needle!r}")
    for folder, _, files in os.walk(instance_path):
        for name in files:
            if os.path.getmtime(os.path.join(folder, name)) < RUN_STARTED:
                continue
            with open(os.path.join(folder, name), "rb") as handle:
                data = handle.read().decode("utf-8", "ignore")
            hits += [f"{folder}/{name}: {n!r}" for n in needles if n in data]
    return hits


def test_erasing_two_students_keeps_every_total_and_leaves_nothing_of_them(season, client, auth, app):
    people = season.people
    auth.as_(season.admin)
    needles = _needles(v for values in _identifiers(people).values() for v in values)
    assert _leftovers(needles, app.instance_path)  # the search finds them before
    before = _reports(client, season.campaign)

    erased = erasure.erase_many([p.id for p in people], actor=season.admin)

    assert erased == 2
    after = _reports(client, season.campaign)
    assert after == before
    ineligible = {s.user.id for s in eligibility.standings(season.campaign) if not s.eligible}
    assert {p.id for p in people} <= ineligible
    assert _leftovers(needles, app.instance_path) == []
    for person in people:
        user = db.session.get(User, person.id)
        assert user.full_name.startswith("Tình nguyện viên #") and user.email.endswith("@invalid")
        assert user.erased_at is not None and not user.is_active_account
    credentials = db.session.scalars(select(Credential).where(Credential.user_id.in_([p.id for p in people]))).all()
    assert credentials and {c.revoke_category for c in credentials} == {"holder_withdrew"}
    assert all(c.pdf is None for c in credentials)
    page = client.get(f"/verify/{credentials[0].code}").get_data(as_text=True)
    assert "revoked" in page.lower() or "thu hồi" in page.lower()
    statuses = dict(db.session.execute(select(Recommendation.kind, Recommendation.status)
                                       .where(Recommendation.user_id.in_([p.id for p in people]))).all())
    assert statuses == {"referral": "sent", "commendation": "rejected"}  # in progress: withdrawn
    assert db.session.scalar(select(db.func.count()).select_from(DataExport)) == 0


def test_pseudonyms_are_unique_stable_and_erasing_again_changes_nothing(app, make_user):
    people = [make_user(full_name=f"Trần Văn Thử {i}") for i in range(30)]
    erasure.erase_many([p.id for p in people])
    names = {db.session.get(User, p.id).full_name for p in people}
    assert len(names) == 30
    again = erasure.erase_many([p.id for p in people])
    assert again == 0 and {db.session.get(User, p.id).full_name for p in people} == names

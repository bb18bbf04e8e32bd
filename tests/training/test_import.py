"""Attendance-sheet import: preview first, one transaction to commit, every bad sheet reported."""
import io
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.training.models import Completion, ImportBatch
from tests.factories import assign, enrol


@dataclass(frozen=True)
class World:
    """The scenario, by name: trainer, module, people."""

    trainer: object
    module: object
    people: object


@pytest.fixture
def world(make_user, make_campaign, make_module):
    campaign = make_campaign()
    other = make_campaign()
    trainer = make_user(role="trainer")
    assign(campaign, trainer)
    an = make_user(email="an@example.org", student_code="SV001")
    binh = make_user(email="binh@example.org", student_code="SV002")
    done = make_user(email="done@example.org", student_code="SV003")
    gone = make_user(email="gone@example.org", active=False)
    elsewhere = make_user(email="elsewhere@example.org")
    enrol(campaign, an, binh, done, gone)
    enrol(other, elsewhere)
    module = make_module(campaign)
    from portal.training import signoff

    signoff.complete(trainer, module, [done.id])
    return World(trainer=trainer, module=module, people={"an": an, "binh": binh, "done": done})


def upload(client, module, content: bytes, name="diem-danh.csv"):
    return client.post(f"/training/modules/{module.id}/import",
                       data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def completions():
    return db.session.scalar(select(func.count()).select_from(Completion).where(Completion.is_current))


def test_preview_reports_every_kind_of_row_and_writes_no_completion(client, auth, world):
    trainer, module, people = world.trainer, world.module, world.people
    auth.as_(trainer)
    sheet = ("email,họ tên\nAN@example.org,An\nbinh@example.org,Bình\ndone@example.org,Xong\n"
             "gone@example.org,Nghỉ\nelsewhere@example.org,Khác\nnobody@example.org,Ai\nan@example.org,Lặp\n,Trống\n")
    before = completions()
    response = upload(client, module, sheet.encode("utf-8"))
    assert response.status_code == 303
    batch = db.session.scalar(select(ImportBatch))
    report = batch.report
    assert [e["value"] for e in report["matched"]] == ["AN@example.org", "binh@example.org"]
    assert [e["line"] for e in report["already"]] == [4]
    assert [e["value"] for e in report["inactive"]] == ["gone@example.org"]
    assert [e["value"] for e in report["not_enrolled"]] == ["elsewhere@example.org"]
    assert [e["value"] for e in report["unmatched"]] == ["nobody@example.org"]
    assert [e["line"] for e in report["duplicate"]] == [8]
    assert len(report["blank"]) == 1
    assert completions() == before
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "nobody@example.org" in page

    assert client.post(f"/training/imports/{batch.id}/commit").status_code == 303
    assert completions() == before + 2
    methods = {c.method for c in db.session.scalars(select(Completion).where(Completion.user_id == people["an"].id))}
    assert methods == {"import"}
    client.post(f"/training/imports/{batch.id}/commit")  # a second click imports nothing more
    assert completions() == before + 2


def test_student_id_column_and_semicolons_and_a_bom(client, auth, world):
    trainer, module = world.trainer, world.module
    auth.as_(trainer)
    response = upload(client, module, "\ufeffstudent_id;ghi chú\nSV001;x\nSV002;y\n".encode("utf-8"))
    assert response.status_code == 303
    report = db.session.scalar(select(ImportBatch)).report
    assert report["key"] == "student_id" and len(report["matched"]) == 2


def test_utf16_from_excel_is_read(client, auth, world):
    trainer, module = world.trainer, world.module
    auth.as_(trainer)
    assert upload(client, module, "email\tx\nan@example.org\t1\n".encode("utf-16")).status_code == 303


@pytest.mark.parametrize("content,needle", [
    (b"ho_ten,lop\nAn,K65\n", "email"),                                   # wrong header
    ("email\nan@example.org\ncafé@example.org\n".encode("latin-1"), "UTF-8"),  # unknown encoding
    (b"email\n", "no rows"),                                              # header only
    (b"", "email"),                                                       # empty file
])
def test_bad_sheets_get_a_clear_message_and_write_nothing(client, auth, world, content, needle):
    trainer, module = world.trainer, world.module
    client.post("/language", data={"lang": "en", "next": "/"})
    auth.as_(trainer)
    before = completions()
    response = upload(client, module, content)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="file-error"' in body and needle in body
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    assert completions() == before


def test_fifty_thousand_rows_are_refused_with_a_clear_message(client, auth, world):
    trainer, module = world.trainer, world.module
    client.post("/language", data={"lang": "en", "next": "/"})
    auth.as_(trainer)
    sheet = "email\n" + "".join(f"s{i}@example.org\n" for i in range(50_000))
    response = upload(client, module, sheet.encode())
    assert response.status_code == 422
    assert "more than 20000 rows" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_a_large_sheet_within_the_limit_is_matched_in_chunks(client, auth, world):
    trainer, module = world.trainer, world.module
    auth.as_(trainer)
    sheet = "email\nan@example.org\n" + "".join(f"s{i}@example.org\n" for i in range(5_000))
    assert upload(client, module, sheet.encode()).status_code == 303
    report = db.session.scalar(select(ImportBatch)).report
    assert len(report["matched"]) == 1 and len(report["unmatched"]) == 5_000


def test_trainer_of_another_campaign_cannot_see_or_commit_a_batch(client, auth, world, make_user):
    trainer, module = world.trainer, world.module
    auth.as_(trainer)
    upload(client, module, b"email\nan@example.org\n")
    batch = db.session.scalar(select(ImportBatch))
    client.post("/logout")
    auth.as_(make_user(role="trainer"))
    assert client.get(f"/training/imports/{batch.id}").status_code == 403
    assert client.post(f"/training/imports/{batch.id}/commit").status_code == 403

"""Calling volunteers from the staffing page answers like every action: for htmx a client redirect,
otherwise a 303 back to the page, where a refused call says why."""
from __future__ import annotations

import pytest

from portal.accounts import consent
from portal.extensions import db
from portal.training import signoff
from tests.factories import enrol


@pytest.mark.hanoi_time("2026-03-10 10:00")  # a call goes out in the day: quiet hours hold it at night
def test_an_organiser_calls_once_and_a_second_call_is_refused_with_a_reason(
        make_user, make_campaign, make_point, make_shift, make_module, auth, client, outbox):
    campaign = make_campaign(status="open")
    module = make_module(campaign)
    short = make_shift(campaign, make_point(), capacity=4)
    student = make_user(full_name="Tự Do")
    enrol(campaign, student)
    signoff.complete(make_user(role="admin"), module, [student.id], method="session")
    consent.grant(student, consent.NEWS, "2025-12")
    db.session.commit()
    auth.as_(make_user(role="admin"))

    called = client.post(f"/reports/staffing/{short.id}/call", headers={"HX-Request": "true"})
    assert called.status_code == 200 and called.headers["HX-Redirect"].endswith("/reports/staffing")
    assert [m.kind for m in outbox(student.email) if m.kind == "staffing"] == ["staffing"]

    again = client.post(f"/reports/staffing/{short.id}/call?lang=en")  # within six hours of the first
    assert again.status_code == 303 and again.headers["Location"].endswith("/reports/staffing")
    page = client.get("/reports/staffing?lang=en").get_data(as_text=True)
    assert '<div class="flash flash--error">' in page
    assert [m.kind for m in outbox(student.email) if m.kind == "staffing"] == ["staffing"]

def test_calling_for_a_shift_that_does_not_exist_is_a_404(make_user, auth, client):
    auth.as_(make_user(role="admin"))
    assert client.post("/reports/staffing/999999/call").status_code == 404

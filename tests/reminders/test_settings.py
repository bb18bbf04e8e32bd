"""The organisers' reminder settings page, and the command that runs the reminders as if at another time."""
from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.notifications.models import Notification
from portal.reminders import services as reminders
from portal.reminders.models import CampaignReminderSettings
from tests.core.conftest import row_counts


def test_without_settings_the_defaults_apply(make_campaign):
    current = reminders.settings_for(make_campaign().id)
    assert (current.evening_on, current.evening_at, current.soon_on, current.soon_hours, current.no_show_limit) == (
        True, time(19, 0), True, 2, 3)


def test_an_organiser_changes_the_reminder_settings(client, auth, make_user, make_campaign):
    campaign = make_campaign()
    auth.as_(make_user(role="admin"))
    page = client.get(f"/campaigns/{campaign.slug}/reminders").get_data(as_text=True)
    assert 'value="19:00"' in page
    response = client.post(f"/campaigns/{campaign.slug}/reminders", data={
        "evening_on": "y", "evening_at": "20:30", "soon_hours": "3", "what_to_bring": "Áo đoàn", "no_show_limit": "2"})
    assert response.status_code == 303
    row = db.session.get(CampaignReminderSettings, campaign.id)
    assert (row.evening_at, row.soon_on, row.soon_hours, row.what_to_bring, row.no_show_limit) == (
        time(20, 30), False, 3, "Áo đoàn", 2)


@pytest.mark.parametrize("field,value", [("evening_at", "25:00"), ("soon_hours", "0"), ("no_show_limit", "-1"),
                                         ("soon_hours", "abc")])
def test_bad_settings_are_refused_beside_the_field_and_nothing_is_stored(client, auth, make_user, make_campaign, field,
                                                                         value):
    campaign = make_campaign()
    auth.as_(make_user(role="admin"))
    data = {"evening_on": "y", "evening_at": "19:00", "soon_on": "y", "soon_hours": "2", "no_show_limit": "3",
            field: value}
    before = row_counts()
    response = client.post(f"/campaigns/{campaign.slug}/reminders", data=data)
    assert response.status_code == 422 and f'id="{field}-error"' in response.get_data(as_text=True)
    assert row_counts() == before


def test_leaders_cannot_open_the_organisers_pages(client, auth, make_user, make_campaign):
    campaign = make_campaign()
    auth.as_(make_user(role="leader"))
    assert client.get(f"/campaigns/{campaign.slug}/reminders").status_code == 403
    assert client.get(f"/campaigns/{campaign.slug}/no-shows").status_code == 403


@pytest.mark.hanoi_time("2026-03-09 10:00")
def test_the_command_sends_the_reminders_due_at_a_chosen_moment(scene, runner):
    s = scene(starts="2026-03-11 08:00", booked=2)
    result = runner.invoke(args=["reminders", "send"])
    assert "evening 0" in result.output  # now (09/03 10:00) nothing is due
    result = runner.invoke(args=["reminders", "send", "--at", "10/03/2026 19:05"])
    assert result.exit_code == 0 and "evening 2" in result.output
    assert len(db.session.scalars(select(Notification)).all()) == len(s.bookings)
    again = runner.invoke(args=["reminders", "send", "--at", "10/03/2026 19:10"])
    assert "evening 0" in again.output and "already sent 2" in again.output
    assert runner.invoke(args=["reminders", "send", "--at", "2026-03-10"]).exit_code != 0

"""Numbers are written as their reader writes them: 12,5 and 1.234 in Vietnamese, 12.5 and 1,234 in English."""
from datetime import datetime, timedelta

from flask_babel import force_locale

from portal.core.clock import LOCAL_TZ
from portal.i18n import format_number, format_share
from tests import factories


def test_vietnamese_uses_a_decimal_comma_and_english_a_point(app):
    with app.test_request_context():
        with force_locale("vi"):
            assert (format_number(12.5), format_number(1234.5), format_share(1 / 3, 1), format_number(None)) == \
                ("12,5", "1.234,5", "33,3%", "—")
        with force_locale("en"):
            assert (format_number(12.5), format_number(1234.5), format_share(1 / 3, 1)) == ("12.5", "1,234.5", "33.3%")


def test_a_students_hours_show_12_5_in_vietnamese_and_12_5_with_a_point_in_english(client, auth, make_user,
                                                                                    make_campaign, make_point):
    campaign, point = make_campaign(), make_point()
    student = make_user(full_name="Nguyễn Thị An")
    factories.served(campaign, point, student, adjusted_minutes=750)
    auth.as_(student)
    assert "<dd>12,5</dd>" in client.get("/operations/my-hours").get_data(as_text=True)
    client.post("/language", data={"lang": "en"})
    assert "<dd>12.5</dd>" in client.get("/operations/my-hours").get_data(as_text=True)


def test_the_reports_rates_follow_the_language(client, auth, make_user, make_campaign, make_point):
    today = datetime.now(LOCAL_TZ).date()
    campaign = make_campaign(start_date=today - timedelta(days=40), end_date=today + timedelta(days=40))
    point = make_point()
    for n, status in enumerate(("present", "present", "no_show")):
        factories.served(campaign, point, make_user(), status=status, days_ago=3 + n)
    auth.as_(make_user(role="admin"))
    query = {"campaign": campaign.id, "dates_for": campaign.id}
    assert "33,3%" in client.get("/reports/", query_string=query).get_data(as_text=True)
    client.post("/language", data={"lang": "en"})
    assert "33.3%" in client.get("/reports/", query_string=query).get_data(as_text=True)

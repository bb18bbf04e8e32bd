"""seed-demo ships the four guides of issue 20 (published, reviewed, Vietnamese with numbered steps and the services'
official links, English for some), the demo leader's point's choice, and scans over the season's first two weeks."""
import re
import unicodedata
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import seed, seed_guides
from portal.accounts.models import User
from portal.campaigns.models import Campaign, PointLeader
from portal.core import clock, markdown
from portal.extensions import db
from portal.guides.models import CALL_MAX, Guide, GuideScan, PointGuide
from portal.reports.figures import Figures, Filters, last_full
from portal.reports.scans import add_scans

pytestmark = pytest.mark.hanoi_time("2026-03-11 10:00")
OFFICIAL = re.compile(r"\]\((https://(vneid|dichvucong|dichvucong\.hanoi|canhan\.gdt|hanoi)\.gov\.vn)\)")


def _counts() -> tuple:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Guide, PointGuide, GuideScan)) + (
        db.session.scalar(select(func.sum(GuideScan.count))),)


def test_seeding_twice_gives_the_four_published_guides_once_each(app):
    seed.seed_demo()
    first = _counts()
    seed.seed_demo()
    assert _counts() == first
    guides = db.session.scalars(select(Guide).order_by(Guide.id)).all()
    assert [g.slug for g in guides] == [spec["slug"] for spec in seed_guides.GUIDES]
    assert [g.title_vi for g in guides] == ["Kích hoạt tài khoản định danh điện tử mức 2",
                                            "Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia",
                                            "Thanh toán trực tuyến nghĩa vụ tài chính", "Dùng iHanoi để phản ánh"]
    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    for guide in guides:
        assert guide.status == "published" and guide.reviewer_id == admin.id
        assert guide.reviewed_at and guide.published_at <= clock.now()
        assert 0 < len(guide.call_vi) <= CALL_MAX and guide.summary_vi
        for text in (guide.title_vi, guide.summary_vi, guide.call_vi, guide.body_vi):
            assert text == unicodedata.normalize("NFC", text)
        assert guide.body_vi.startswith("## Chuẩn bị")
        steps = re.findall(r"^(\d)\. ", guide.body_vi, re.M)
        assert 5 <= len(steps) <= 8 and steps == [str(n) for n in range(1, len(steps) + 1)], guide.slug
        assert OFFICIAL.search(guide.body_vi), guide.slug
        html = markdown.render(guide.body_vi)
        assert "<ol>" in html and 'href="https://' in html
    english = [g for g in guides if g.has_english]
    assert len(english) >= 2 and all(OFFICIAL.search(g.body_en) and "<ol>" in markdown.render(g.body_en)
                                     for g in english)


def test_the_leaders_point_has_its_guides_and_the_first_two_weeks_have_scans(app):
    seed.seed_demo()
    leader = db.session.scalar(select(User).where(User.email == "leader@example.org"))
    point_id = db.session.scalar(select(PointLeader.point_id).where(PointLeader.user_id == leader.id))
    chosen = db.session.scalars(select(PointGuide).where(PointGuide.point_id == point_id)
                                .order_by(PointGuide.position)).all()
    assert [c.guide.slug for c in chosen] == seed_guides.LEADER_CHOICE
    season = db.session.scalar(select(Campaign).where(Campaign.slug == seed.CURRENT_SLUG))
    scans = db.session.scalars(select(GuideScan)).all()
    days = Counter()
    for scan in scans:
        assert season.start_date <= scan.day < min(season.start_date + timedelta(days=14), clock.local_today())
        days[scan.day] += scan.count
    assert len(days) >= 10 and {s.guide_id for s in scans} == {g.id for g in db.session.scalars(select(Guide))}
    assert len({s.point_id for s in scans}) >= 3 and point_id in {s.point_id for s in scans}
    assert all(3 <= n <= 400 for n in days.values()), days
    week, before = Figures(), Figures()  # the weekly report's "lượt quét mã QR hướng dẫn"
    start, end = last_full("week", clock.local_today())
    add_scans(week, before, Filters(start, end, campaign_id=season.id), start - timedelta(days=7))
    assert week.guide_scans > 100 and week.scans_per_point[0]["scans"] > 0

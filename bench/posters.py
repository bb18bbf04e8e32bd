"""Benchmark: guide posters per second (A4 PDF and PNG e-poster) and every point's "tờ rơi" sheet, on one core.

Run from the project root after `make setup` (or `make test`):

    .venv/bin/python bench/posters.py

A temporary SQLite database holds the Hanoi campaign, 126 points (each with a shift, so the posters carry the
campaign's name) and four published guides chosen by every point. On one core (the process is pinned to one CPU):
1. the baseline: an empty reportlab page with the fonts registered, per second (what any PDF costs);
2. A4 poster PDFs per second, one guide and point after another;
3. 1080×1350 PNG e-posters per second (the same layout, rasterised with pypdfium2);
4. the 126 points' sheets, one after another, in seconds.

The last line: the rates, each as a ratio to the empty page, and the sheets' seconds (target < 30 s on one core).
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

POINTS = 126
TARGET_SECONDS = 30
GUIDES = [
    ("kich-hoat-dinh-danh-dien-tu-muc-2", "Kích hoạt tài khoản định danh điện tử mức 2",
     "Tự kích hoạt VNeID mức 2 ngay tại điểm"),
    ("nop-ho-so-truc-tuyen", "Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia",
     "Nộp hồ sơ tại nhà, không cần xếp hàng"),
    ("thanh-toan-nghia-vu-tai-chinh", "Thanh toán trực tuyến nghĩa vụ tài chính", "Nộp thuế, phí ngay trên điện thoại"),
    ("ihanoi-phan-anh", "Dùng iHanoi để phản ánh", "Phản ánh hiện trường chỉ trong một phút"),
]
BODY = """Chuẩn bị căn cước và điện thoại có cài ứng dụng.

1. Mở ứng dụng và chọn **Đăng nhập** bằng tài khoản định danh điện tử.
2. Chọn dịch vụ cần làm và điền các thông tin theo mẫu.
3. Đính kèm ảnh chụp giấy tờ được yêu cầu.
4. Kiểm tra lại và bấm **Gửi**; ghi lại mã hồ sơ để tra cứu.
"""


def per_second(call, seconds: float = 3.0) -> float:
    """How many times `call` runs per second (after one warm-up call)."""
    call()
    started, count = time.perf_counter(), 0
    while time.perf_counter() - started < seconds:
        call()
        count += 1
    return count / (time.perf_counter() - started)


def populate(app) -> None:
    """The campaign, its points (each with a shift) and the four guides, chosen by every point."""
    from flask_migrate import upgrade

    from portal.campaigns.models import Branch, Campaign, CampaignOrganiser, ServicePoint
    from portal.core import clock
    from portal.extensions import db
    from portal.guides.models import Guide, PointGuide
    from portal.shifts.models import Shift

    upgrade()
    campaign = Campaign(name="Thanh niên đồng hành cùng hành chính công", slug="bench", status="open",
                        start_date=date(2025, 12, 18), end_date=date(2026, 2, 15))
    for n, name in enumerate(("Thành đoàn Hà Nội", "Trung tâm Phục vụ hành chính công thành phố Hà Nội")):
        campaign.organisers.append(CampaignOrganiser(name=name, position=n))
    branches = [Branch(name=f"Chi nhánh số {n}") for n in range(1, 31)]
    points = [ServicePoint(branch=branches[i % 30], name=f"Điểm Hỗ trợ dịch vụ công số phường {i + 1}",
                           ward=f"Phường số {i + 1}", address=f"{i + 1} Phố Huế, Hà Nội",
                           opening_hours="Thứ Hai – Thứ Sáu 8:00–17:00; Thứ Bảy 8:00–12:00") for i in range(POINTS)]
    guides = [Guide(slug=slug, title_vi=title, call_vi=call, body_vi=BODY, status="published",
                    published_at=clock.now()) for slug, title, call in GUIDES]
    db.session.add_all([campaign, *points, *guides])
    db.session.flush()
    start = clock.now() + timedelta(days=1)
    db.session.add_all([Shift(campaign_id=campaign.id, point_id=p.id, starts_at=start,
                              ends_at=start + timedelta(hours=4), capacity=5) for p in points])
    db.session.add_all([PointGuide(point_id=p.id, guide_id=g.id, position=n)
                        for p in points for n, g in enumerate(guides)])
    db.session.commit()


def empty_page() -> bytes:
    """The baseline: one empty A4 page with the fonts registered, as every poster starts."""
    from portal.guides import poster_pdf

    return poster_pdf.pdf(lambda c, w, h: None, poster_pdf.PAGES["a4.pdf"], "")


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, whatever the machine has
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("PORTAL_ENV", "development")
        from portal import create_app
        from portal.campaigns.models import ServicePoint
        from portal.extensions import db
        from portal.guides import posters
        from portal.guides.models import Guide

        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/posters.sqlite3",
                          "BASE_URL": "https://donghanh.example.org"})
        with app.app_context():
            populate(app)
            points = list(db.session.query(ServicePoint).order_by(ServicePoint.id))
            guides = list(db.session.query(Guide).order_by(Guide.id))
            pairs = [(g, p) for p in points for g in guides]
            turn = {"a4": 0, "png": 0}

            def next_pair(kind):
                turn[kind] += 1
                return pairs[turn[kind] % len(pairs)]

            baseline = per_second(empty_page)
            a4 = per_second(lambda: posters.render("a4.pdf", *next_pair("a4")))
            png = per_second(lambda: posters.render("1080x1350.png", *next_pair("png")))
            print(f"per second on one core: empty page {baseline:.1f}, A4 poster PDF {a4:.1f}, "
                  f"1080x1350 PNG e-poster {png:.1f}")
            started = time.perf_counter()
            sizes = [len(posters.leaflet(point)) for point in points]
            seconds = time.perf_counter() - started
            print(f"{len(points)} points' sheets (4 guides each): {seconds:.2f} s "
                  f"({len(points) / seconds:.1f} per second, {sum(sizes) / len(sizes) / 1024:.0f} KB each)")
            db.engine.dispose()
    verdict = "met" if seconds < TARGET_SECONDS else "MISSED"
    print(f"posters a4_per_s={a4:.1f} png_per_s={png:.1f} empty_page_per_s={baseline:.1f} "
          f"a4_ratio_vs_empty={a4 / baseline:.3f} png_ratio_vs_empty={png / baseline:.3f} "
          f"sheets_{len(points)}_seconds={seconds:.2f} target<{TARGET_SECONDS}s {verdict}")


if __name__ == "__main__":
    main()

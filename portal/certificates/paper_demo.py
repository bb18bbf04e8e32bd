"""The demo campaign's paper: two co-issuers with made-up signatories and a signature-and-seal drawn here with
Pillow (a red seal, a blue flourish; no file from outside), for `flask seed-demo` and the tests."""
from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw

from portal.campaigns.models import Campaign
from portal.certificates import paper

RED, BLUE = (200, 30, 35, 200), (25, 45, 150, 255)
ISSUERS = {
    "place": "Hà Nội", "motto": "state",
    "parent_body_1": "Thành đoàn Hà Nội", "issuing_body_1": "Ban Thường vụ", "short_name_1": "TĐTN",
    "on_behalf_1": "TM. Ban Thường vụ", "signatory_title_1": "Phó Bí thư", "signatory_name_1": "Nguyễn Minh Khôi",
    "parent_body_2": "UBND thành phố Hà Nội", "issuing_body_2": "Trung tâm Phục vụ hành chính công thành phố Hà Nội",
    "short_name_2": "TTPVHCC", "on_behalf_2": "", "signatory_title_2": "Giám đốc",
    "signatory_name_2": "Trần Thị Bích Ngọc",
}


def demo_signature(seed: int = 1) -> bytes:
    """A transparent PNG: a seal (rings and a star) with a flourish of a signature across it."""
    size = (600, 300)
    picture = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    cx, cy = 190, 150
    for radius, width in ((130, 9), (104, 4)):
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=RED, width=width)
    star = [(cx + (46 if k % 2 == 0 else 19) * math.sin(k * math.pi / 5),
             cy - (46 if k % 2 == 0 else 19) * math.cos(k * math.pi / 5)) for k in range(10)]
    draw.polygon(star, fill=RED)
    points = [(120 + t * 4.2, 170 - 55 * math.sin(t / (7 + seed)) * math.exp(-t / 160) - t * 0.35)
              for t in range(0, 110)]
    draw.line(points, fill=BLUE, width=7, joint="curve")
    draw.line([(300, 215), (560, 160)], fill=BLUE, width=5)
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def seed_paper(actor, campaign: Campaign) -> list[str]:
    """Give the campaign its two co-issuers once (nothing when it has issuers already), in the caller's
    transaction."""
    if paper.issuers_of(campaign):
        return []
    paper.apply(actor, campaign, ISSUERS, {1: demo_signature(1), 2: demo_signature(2)}, {})
    return [f"certificate issuers of {campaign.slug} set"]

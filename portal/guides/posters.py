"""Posters of a guide for a point (A4 and A3 PDF, two e-poster PNGs) and the point's "tờ rơi" sheet: what they say,
which guides and points may be printed, and the files themselves (drawn by poster_pdf)."""
from __future__ import annotations

import re

from flask_babel import force_locale
from sqlalchemy import or_, select

from portal.campaigns import points as points_service
from portal.campaigns.models import Campaign, ServicePoint
from portal.core.text import nfc
from portal.core.urls import external_url
from portal.extensions import db
from portal.guides import poster_pdf, poster_sheet
from portal.guides.models import Guide, PointGuide, point_code
from portal.i18n import lazy_text as _l
from portal.shifts.models import Shift

KINDS = tuple(poster_pdf.PAGES)
LEAFLET_MOST = 8  # two columns of four: each QR code stays above 3 cm wide
STEPS_MOST = 5  # the poster shows the first five; the QR code opens the rest
STEP_CHARS = 110
_STEP = re.compile(r"^ {0,3}\d{1,2}[.)]\s+(\S.*)$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"[*_`#>]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def viewable_statuses(user) -> tuple[str, ...]:
    """The guides a person may print: published ones; organisers may also preview one in review."""
    return ("published", "in_review") if user.has_role("admin") else ("published",)


def steps_of(body: str) -> tuple[str, ...]:
    """The first steps of the guide's numbered list as plain short lines (none when it has fewer than two). An
    item may run over several indented lines; a long one keeps its first sentences, up to STEP_CHARS."""
    items: list[list[str]] = []
    current = None
    for line in body.splitlines():
        found = _STEP.match(line)
        if found:
            current = [found.group(1)]
            items.append(current)
        elif current is not None and line[:1] in (" ", "\t") and line.strip():
            current.append(line.strip())
        else:
            current = None
    steps = [_short(" ".join(_MARKS.sub("", _LINK.sub(r"\1", _IMAGE.sub("", " ".join(item)))).split()))
             for item in items]
    steps = [step for step in steps if step]
    return tuple(steps[:STEPS_MOST]) if len(steps) >= 2 else ()


def _short(text: str) -> str:
    """Whole sentences up to STEP_CHARS; a first sentence longer than that is cut at a word, with an ellipsis."""
    kept = ""
    for sentence in _SENTENCE.split(text):
        joined = f"{kept} {sentence}".strip()
        if len(joined) > STEP_CHARS:
            break
        kept = joined
    return kept or text[:STEP_CHARS].rsplit(" ", 1)[0] + " …"


def campaign_of(point: ServicePoint) -> Campaign | None:
    """The open campaign with shifts at the point (the latest to start), if any."""
    return db.session.scalar(select(Campaign).join(Shift, Shift.campaign_id == Campaign.id)
                             .where(Shift.point_id == point.id, Campaign.status == "open")
                             .order_by(Campaign.start_date.desc(), Campaign.id.desc()).limit(1))


_LABELS = {
    "scan": _l("Scan the QR code with your phone's camera, or type this address:"),
    "steps": _l("The steps"),
    "hours": _l("Opening hours"),
    "help": _l("Need help? The volunteers at this point will walk you through it, free of charge."),
    "leaflet": _l("Guides to online public services: scan a code to open one"),
    "empty": _l("No guide has been published yet. The organisers will add them soon."),
}


def _labels() -> dict:
    """The printed labels, in Vietnamese whoever downloads the poster (it hangs for citizens)."""
    with force_locale("vi"):
        return {key: nfc(str(text)) for key, text in _LABELS.items()}


def _point_side(point: ServicePoint, labels: dict) -> dict:
    """The campaign's branding and the point's own lines, shared by its posters and its sheet."""
    campaign = campaign_of(point)
    brand = campaign.name if campaign else "Đồng hành"
    return {"brand": nfc(brand), "organisers": nfc(" · ".join(campaign.organiser_names) if campaign else ""),
            "point": nfc(point.name), "hours": nfc(point.opening_hours or ""), "labels": labels,
            "address": nfc(", ".join(part for part in (point.address, point.ward) if part))}


def guide_url(guide: Guide, point: ServicePoint) -> str:
    """The address in the QR code: the guide's short URL with the point's code, so scans count per point."""
    return external_url("guides.public_point_guide", slug=guide.slug, code=point_code(point))


def poster_for(guide: Guide, point: ServicePoint, side: dict | None = None) -> poster_pdf.Poster:
    """What the guide's poster at this point says."""
    side = side or _point_side(point, _labels())
    url = guide_url(guide, point)
    return poster_pdf.Poster(title=nfc(guide.title_vi), call=nfc(guide.call_vi), steps=steps_of(nfc(guide.body_vi)),
                             url=url, short_url=url.split("://", 1)[-1], **side)


def render(kind: str, guide: Guide, point: ServicePoint) -> bytes:
    """One poster file: `a4.pdf`, `a3.pdf`, `1080x1350.png` or `1080x1920.png`."""
    poster = poster_for(guide, point)
    document = poster_pdf.pdf(lambda c, w, h: poster_pdf.draw_poster(c, poster, w, h), poster_pdf.PAGES[kind],
                              f"{poster.title} · {poster.point}")
    return poster_pdf.png(document, poster_pdf.PIXELS[kind]) if kind in poster_pdf.PIXELS else document


def leaflet_guides(point: ServicePoint) -> list[Guide]:
    """The published guides the point's leaders chose, in their order; none chosen: every published guide."""
    chosen = list(db.session.scalars(select(Guide).join(PointGuide, PointGuide.guide_id == Guide.id)
                                     .where(PointGuide.point_id == point.id, Guide.status == "published")
                                     .order_by(PointGuide.position, Guide.title_vi).limit(LEAFLET_MOST)))
    return chosen or list(db.session.scalars(select(Guide).where(Guide.status == "published")
                                             .order_by(Guide.title_vi).limit(LEAFLET_MOST)))


def leaflet(point: ServicePoint) -> bytes:
    """The point's "tờ rơi": one A4 page, one QR code per guide, the point's name and hours."""
    side = _point_side(point, _labels())
    sheet = [poster_for(guide, point, side) for guide in leaflet_guides(point)]
    head = poster_pdf.Poster(title="", call="", steps=(), url="", short_url="", **side)
    return poster_pdf.pdf(lambda c, w, h: poster_sheet.draw_leaflet(c, sheet, head, w, h), poster_pdf.PAGES["a4.pdf"],
                          f"{side['labels']['leaflet']} · {side['point']}")


def points_for(user, query: str = "") -> list[ServicePoint]:
    """The points whose posters a person may print: organisers every active point (matching `query`), leaders
    those they lead."""
    if not user.has_role("admin"):
        return points_service.points_led_by(user)
    statement = select(ServicePoint).where(ServicePoint.is_active).order_by(ServicePoint.name, ServicePoint.id)
    words = nfc(query).split()
    for word in words[:5]:
        statement = statement.where(or_(*(column.icontains(word, autoescape=True) for column in (
            ServicePoint.name, ServicePoint.ward, ServicePoint.address))))
    return list(db.session.scalars(statement))


def filename(kind: str, guide: Guide, point: ServicePoint) -> str:
    """The download's name: guide slug, point code and kind (ASCII only)."""
    return f"poster-{guide.slug}-{point_code(point)}-{kind}"

"""The rosters on A4 paper (reportlab, in the portal's embedded Vietnamese font): a shift's sheet with its
check-in boxes and the tally grid of the campaign's categories, a point's day one shift per page, and the
leader's week on one landscape page (the type shrinks, then the names are cut short, until it fits)."""
from __future__ import annotations

import io
from datetime import datetime
from xml.sax.saxutils import escape  # reportlab reads Paragraph text as markup

from flask_babel import gettext as _
from flask_babel import ngettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from portal.core.fonts import register_fonts
from portal.i18n import current_locale, format_date, format_datetime_local, format_time_local, format_weekday
from portal.rosters.services import Roster, Sheet, WeekPlan, short_name

MARGIN = 12 * mm
LINE = colors.HexColor("#6b7683")
WASH = colors.HexColor("#eef2f7")
OPEN = colors.HexColor("#fff4d6")  # open seats: amber, and said in words
CLOSED = colors.HexColor("#e3e6ea")
FONT_STEPS = (9, 8.5, 8, 7.5, 7, 6.5, 6, 5.5, 5)


def _styles(size: float = 10) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("normal", fontName="Cert", fontSize=size, leading=size * 1.3)
    return {
        "normal": base,
        "small": ParagraphStyle("small", parent=base, fontSize=size * 0.85, leading=size * 1.1,
                                textColor=colors.HexColor("#4a5360")),
        "title": ParagraphStyle("title", parent=base, fontName="Cert-Bold", fontSize=size * 1.5, leading=size * 1.9),
        "heading": ParagraphStyle("heading", parent=base, fontName="Cert-Bold", fontSize=size * 1.15,
                                  leading=size * 1.5, spaceBefore=5 * mm, spaceAfter=2 * mm),
        "head": ParagraphStyle("head", parent=base, fontName="Cert-SemiBold"),
        "strong": ParagraphStyle("strong", parent=base, fontName="Cert-Bold"),
    }


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text)), style)


class WriteIn(Flowable):
    """A box to tick and a dotted line for the time, drawn (no glyph needed)."""

    def __init__(self, width: float, height: float = 5 * mm):
        super().__init__()
        self.width, self.height = width, height

    def draw(self):
        """The box, then the line."""
        side = 4.5 * mm
        self.canv.setStrokeColor(colors.black)
        self.canv.setLineWidth(0.8)
        self.canv.rect(0, (self.height - side) / 2, side, side)
        self.canv.setDash(1, 2)
        self.canv.line(side + 2 * mm, 1.5 * mm, self.width, 1.5 * mm)


def _footer(made: str):
    def draw(canvas, document):
        canvas.saveState()
        canvas.setFont("Cert", 7.5)
        canvas.setFillColor(colors.HexColor("#4a5360"))
        canvas.drawString(document.leftMargin, 6 * mm, made)
        canvas.drawRightString(document.pagesize[0] - document.rightMargin, 6 * mm,
                               _("Page %(number)d", number=document.page))
        canvas.restoreState()

    return draw


def _when(shift) -> str:
    """"Thứ Hai, 05/01/2026 · 07:30–11:30"."""
    return (f"{format_weekday(shift.starts_at)}, {format_date(shift.starts_at)} · "
            f"{format_time_local(shift.starts_at)}–{format_time_local(shift.ends_at)}")


def _leaders(point) -> str:
    return f"{_('Team leaders:')} {', '.join(u.full_name for u in point.leaders) or '—'}"


def _volunteers(roster: Roster, sheet: Sheet, s, width: float) -> Table:
    """No., name, phone (if allowed), a check-in box and a check-out/signature column; blank lines for walk-ins."""
    phone = 30 * mm if roster.show_phone else 0
    widths = [12 * mm, width - 12 * mm - phone - 34 * mm - 46 * mm] + ([phone] if phone else []) + [34 * mm, 46 * mm]
    head = [_("No."), _("Full name")] + ([_("Phone")] if phone else []) + [_("Check-in (time)"),
                                                                          _("Check-out (time) · signature")]
    data = [[_p(h, s["head"]) for h in head]]
    for n, booking in enumerate(sheet.bookings, 1):
        data.append([_p(n, s["normal"]), _p(booking.user.full_name, s["normal"])]
                    + ([_p(booking.user.phone or "", s["normal"])] if phone else [])
                    + [WriteIn(widths[-2] - 4 * mm), WriteIn(widths[-1] - 4 * mm)])
    for n in range(len(sheet.bookings) + 1, len(sheet.bookings) + roster.blank_rows + 1):
        data.append([_p(n, s["small"]), ""] + ([""] if phone else []) + [WriteIn(widths[-2] - 4 * mm),
                                                                         WriteIn(widths[-1] - 4 * mm)])
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([  # a line is at least 10 mm high, room to write; a long name makes it taller
        ("BACKGROUND", (0, 0), (-1, 0), WASH), ("GRID", (0, 0), (-1, -1), 0.5, LINE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm),
        ("TOPPADDING", (0, 1), (-1, -1), 2.5 * mm), ("BOTTOMPADDING", (0, 1), (-1, -1), 2.5 * mm),
    ]))
    return table


def _tally(sheet: Sheet, s, width: float) -> Table:
    """One row per activity category: room for tally marks, and the total."""
    locale = current_locale()
    data = [[_p(_("Activity"), s["head"]), _p(_("Tally"), s["head"]), _p(_("Total"), s["head"])]]
    data += [[_p(c.label(locale), s["normal"]), "", ""] for c in sheet.categories]
    table = Table(data, colWidths=[80 * mm, width - 80 * mm - 22 * mm, 22 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), WASH), ("GRID", (0, 0), (-1, -1), 0.5, LINE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 1), (-1, -1), 2 * mm), ("BOTTOMPADDING", (0, 1), (-1, -1), 2 * mm),
    ]))
    return table


def _sheet(roster: Roster, sheet: Sheet, s, width: float) -> list:
    shift = sheet.shift
    facts = [_when(shift), shift.campaign.name, _leaders(roster.point),
             _("Booked: %(booked)d of %(capacity)d seats", booked=len(sheet.bookings), capacity=shift.capacity)]
    story = [_p(_("Shift roster"), s["title"]), Spacer(1, 1 * mm), _p(roster.point.name, s["strong"])]
    story += [_p(f, s["normal"]) for f in facts]
    if shift.task_focus:
        story.append(_p(shift.task_focus, s["small"]))
    if shift.status == "cancelled":
        story.append(_p(_("This shift was cancelled."), s["strong"]))
    story += [Spacer(1, 4 * mm), _volunteers(roster, sheet, s, width)]
    if sheet.categories:
        story.append(KeepTogether([_p(_("People helped, by activity"), s["heading"]), _tally(sheet, s, width)]))
    return story


def roster_pdf(roster: Roster, made_at: datetime) -> bytes:
    """The sheets of a roster, one shift per page (portrait A4); a day without shifts says so."""
    register_fonts()
    s = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                                 bottomMargin=MARGIN + 4 * mm, title=f"{_('Shift roster')} · {roster.point.name}",
                                 author="Đồng hành", invariant=1)
    story = []
    for n, sheet in enumerate(roster.sheets):
        story += ([PageBreak()] if n else []) + _sheet(roster, sheet, s, document.width)
    if not story:
        story = [_p(_("Shift roster"), s["title"]), _p(roster.point.name, s["strong"]),
                 _p(_("No shift at this point on %(date)s.", date=format_date(roster.day)), s["normal"])]
    footer = _footer(_("Printed on %(when)s", when=format_datetime_local(made_at)))
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _cell(cell, s, limit: int | None) -> list:
    """A shift's seats and state in words, then its volunteers' short names (cut to `limit` and a count)."""
    if cell is None:
        return [_p("—", s["small"])]
    shift = cell.shift
    if shift.status == "cancelled":
        return [_p(_("Cancelled"), s["strong"])]
    state = (ngettext("%(num)d seat left", "%(num)d seats left", cell.open_seats) if cell.open_seats
             else _("Full"))
    names = [short_name(n).replace(" ", "\u00a0") for n in cell.names]  # a name never splits over two lines
    if limit is not None and len(names) > limit:
        names = names[:limit] + [_("+%(count)d more", count=len(names) - limit)]
    return [_p(f"{len(cell.names)}/{shift.capacity} · {state}", s["strong"]), _p(", ".join(names), s["normal"])]


def _plan_table(plan: WeekPlan, s, width: float, limit: int | None) -> Table:
    day_width = 27 * mm
    slot_width = (width - day_width) / max(len(plan.slots), 1)
    data = [[_p(_("Day"), s["head"])] + [_p(f"{a:%H:%M}–{b:%H:%M}", s["head"]) for a, b in plan.slots]]
    style = [("BACKGROUND", (0, 0), (-1, 0), WASH), ("GRID", (0, 0), (-1, -1), 0.5, LINE),
             ("VALIGN", (0, 0), (-1, -1), "TOP")]
    for row, day in enumerate(plan.days, 1):
        data.append([[_p(format_weekday(day), s["strong"]), _p(format_date(day), s["normal"])]]
                    + [_cell(plan.cells.get((day, slot)), s, limit) for slot in plan.slots])
        for column, slot in enumerate(plan.slots, 1):
            cell = plan.cells.get((day, slot))
            if cell is None or cell.shift.status == "cancelled":
                style.append(("BACKGROUND", (column, row), (column, row), CLOSED))
            elif cell.open_seats:
                style.append(("BACKGROUND", (column, row), (column, row), OPEN))
    table = Table(data, colWidths=[day_width] + [slot_width] * len(plan.slots), repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def _fitting_table(plan: WeekPlan, width: float, height: float) -> Table:
    """The plan's table in the largest type that fits the page; at the smallest, fewer names per shift."""
    for limit in (None, 12, 8, 5, 3, 0):
        for size in FONT_STEPS if limit is None else FONT_STEPS[-1:]:
            table = _plan_table(plan, _styles(size), width, limit)
            if table.wrap(width, height)[1] <= height:
                return table
    return table


def plan_pdf(plan: WeekPlan, made_at: datetime) -> bytes:
    """The week on one landscape A4 page: days down, shift times across; open seats shaded and said."""
    register_fonts()
    s = _styles(10)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm,
                                 topMargin=10 * mm, bottomMargin=12 * mm, invariant=1, author="Đồng hành",
                                 title=f"{_('Week plan')} · {plan.point.name}")
    week = _("Week of %(start)s to %(end)s", start=format_date(plan.days[0]), end=format_date(plan.days[-1]))
    head = [_p(f"{_('Week plan')} · {plan.point.name}", s["title"]),
            _p(f"{week} · {_leaders(plan.point)}", s["normal"]),
            _p(_("Shaded in yellow: shifts with open seats."), s["small"]), Spacer(1, 3 * mm)]
    used = sum(f.wrap(document.width, document.height)[1] for f in head) + 2 * mm
    body = ([_fitting_table(plan, document.width, document.height - used)] if plan.slots
            else [_p(_("No shift at this point this week."), s["normal"])])
    footer = _footer(_("Printed on %(when)s", when=format_datetime_local(made_at)))
    document.build(head + body, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()

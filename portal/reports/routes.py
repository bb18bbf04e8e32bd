"""The dashboard and the weekly and monthly reports, for organisers and (their points only) leaders."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from portal import access, htmx
from portal.audit import labels as audit_labels
from portal.audit import services as audit
from portal.core import clock, downloads
from portal.core.clock import LOCAL_TZ
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.forms import EmptyForm
from portal.i18n import current_locale, format_date
from portal.pagination import paginate_list
from portal.reports import bp, ledger, pdf, staffing, tasks
from portal.reports.figures import compare, figures, last_full, period, previous
from portal.reports.labels import FEEDBACK_LABELS, HEADLINE_LABELS, PERIOD_LABELS
from portal.reports.narrative import narrative, organisers_for
from portal.reports.scans import add_scans
from portal.reports.scope import filter_form, led_point_ids, today
from portal.shifts.models import Shift
from portal.spreadsheets import hours, to_csv, to_xlsx

KINDS = ("week", "month")
FILTER_KEYS = ("campaign", "branch", "point", "school", "chapter")


def _params(*extra: str) -> dict:
    """The filters in the query string, and nothing else, for building links."""
    return {k: v for k, v in request.args.items() if k in FILTER_KEYS + extra and v}


def _anchor() -> date | None:
    """A report's start date from ?start=, as yyyy-mm-dd or dd/mm/yyyy in 2000–2100; None otherwise."""
    raw = (request.args.get("start") or "").strip()[:10]
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
        if date(2000, 1, 1) <= day <= date(2100, 12, 31):
            return day
    return None


@bp.route("/")
@access.roles_required("admin", "leader")
def dashboard():
    """Headline figures with charts and their tables, for the chosen filters."""
    form, filters = filter_form(current_user)
    shown = {**_params(), "campaign": filters.campaign_id or 0, "start": format_date(filters.start),
             "end": format_date(filters.end), "dates_for": form.dates_for.data}  # exactly these figures (the ledger)
    return htmx.render("reports/dashboard.html", form=form, filters=filters, figures=figures(filters),
                           labels=HEADLINE_LABELS, params=_params(), shown=shown)


def _period_args(kind: str):
    if kind not in KINDS:
        abort(404)
    form, filters = filter_form(current_user)
    anchor = _anchor()
    if form.campaign_changed:  # a campaign just chosen: its last period, not this week's empty one
        start, end = _campaign_period(kind, form.chosen_campaign)
    else:
        start, end = period(kind, anchor) if anchor else last_full(kind, today())
    before = previous(kind, start)
    current = figures(replace(filters, start=start, end=end))
    earlier = figures(replace(filters, start=before[0], end=before[1]))
    add_scans(current, earlier, replace(filters, start=start, end=end), before[0])
    return form, filters, start, end, current, earlier


def _campaign_period(kind: str, campaign) -> tuple[date, date]:
    """The campaign's last week or month with shifts (its last days are often quiet) once that period
    has ended; else the last full period to date."""
    last = db.session.scalar(select(func.max(Shift.starts_at)).where(
        Shift.campaign_id == campaign.id, Shift.status == "open",
        Shift.starts_at < datetime.combine(campaign.end_date + timedelta(days=1), time(0), LOCAL_TZ)))
    day = min(campaign.end_date, last.astimezone(LOCAL_TZ).date()) if last else campaign.end_date
    if day < period(kind, today())[0]:
        return period(kind, day)
    return last_full(kind, today())


@bp.route("/staffing", endpoint="staffing")
@access.roles_required("admin", "leader")
def staffing_page():
    """The next 14 days at my points (all of them for organisers), understaffed shifts first."""
    page = paginate_list(staffing.ranked(led_point_ids(current_user)), 50)
    return htmx.render("reports/staffing.html", page=page, rows=staffing.details(page.items), form=EmptyForm())


@bp.route("/staffing/<int:shift_id>/call", methods=["POST"])
@access.roles_required("admin", "leader")
def call(shift_id):
    """Email the trained, free students who could fill the shift."""
    shift = db.get_or_404(Shift, shift_id)
    allowed = led_point_ids(current_user)
    if allowed is not None and shift.point_id not in allowed:
        abort(403)
    try:
        call = staffing.start_call(current_user, shift)
    except InvalidInput as error:
        return htmx.redirect(url_for("reports.staffing"), error.message, "error")
    tasks.staffing_call(call.id)  # the worker tells them (at once in tests)
    return htmx.redirect(url_for("reports.staffing"),
                         _("The students who are free and trained for this shift are being asked to come."))


@bp.route("/ledger.<fmt>", endpoint="ledger")
@access.roles_required("admin")
def ledger_export(fmt):
    """The hours ledger per student for the filters (for schools and chapters), CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    form, filters = filter_form(current_user)
    header, body = ledger.ledger(filters)
    name = f"so-gio-{filters.start.isoformat()}-{filters.end.isoformat()}"
    data = to_csv(header, body) if fmt == "csv" else to_xlsx(_("Hours ledger"), header, body)
    audit.record_access(current_user, audit_labels.EXPORT_HOURS_LEDGER, "report", None, format=fmt, **_params("start"))
    return downloads.attachment(data, f"{name}.{fmt}")


@bp.route("/<kind>")
@access.roles_required("admin", "leader")
def report(kind):
    """A week's or a month's report: its totals and the change from the period before."""
    form, filters, start, end, current, earlier = _period_args(kind)
    following = end + timedelta(days=1)
    params = _params()
    return htmx.render("reports/report.html", kind=kind, title=PERIOD_LABELS[kind], form=form, start=start,
                           end=end, figures=current, rows=compare(current, earlier), labels=HEADLINE_LABELS,
                           previous_start=previous(kind, start)[0],
                           next_start=following if following <= today() else None, params=params,
                           keep={**params, "dates_for": form.dates_for.data})


def _table(kind, start, end, rows):
    """The report as rows of typed cells: counts as integers, hours as decimals (they sum in a sheet)."""
    lang = current_locale()
    header = [_("Figure"), _("%(start)s – %(end)s", start=format_date(start), end=format_date(end)),
              _("Previous period"), _("Change")]
    body = []
    for row in rows:
        label = row.get(f"label_{lang}") or row.get("label_vi") or str(HEADLINE_LABELS[row["key"]])
        value, before, change = row["value"], row["previous"], row["change"]
        if row["key"] == "minutes":
            value, before, change = hours(value), hours(before), hours(change)
        body.append([label, value, before, change])
    return header, body


@bp.route("/<kind>.<fmt>")
@access.roles_required("admin", "leader")
def export(kind, fmt):
    """The report as CSV, XLSX or a printable PDF."""
    if fmt not in ("csv", "xlsx", "pdf"):
        abort(404)
    form, filters, start, end, current, earlier = _period_args(kind)
    header, body = _table(kind, start, end, compare(current, earlier))
    name = f"bao-cao-{kind}-{start.isoformat()}"
    audit.record_access(current_user, audit_labels.EXPORT_REPORT, "report", None, kind=kind, format=fmt, start=start,
                        **_params())
    if fmt == "csv":
        return downloads.attachment(to_csv(header, body), f"{name}.{fmt}")
    if fmt == "xlsx":
        return downloads.attachment(to_xlsx(str(PERIOD_LABELS[kind]), header, body), f"{name}.{fmt}")
    paper = pdf.render(_paper(kind, form, replace(filters, start=start, end=end)), header, body)
    return downloads.attachment(paper, f"{name}.{fmt}")


def _paper(kind, form, filters):
    """What the printed report says besides its table: whose paper, the period, when made, the narrative."""
    return pdf.Paper(title=str(PERIOD_LABELS[kind]),
                 period=_("%(start)s – %(end)s", start=format_date(filters.start), end=format_date(filters.end)),
                 scope=_scope_line(form), organisers=organisers_for(filters, form.chosen_campaign), made_at=clock.now(),
                 narrative=narrative(filters), feedback_labels=FEEDBACK_LABELS)


def _scope_line(form) -> str:
    """What the report covers, in words, for the printed page."""
    parts = []
    for f in (form.campaign, form.branch, form.point):
        chosen = dict((c.value, c.label) for c in f.choices).get(f.data)
        if f.data and chosen:
            parts.append(str(chosen))
    parts += [v for v in (form.school.data, form.chapter.data) if v]
    return " · ".join(parts) or _("All campaigns")

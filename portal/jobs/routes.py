"""The organisers' "Công việc nền" page: what is queued, running and failed, and the schedules."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal import access, htmx
from portal.core import statuses
from portal.extensions import db
from portal.forms import EmptyForm
from portal.jobs import bp, queue
from portal.jobs.models import JOB_STATUSES, JobRun
from portal.pagination import page_number

PAGE_SIZE = 50


def _schedules() -> list[tuple[object, object, JobRun | None]]:
    """Each periodic job: its label, when it runs, and its last finished run (one query)."""
    last = dict(db.session.execute(select(JobRun.name, func.max(JobRun.id)).where(
        JobRun.name.in_(list(queue.SCHEDULES)), JobRun.finished_at.is_not(None)).group_by(JobRun.name)).all())
    runs = {r.id: r for r in db.session.scalars(select(JobRun).where(JobRun.id.in_(list(last.values()))))}
    return [(queue.JOBS[name][1], when, runs.get(last.get(name))) for name, when in queue.SCHEDULES.items()]


@bp.route("/")
@access.roles_required("admin")
def index():
    """Queued, running and failed jobs (newest first, filterable by status), and the periodic schedules."""
    status = request.args.get("status", "") if request.args.get("status") in JOB_STATUSES else ""
    stmt = select(JobRun).order_by(JobRun.id.desc())
    page = db.paginate(stmt.where(JobRun.status == status) if status else stmt, page=page_number(),
                       per_page=PAGE_SIZE, error_out=False)
    counts = dict(db.session.execute(select(JobRun.status, func.count()).group_by(JobRun.status)).all())
    return htmx.render("jobs/index.html", "jobs/partials/runs.html", page=page, status=status, counts=counts,
                       schedules=_schedules(), labels={n: label for n, (_t, label) in queue.JOBS.items()},
                       status_labels=statuses.labels("job_run"), form=EmptyForm())


@bp.route("/<int:run_id>/retry", methods=["POST"])
@access.roles_required("admin")
def retry(run_id):
    """Run a failed job again, with the same arguments."""
    run = db.get_or_404(JobRun, run_id)
    if run.status != "failed" or run.name not in queue.JOBS:
        return htmx.redirect(url_for("jobs.index"), _("Only a failed job can be run again."), "error")
    queue.run_again(run)
    return htmx.redirect(url_for("jobs.index"), _("The job is queued again."))

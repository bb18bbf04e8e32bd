"""What the job queue did: one row per job run, for the organisers' "Công việc nền" page."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core import clock
from portal.core.types import UTCDateTime
from portal.extensions import db

JOB_STATUSES = ("queued", "running", "retrying", "done", "failed")


class JobRun(db.Model):
    """One enqueued job (a huey task id) and what became of it. Arguments are ids, never personal data."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    args: Mapped[list[Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (CheckConstraint(f"status IN {JOB_STATUSES}", name="status"),)

    def __repr__(self) -> str:
        return f"<JobRun {self.id} {self.name} {self.status}>"


class JobPeriod(db.Model):
    """A periodic duty done for one period (`reports.week` for the week from 2026-11-02): the unique pair
    makes it happen once however many workers or people start it."""

    __tablename__ = "job_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(20))
    done_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    __table_args__ = (UniqueConstraint("name", "period"),)

    def __repr__(self) -> str:
        return f"<JobPeriod {self.name} {self.period}>"

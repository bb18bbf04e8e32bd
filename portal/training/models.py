"""Training: modules per campaign, quizzes, reading progress, sessions and trainer sign-offs."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core import clock
from portal.core.types import UTCDateTime
from portal.extensions import db

METHODS = ("single", "bulk", "session", "import")
TITLE_MAX = 160


class TrainingModule(db.Model):
    """One training module of a campaign, e.g. 'Bảo mật thông tin công dân'."""

    __tablename__ = "training_modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    summary: Mapped[str] = mapped_column(String(500), default="")
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")  # rendered and sanitised on save
    estimated_minutes: Mapped[int] = mapped_column(default=30)
    position: Mapped[int] = mapped_column(default=0)
    is_required: Mapped[bool] = mapped_column(default=True)
    validity_days: Mapped[int | None]
    is_retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    campaign = relationship("Campaign")
    questions: Mapped[list[QuizQuestion]] = relationship(
        back_populates="module", cascade="all, delete-orphan", order_by="QuizQuestion.position"
    )

    __table_args__ = (
        UniqueConstraint("campaign_id", "title"),
        CheckConstraint("estimated_minutes BETWEEN 1 AND 1440", name="minutes"),
        CheckConstraint("validity_days IS NULL OR validity_days > 0", name="validity"),
    )

    def expires_at(self, completed_at: datetime) -> datetime | None:
        """When a completion made at `completed_at` stops counting, if ever."""
        return completed_at + timedelta(days=self.validity_days) if self.validity_days else None

    def __repr__(self) -> str:
        return f"<TrainingModule {self.id} {self.title!r}>"


class QuizQuestion(db.Model):
    """A multiple-choice question of a module's optional self-check quiz."""

    __tablename__ = "quiz_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_modules.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    prompt: Mapped[str] = mapped_column(String(500))
    options: Mapped[list[Any]] = mapped_column(JSON)
    answer_index: Mapped[int]

    module: Mapped[TrainingModule] = relationship(back_populates="questions")

    def __repr__(self) -> str:
        return f"<QuizQuestion {self.id} of module {self.module_id}>"


class ModuleProgress(db.Model):
    """What a student did on their own: read the module, passed its quiz."""

    __tablename__ = "module_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_modules.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    quiz_passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    quiz_best_score: Mapped[int | None]

    __table_args__ = (UniqueConstraint("module_id", "user_id"),)

    def __repr__(self) -> str:
        return f"<ModuleProgress {self.module_id} {self.user_id}>"


class Completion(db.Model):
    """A trainer's sign-off of one student on one module. Undone ones stay, for the record."""

    __tablename__ = "training_completions"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_modules.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    method: Mapped[str] = mapped_column(String(10))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("training_sessions.id", ondelete="SET NULL"))
    # Exactly one current completion per student and module (a partial unique index below).
    is_current: Mapped[bool] = mapped_column(default=True)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    undo_reason: Mapped[str | None] = mapped_column(String(500))

    module: Mapped[TrainingModule] = relationship()
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    undone_by = relationship("User", foreign_keys=[undone_by_id])

    __table_args__ = (
        CheckConstraint("method IN ('single', 'bulk', 'session', 'import')", name="method"),
        Index(
            "uq_training_completions_current", "module_id", "user_id", unique=True,
            sqlite_where=text("is_current"), postgresql_where=text("is_current"),
        ),
        Index("ix_training_completions_module_id_user_id", "module_id", "user_id"),
    )

    def __repr__(self) -> str:
        return f"<Completion {self.module_id} {self.user_id} {self.method}>"


session_modules = Table(
    "training_session_modules",
    db.metadata,
    Column("session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("module_id", ForeignKey("training_modules.id", ondelete="CASCADE"), primary_key=True),
)


class TrainingSession(db.Model):
    """A scheduled training session (buổi tập huấn), in a room or online."""

    __tablename__ = "training_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(255), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int]
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    attendance_taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    campaign = relationship("Campaign")
    trainer = relationship("User")
    modules: Mapped[list[TrainingModule]] = relationship(secondary=session_modules, order_by="TrainingModule.position")
    registrations: Mapped[list[SessionRegistration]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="times"),
        CheckConstraint("capacity BETWEEN 1 AND 2000", name="capacity"),
    )

    def __repr__(self) -> str:
        return f"<TrainingSession {self.id} {self.title!r}>"


class SessionRegistration(db.Model):
    """A student registered for a session; `attended` is set when the trainer takes attendance."""

    __tablename__ = "training_session_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    attended: Mapped[bool | None]

    session: Mapped[TrainingSession] = relationship(back_populates="registrations")
    user = relationship("User")

    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    def __repr__(self) -> str:
        return f"<SessionRegistration {self.session_id} {self.user_id}>"


class ImportBatch(db.Model):
    """An attendance sheet checked in preview; committing it completes the matched students."""

    __tablename__ = "training_import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_modules.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    filename: Mapped[str] = mapped_column(String(255), default="")
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    user_ids: Mapped[list[Any]] = mapped_column(JSON)
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<ImportBatch {self.id} module {self.module_id}>"

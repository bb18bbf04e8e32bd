"""Training rules: modules and quizzes, each student's status, and the gate that shift booking calls."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.exc import IntegrityError

from portal.audit import services as audit
from portal.campaigns.models import Campaign, CampaignStaff
from portal.core import clock, markdown
from portal.core.text import nfc
from portal.core.validation import InvalidInput
from portal.extensions import db
from portal.i18n import lazy_text as _l
from portal.training.models import Completion, ModuleProgress, QuizQuestion, TrainingModule

STATUSES = ("not_started", "read", "ready", "completed", "expired")
QUIZ_PASS_RATIO = 0.8
MODULE_AUDIT_FIELDS = ["title", "is_required", "validity_days", "estimated_minutes", "position", "is_retired"]


@dataclass
class ModuleData:
    """What an organiser types on the module form."""

    title: str
    summary: str
    body_md: str
    estimated_minutes: int
    is_required: bool
    validity_days: int | None


# --- modules ------------------------------------------------------------------------------


def modules_of(campaign: Campaign, include_retired: bool = False) -> list[TrainingModule]:
    """A campaign's modules in their order."""
    stmt = select(TrainingModule).where(TrainingModule.campaign_id == campaign.id)
    if not include_retired:
        stmt = stmt.where(TrainingModule.is_retired.is_(False))
    return list(db.session.scalars(stmt.order_by(TrainingModule.position, TrainingModule.id)))


def _apply(module: TrainingModule, data: ModuleData) -> None:
    """Copy checked data onto a module, rendering its body."""
    module.title = nfc(data.title)
    module.summary = nfc(data.summary or "")
    module.body_md = nfc(data.body_md or "")
    module.body_html = markdown.render(module.body_md)
    module.estimated_minutes = data.estimated_minutes
    module.is_required = data.is_required
    module.validity_days = data.validity_days


def _save_module(actor, module: TrainingModule, action: str, before: dict | None) -> None:
    """Flush, audit and commit; a title taken by another module of the campaign becomes a field message."""
    try:
        db.session.flush()
        audit.record(actor, action, "training_module", module.id, before, audit.snapshot(module, MODULE_AUDIT_FIELDS))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise InvalidInput(_l("Another module of this campaign already has this title."), "title") from None


def create_module(actor, campaign: Campaign, data: ModuleData) -> TrainingModule:
    """Add a module at the end of the campaign's list."""
    last = db.session.scalar(select(func.max(TrainingModule.position)).where(TrainingModule.campaign_id == campaign.id))
    module = TrainingModule(campaign_id=campaign.id, position=(last or 0) + 1)
    _apply(module, data)
    db.session.add(module)
    _save_module(actor, module, "module.create", None)
    return module


def update_module(actor, module: TrainingModule, data: ModuleData) -> None:
    """Edit a module; completions already given stay."""
    before = audit.snapshot(module, MODULE_AUDIT_FIELDS)
    _apply(module, data)
    _save_module(actor, module, "module.update", before)


def move_module(actor, module: TrainingModule, direction: int) -> None:
    """Swap a module with its neighbour (-1 up, +1 down) among the active ones."""
    siblings = modules_of(module.campaign)
    index = siblings.index(module)
    other_index = index + direction
    if not 0 <= other_index < len(siblings):
        return
    ordered = list(siblings)
    ordered[index], ordered[other_index] = ordered[other_index], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    audit.record(actor, "module.move", "training_module", module.id, after={"position": module.position})
    db.session.commit()


def set_retired(actor, module: TrainingModule, retired: bool) -> None:
    """Retire a module (it leaves lists and the gate; its history stays) or bring it back."""
    before = audit.snapshot(module, MODULE_AUDIT_FIELDS)
    module.is_retired = retired
    audit.record(actor, "module.retire" if retired else "module.restore", "training_module", module.id,
                 before, audit.snapshot(module, MODULE_AUDIT_FIELDS))
    db.session.commit()


# --- quizzes ------------------------------------------------------------------------------


def parse_quiz(text: str) -> list[tuple[str, list[str], int]]:
    """Parse the quiz editor's text: a question line, then options, the right one starting with '*'.

    Questions are separated by a blank line; options start with '-' or '*'.
    """
    questions = []
    for number, block in enumerate([b for b in nfc(text or "").replace("\r\n", "\n").split("\n\n") if b.strip()], 1):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        prompt, option_lines = lines[0], lines[1:]
        if any(not line.startswith(("-", "*")) for line in option_lines) or len(option_lines) < 2:
            raise InvalidInput(_l("Question %(n)d needs at least two options, each starting with - or *.", n=number),
                               "quiz")
        right = [i for i, line in enumerate(option_lines) if line.startswith("*")]
        if len(right) != 1:
            raise InvalidInput(_l("Mark exactly one right answer with * in question %(n)d.", n=number), "quiz")
        if len(prompt) > 500 or any(len(line) > 300 for line in option_lines):
            raise InvalidInput(_l("Question %(n)d is too long.", n=number), "quiz")
        questions.append((prompt, [line[1:].strip() for line in option_lines], right[0]))
    return questions


def quiz_text(module: TrainingModule) -> str:
    """The editor text of a module's current quiz."""
    return "\n\n".join(
        "\n".join([q.prompt] + [("* " if i == q.answer_index else "- ") + o for i, o in enumerate(q.options)])
        for q in module.questions
    )


def set_quiz(actor, module: TrainingModule, text: str) -> None:
    """Replace a module's quiz (an empty text removes it)."""
    parsed = parse_quiz(text)
    module.questions.clear()
    db.session.flush()
    for position, (prompt, options, answer) in enumerate(parsed, 1):
        module.questions.append(QuizQuestion(position=position, prompt=prompt, options=options, answer_index=answer))
    audit.record(actor, "module.quiz", "training_module", module.id, after={"questions": len(parsed)})
    db.session.commit()


def grade_quiz(user, module: TrainingModule, answers: dict[int, int]) -> tuple[int, int, bool]:
    """Score a student's answers (question id -> option index); keep the best score. Returns (score, total, passed)."""
    total = len(module.questions)
    score = sum(1 for q in module.questions if answers.get(q.id) == q.answer_index)
    passed = total > 0 and score >= total * QUIZ_PASS_RATIO
    progress = mark_read(user, module, commit=False)
    progress.quiz_best_score = max(progress.quiz_best_score or 0, score)
    if passed and progress.quiz_passed_at is None:
        progress.quiz_passed_at = clock.now()
    db.session.commit()
    return score, total, passed


# --- progress and status ------------------------------------------------------------------


def mark_read(user, module: TrainingModule, commit: bool = True) -> ModuleProgress:
    """Record that a student has read the module (the first time counts; again changes nothing)."""
    progress = db.session.scalar(
        select(ModuleProgress).where(ModuleProgress.module_id == module.id, ModuleProgress.user_id == user.id)
    )
    if progress is None:
        progress = ModuleProgress(module_id=module.id, user_id=user.id)
        db.session.add(progress)
        if commit:
            try:
                db.session.commit()
            except IntegrityError:  # a second tab recorded it a moment ago
                db.session.rollback()
                return mark_read(user, module, commit)
    return progress


def expiry_cutoff(module: TrainingModule, now: datetime | None = None) -> datetime | None:
    """Completions made before this instant have expired (None: they never do)."""
    if not module.validity_days:
        return None
    return (now or clock.now()) - timedelta(days=module.validity_days)


def status_expression(module: TrainingModule, completion, progress):
    """SQL CASE giving a student's status on `module`, from outer-joined completion and progress rows."""
    cutoff = expiry_cutoff(module)
    has_quiz = bool(module.questions)
    unexpired = completion.completed_at >= cutoff if cutoff is not None else literal(True)
    ready = progress.quiz_passed_at.is_not(None) if has_quiz else literal(True)
    return case(
        (and_(completion.id.is_not(None), unexpired), "completed"),
        (completion.id.is_not(None), "expired"),
        (and_(progress.id.is_not(None), ready), "ready"),
        (progress.id.is_not(None), "read"),
        else_="not_started",
    )


def statuses_for(user, modules: list[TrainingModule]) -> dict[int, dict]:
    """Each module's status for one student, with the current completion if any: {module_id: {...}}."""
    ids = [m.id for m in modules]
    completions = {
        c.module_id: c
        for c in db.session.scalars(
            select(Completion).where(Completion.user_id == user.id, Completion.module_id.in_(ids),
                                     Completion.is_current)
        )
    }
    progress = {
        p.module_id: p
        for p in db.session.scalars(
            select(ModuleProgress).where(ModuleProgress.user_id == user.id, ModuleProgress.module_id.in_(ids))
        )
    }
    result = {}
    for module in modules:
        completion, read = completions.get(module.id), progress.get(module.id)
        cutoff = expiry_cutoff(module)
        if completion is not None:
            status = "completed" if cutoff is None or completion.completed_at >= cutoff else "expired"
        elif read is not None and (not module.questions or read.quiz_passed_at):
            status = "ready"
        else:
            status = "read" if read is not None else "not_started"
        expires = module.expires_at(completion.completed_at) if completion else None
        result[module.id] = {"status": status, "completion": completion, "progress": read, "expires_at": expires}
    return result


# --- the gate -----------------------------------------------------------------------------


class TrainingIncomplete(InvalidInput):
    """A student may not serve yet; `modules` lists what is missing."""

    def __init__(self, modules: list[TrainingModule]):
        names = ", ".join(m.title for m in modules)
        super().__init__(_l("Complete the required training first: %(modules)s.", modules=names), "training")
        self.modules = modules


def required_progress(user, campaign: Campaign) -> list[tuple[TrainingModule, Completion | None]]:
    """Each required, active module with the student's current completion (None if there is none), in
    one statement: every booking asks it."""
    current = (Completion.module_id == TrainingModule.id) & (Completion.user_id == user.id) & Completion.is_current
    return [(module, completion) for module, completion in db.session.execute(
        select(TrainingModule, Completion).outerjoin(Completion, current)
        .where(TrainingModule.campaign_id == campaign.id, TrainingModule.is_required,
               TrainingModule.is_retired.is_(False))
        .order_by(TrainingModule.position, TrainingModule.id))]


def missing_required_modules(user, campaign: Campaign) -> list[TrainingModule]:
    """Required, active modules of the campaign without a current, unexpired completion."""
    required = [m for m in modules_of(campaign) if m.is_required]
    statuses = statuses_for(user, required)
    return [m for m in required if statuses[m.id]["status"] != "completed"]


def require_training(user, campaign: Campaign) -> None:
    """The gate every booking calls: raise TrainingIncomplete naming the missing modules."""
    missing = missing_required_modules(user, campaign)
    if missing:
        raise TrainingIncomplete(missing)


# --- who may sign off ---------------------------------------------------------------------


def can_sign_off(user, campaign: Campaign) -> bool:
    """Admins always; trainers only for campaigns the organisers assigned them to."""
    if user.has_role("admin"):
        return True
    if not user.has_role("trainer"):
        return False
    return db.session.scalar(
        select(CampaignStaff.id).where(
            CampaignStaff.campaign_id == campaign.id, CampaignStaff.user_id == user.id, CampaignStaff.role == "trainer"
        )
    ) is not None

"""One label source per status: each domain declares its statuses' words and tones once, in its
labels module; templates show them with the `status_tag` macro (templates/macros/status.html)."""
from __future__ import annotations

# The tones are the CSS modifiers of `.tag` (static/css/app.css): words and colour together.
TONES = frozenset({"open", "pending", "draft", "closed", "inactive", "role", "sent", "failed", "active"})

_DECLARED: dict[str, dict[str, tuple]] = {}


def declare(kind: str, statuses: dict[str, tuple]) -> dict[str, tuple]:
    """Declare a kind of status: {value: (lazily translated label, tone)}; returns the mapping."""
    unknown = {tone for _label, tone in statuses.values()} - TONES
    if unknown:
        raise ValueError(f"{kind}: unknown tones {sorted(unknown)}")
    _DECLARED[kind] = statuses
    return statuses


def labels(kind: str) -> dict[str, object]:
    """Each value of a kind with its label, for select options and exports."""
    return {value: label for value, (label, _tone) in _DECLARED[kind].items()}


def status_of(kind: str, value: str) -> tuple[str, str]:
    """The label and tone of one status (a template global)."""
    label, tone = _DECLARED[kind][value]
    return str(label), tone


def declared() -> dict[str, dict[str, tuple]]:
    """Every declared kind, for tests that check templates use them."""
    return dict(_DECLARED)

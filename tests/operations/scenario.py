"""The world the operations tests share: a shift at a point, its people and what they booked."""
from dataclasses import dataclass


@dataclass(frozen=True)
class PointShift:
    """A shift at `point` with `student` on it; each test module fills the parts its scenario has."""

    shift: object
    student: object
    campaign: object = None
    point: object = None
    leader: object = None
    booking: object = None
    elsewhere: object = None  # a second point, for self check-in at the wrong place
    cats: object = None  # the campaign's activity categories

"""The input-error exception every domain raises when what someone typed must not be stored."""
from __future__ import annotations


class InvalidInput(ValueError):
    """A value that must not be stored, with a message for the person who typed it."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field

"""The operations services' transaction rule: each service commits its own work, and input it refuses
rolls back everything it had touched (row locks included), so views never commit or roll back."""
from __future__ import annotations

import functools

from portal.core.validation import InvalidInput
from portal.extensions import db


def refusal_rolls_back(service):
    """Wrap a service so that an InvalidInput it raises leaves the database as it was."""
    @functools.wraps(service)
    def run(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except InvalidInput:
            db.session.rollback()
            raise
    return run

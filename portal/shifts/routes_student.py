"""Students find, book and cancel shifts; calendars."""
from portal.shifts import models  # noqa: F401  (the tables exist before any route uses them)

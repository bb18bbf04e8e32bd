"""URL converters that keep hostile numbers out of the database."""
from werkzeug.routing import IntegerConverter

INT32_MAX = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` limited to positive 32-bit values: anything larger is simply not found (404)."""

    def __init__(self, map, fixed_digits=0, min=1, max=INT32_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def small_int(value, default=None, maximum=INT32_MAX):
    """Parse a query-string number safely: digits only, within range, else `default`."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 10:  # "²".isdigit() is True
        return default
    number = int(value)
    return number if 0 < number <= maximum else default

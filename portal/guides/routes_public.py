"""(being written)"""
from portal.guides import bp  # noqa: F401

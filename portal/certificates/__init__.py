"""Certificates: codes, signatures and the public keys that let anyone check them."""
from flask import Blueprint

bp = Blueprint("certificates", __name__)

from portal.certificates import routes  # noqa: E402,F401

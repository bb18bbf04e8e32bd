"""Public routes of the credential mechanism."""
from __future__ import annotations

from flask import jsonify

from portal import access
from portal.certificates import bp, signing
from portal.extensions import limiter


@bp.route("/.well-known/jwks.json")
@access.public
@limiter.limit("120 per minute")
def jwks():
    """The public keys (current and retired) that verify our certificate signatures."""
    response = jsonify(signing.jwks())
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response

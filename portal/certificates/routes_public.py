"""Public JSON-LD documents of the Open Badges credentials: the issuer profile with our keys as Multikeys,
and the status lists."""
from __future__ import annotations

import json

from flask import abort, make_response

from portal import access
from portal.certificates import bp, profile, status_lists
from portal.extensions import limiter


@bp.route("/issuer")
@access.public
@limiter.limit("120 per minute")
def issuer_profile():
    """The issuer Profile every credential names, with the keys (current and retired) that verify its proofs."""
    response = make_response(json.dumps(profile.profile(), ensure_ascii=False, indent=2))
    response.headers["Content-Type"] = f"{profile.MEDIA_TYPE}; charset=utf-8"
    response.headers["Access-Control-Allow-Origin"] = "*"  # wallets and verifiers fetch it from their own pages
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.route("/credentials/status/<int:list_id>/<purpose>")
@access.public
@limiter.limit("120 per minute")
def status_list(list_id, purpose):
    """A signed Bitstring Status List credential (revocation or message): what verifiers check a
    credential's status against, signed again whenever a status changes and every night."""
    published = status_lists.published(list_id, purpose)
    if published is None:
        abort(404)
    response = make_response(published)
    response.headers["Content-Type"] = f"{profile.MEDIA_TYPE}; charset=utf-8"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"  # a revocation shows within five minutes
    return response

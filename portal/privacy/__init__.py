"""Personal data rights (Law No. 91/2025/QH15, Decree 356/2025/ND-CP): the processing register,
a person's data page and export, correction, consent, closing and erasure, the organisers'
request queue, retention and breach records. It sits above every domain, since it reads them all."""
from flask import Blueprint

bp = Blueprint("privacy", __name__)

from portal.privacy import (  # noqa: E402,F401  (statuses declared, models mapped, routes registered on bp)
    labels,
    models,
    routes_admin,
    routes_person,
    routes_public,
    routes_requests,
)

"""Personal data rights (Law No. 91/2025/QH15, Decree 356/2025/ND-CP): the processing register,
a person's data page and export, correction, consent, closing and erasure, the organisers'
request queue, retention and breach records. It sits above every domain, since it reads them all."""
from flask import Blueprint

bp = Blueprint("privacy", __name__)

from portal.privacy import labels as privacy_labels  # noqa: E402,F401  (the statuses are declared at start)
from portal.privacy import (  # noqa: E402,F401  (the models are mapped, the routes register on bp, the jobs on the queue)
    models,
    routes_admin,
    routes_person,
    routes_public,
    routes_requests,
    tasks,
)

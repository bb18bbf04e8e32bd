"""The admins' audit log page: it reads the log (portal.audit) and names people through accounts (top floor)."""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from sqlalchemy import select

from portal import access, htmx
from portal.accounts import services as accounts
from portal.audit import services as audit
from portal.audit.labels import ACTIONS, KINDS, TARGETS
from portal.audit.models import AuditEvent
from portal.core.converters import small_int
from portal.extensions import db
from portal.forms import choices
from portal.home import audit_bp as bp
from portal.home import audit_changes
from portal.home.forms import AuditFilterForm
from portal.pagination import page_number

PAGE_SIZE = 50


def _choices(form: AuditFilterForm) -> None:
    """Fill the filter's choices from what the log holds."""
    everyone = ("", _("All"))
    form.kind.choices = choices([everyone] + [(key, label) for key, (label, _names) in KINDS.items()])
    form.action.choices = choices([everyone] + [(a, ACTIONS.get(a, a)) for a in audit.action_names()])
    form.target_type.choices = choices(
        [everyone] + [(t, TARGETS.get(t, t)) for t in db.session.scalars(select(AuditEvent.target_type).distinct())]
    )
    actors = accounts.names_in_order(select(AuditEvent.actor_id))
    form.actor.choices = choices([everyone] + [(str(i), n) for i, n in actors])


@bp.route("/")
@access.roles_required("admin")
def index():
    """Browse and filter staff actions and the security log, newest first."""
    form = AuditFilterForm(request.args)
    _choices(form)
    valid = form.validate()
    person, matches = accounts.find_person(form.person.data if valid else "")
    stmt = audit.query(
        action=form.action.data or None,
        actor_id=small_int(form.actor.data) if valid else None,
        target_type=form.target_type.data or None,
        date_from=form.date_from.data if valid else None,
        date_to=form.date_to.data if valid else None,
        # A name that matches nobody, or several people, shows no events until one person is chosen.
        person_id=person.id if person else (-1 if valid and form.person.data else None),
        kind=form.kind.data or None,
    )
    page = db.paginate(stmt, page=page_number(), per_page=PAGE_SIZE, error_out=False)
    names = accounts.names_of(set().union(*(audit_changes.people_in(e) for e in page.items)))
    return htmx.render("audit/index.html", "audit/partials/events.html", form=form, page=page,
                       actions=ACTIONS, targets=TARGETS, person=person, matches=matches, names=names,
                       changes=audit_changes.changes,
                       other_filters={k: v for k, v in request.args.items() if k not in ("person", "page") and v})

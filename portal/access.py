"""Access rules: every view declares who may use it, and one hook enforces the declaration.

A view without a declared rule is refused (deny by default), and the role x route test fails.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, request, url_for
from flask_login import current_user

from portal import htmx

ROLES = ("student", "trainer", "leader", "admin")


@dataclass(frozen=True)
class Rule:
    """Who may use a view: anyone, any signed-in user, or holders of one of `roles`."""

    public: bool = False
    roles: tuple[str, ...] = ()

    def allows(self, user) -> bool:
        """Tell whether `user` passes this rule (login already checked)."""
        return not self.roles or any(user.has_role(r) for r in self.roles)


# Endpoints that Flask or extensions add and that cannot carry an attribute.
BUILTIN_PUBLIC = {"static"}

# What an organiser who must enrol in two-factor sign-in may still open (public pages aside).
TWO_FACTOR_ENROLMENT = {"accounts.two_factor_setup", "accounts.two_factor_start", "accounts.logout"}
# What the page a held person is sent to (enrolment, re-consent) asks for by itself: the header's notice
# badge (their own unread count). Sending that request to the enrolment page too would reload the page
# for ever.
HELD_PAGE_CALLS = {"notifications.badge"}


def _declare(rule: Rule):
    def decorator(view):
        view.access_rule = rule
        return view

    return decorator


public = _declare(Rule(public=True))
signed_in = _declare(Rule())


def roles_required(*roles: str):
    """Declare that only holders of one of `roles` may use the view."""
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    return _declare(Rule(roles=tuple(roles)))


def rule_for(app, endpoint: str) -> Rule | None:
    """Return the declared rule of an endpoint, or None when it has none."""
    if endpoint in BUILTIN_PUBLIC:
        return Rule(public=True)
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def enforce():
    """before_request hook: apply the current endpoint's rule."""
    if request.endpoint is None:  # no route matched: let the 404/405 handler answer
        return None
    rule = rule_for(current_app, request.endpoint)
    if rule is None:
        current_app.logger.error("endpoint %s declares no access rule; refused", request.endpoint)
        abort(403)
    if rule.public:
        return None
    if not current_user.is_authenticated:
        login_url = url_for("accounts.login", next=request.full_path.rstrip("?"))
        return htmx.navigate(login_url, status=401)
    if not rule.allows(current_user):
        abort(403)
    held_may_call = TWO_FACTOR_ENROLMENT | HELD_PAGE_CALLS
    if request.endpoint not in held_may_call and must_enrol_two_factor(current_user):
        return htmx.navigate(url_for("accounts.two_factor_setup"))
    return None


def must_enrol_two_factor(user) -> bool:
    """An organiser (role admin) without two-factor sign-in, while REQUIRE_ADMIN_2FA is on, may
    open no signed-in page but the enrolment itself: not only admin pages, since every other page
    of their session would carry the same unprotected sign-in."""
    return (current_app.config.get("REQUIRE_ADMIN_2FA", True) and user.has_role("admin")
            and getattr(user, "totp_enabled_at", None) is None)


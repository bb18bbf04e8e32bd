"""Translated names of account values, for display: roles, and the statuses shown as tags."""
from portal.core import statuses
from portal.i18n import lazy_text as _l

statuses.declare("role", {
    "student": (_l("Student volunteer"), "role"),
    "trainer": (_l("Trainer"), "role"),
    "leader": (_l("Team leader"), "role"),
    "admin": (_l("Organiser"), "role"),
})
ROLE_LABELS = statuses.labels("role")

statuses.declare("account", {
    "active": (_l("Active"), "active"),
    "unconfirmed": (_l("Not confirmed"), "pending"),
    "deactivated": (_l("Deactivated"), "inactive"),
})

statuses.declare("two_factor", {
    "on": (_l("On"), "active"),
    "off": (_l("Off"), "inactive"),
})

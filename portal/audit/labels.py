"""Readable, translated names of audit actions and record kinds (unknown codes show as they are)."""
from flask_babel import lazy_gettext as _l

ACTIONS = {
    "user.create": _l("Account created"), "user.invite": _l("Staff invited"), "user.roles": _l("Roles changed"),
    "user.activate": _l("Account reactivated"), "user.deactivate": _l("Account deactivated"),
    "campaign.create": _l("Campaign created"), "campaign.update": _l("Campaign edited"),
    "campaign.staff": _l("Campaign staff changed"),
    "module.create": _l("Module created"), "module.update": _l("Module edited"), "module.move": _l("Module moved"),
    "module.retire": _l("Module retired"), "module.restore": _l("Module restored"), "module.quiz": _l("Quiz edited"),
    "training.complete.single": _l("Training signed off (one)"), "training.complete.bulk": _l("Training signed off (bulk)"),
    "training.complete.session": _l("Training signed off (session)"),
    "training.complete.import": _l("Training signed off (sheet)"), "training.undo": _l("Sign-off undone"),
    "session.create": _l("Session scheduled"), "session.attendance": _l("Session attendance taken"),
    "shift_template.create": _l("Shift template created"), "shift.generate": _l("Shifts generated"),
    "shift.update": _l("Shift edited"), "shift.cancel": _l("Shift cancelled"),
    "shift.capacity_override": _l("Seat added over capacity"), "booking.add": _l("Volunteer added"),
    "booking.release": _l("Seat released"), "point.create": _l("Point created"), "point.update": _l("Point edited"),
    "attendance.check_in": _l("Checked in"), "attendance.check_out": _l("Checked out"),
    "attendance.no_show": _l("No-show recorded"), "attendance.task": _l("Task given"),
    "attendance.adjust": _l("Hours corrected"), "activity_log.save": _l("Activity log saved"),
    "activity_categories.save": _l("Activity categories edited"), "feedback.create": _l("Feedback recorded"),
    "feedback.status": _l("Feedback status changed"), "volunteer.rate": _l("Volunteer rated"),
    "certificate_rule.save": _l("Certificate rule saved"), "certificate.issue": _l("Certificates issued"),
    "certificate.revoke": _l("Certificate revoked"), "certificate.reissue": _l("Certificate corrected"),
}
TARGETS = {
    "user": _l("Account"), "campaign": _l("Campaign"), "training_module": _l("Training module"),
    "training_completion": _l("Training sign-off"), "training_session": _l("Training session"),
    "shift_template": _l("Shift template"), "shift": _l("Shift"), "booking": _l("Booking"),
    "service_point": _l("Service point"), "attendance": _l("Attendance"), "activity_log": _l("Activity log"),
    "citizen_feedback": _l("Citizens' feedback"), "volunteer_rating": _l("Volunteer rating"),
    "credential": _l("Certificate"),
}

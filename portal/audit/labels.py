"""Readable, translated names of audit actions and record kinds (unknown codes show as they are),
and the security log's action names: the one place every module takes them from."""
from portal.i18n import lazy_text as _l

# --- the security log (issue 14 §8) -------------------------------------------------------------
AUTH_LOGIN = "auth.login"
AUTH_LOGIN_FAILED = "auth.login_failed"
AUTH_LOCKOUT = "auth.lockout"
AUTH_LOGOUT = "auth.logout"
AUTH_SIGNOUT_EVERYWHERE = "auth.signout_everywhere"
AUTH_PASSWORD_CHANGED = "auth.password_changed"
AUTH_PASSWORD_RESET = "auth.password_reset"
AUTH_2FA_ENABLED = "auth.2fa_enabled"
AUTH_2FA_DISABLED = "auth.2fa_disabled"
AUTH_2FA_FAILED = "auth.2fa_failed"
AUTH_RECOVERY_CODE_USED = "auth.recovery_code_used"
AUTH_RECOVERY_CODES_RENEWED = "auth.recovery_codes_regenerated"
# Role changes and (de)activation keep the names they had before the security log.
ROLES_CHANGED = "user.roles"
ACCOUNT_DEACTIVATED = "user.deactivate"
ACCOUNT_REACTIVATED = "user.activate"
PERSON_VIEWED = "person.viewed"
EXPORT_PREFIX = "export."  # export.<what>, e.g. export.hours_ledger
EXPORT_REPORT = "export.report"
EXPORT_HOURS_LEDGER = "export.hours_ledger"
EXPORT_REFERRALS = "export.referrals"
EXPORT_COMMENDATIONS = "export.commendations"
EXPORT_CERTIFICATE = "export.certificate"

ACTIONS = {
    "user.create": _l("Account created"), "user.invite": _l("Staff invited"), "user.roles": _l("Roles changed"),
    "user.activate": _l("Account reactivated"), "user.deactivate": _l("Account deactivated"),
    "campaign.create": _l("Campaign created"), "campaign.update": _l("Campaign edited"),
    "campaign.staff": _l("Campaign staff changed"), "mail.retry": _l("Email sent again"),
    "module.create": _l("Module created"), "module.update": _l("Module edited"), "module.move": _l("Module moved"),
    "module.retire": _l("Module retired"), "module.restore": _l("Module restored"), "module.quiz": _l("Quiz edited"),
    "training.complete.single": _l("Training signed off (one)"),
    "training.complete.bulk": _l("Training signed off (bulk)"),
    "training.complete.session": _l("Training signed off (session)"),
    "training.complete.import": _l("Training signed off (sheet)"), "training.undo": _l("Sign-off undone"),
    "session.create": _l("Session scheduled"), "session.attendance": _l("Session attendance taken"),
    "shift_template.create": _l("Shift template created"), "shift.generate": _l("Shifts generated"),
    "shift.update": _l("Shift edited"), "shift.cancel": _l("Shift cancelled"),
    "shift.capacity_override": _l("Seat added over capacity"), "booking.add": _l("Volunteer added"),
    "booking.release": _l("Seat released"), "point.create": _l("Point created"), "point.update": _l("Point edited"),
    "attendance.check_in": _l("Checked in"), "attendance.check_out": _l("Checked out"),
    "attendance.no_show": _l("No-show recorded"), "attendance.task": _l("Task given"),
    "attendance.adjust": _l("Hours corrected"), "attendance.undo": _l("Change undone on Today"),
    "activity_log.save": _l("Activity log saved"), "activity_log.tally": _l("Activity counted (+1/−1)"),
    "activity_categories.save": _l("Activity categories edited"), "feedback.create": _l("Feedback recorded"),
    "feedback.status": _l("Feedback status changed"), "volunteer.rate": _l("Volunteer rated"),
    "certificate_rule.save": _l("Certificate rule saved"), "certificate.issue": _l("Certificates issued"),
    "certificate_paper.save": _l("Certificate paper and signatories saved"),
    "certificate.revoke": _l("Certificate revoked"), "certificate.reissue": _l("Certificate corrected"),
    "credential.issue": _l("Document issued"), "nomination.create": _l("Student nominated"),
    "recommendation.approved": _l("Nomination approved"), "recommendation.rejected": _l("Nomination not approved"),
    "referral.consent": _l("Consent to share answered"), "referral.send": _l("Referral sent to the host"),
    "referral.accepted": _l("Referral accepted by the host"), "referral.declined": _l("Referral declined by the host"),
    "commendation.award": _l("Commendation awarded"), "host.save": _l("Host organisation saved"),
    "staffing.call": _l("Volunteers called for a shift"), "referral.withdraw": _l("Referral withdrawn"),
    AUTH_LOGIN: _l("Signed in"), AUTH_LOGIN_FAILED: _l("Sign-in failed"), AUTH_LOCKOUT: _l("Sign-in locked"),
    AUTH_LOGOUT: _l("Signed out"), AUTH_SIGNOUT_EVERYWHERE: _l("Signed out everywhere"),
    AUTH_PASSWORD_CHANGED: _l("Password changed"), AUTH_PASSWORD_RESET: _l("Password reset"),
    AUTH_2FA_ENABLED: _l("Two-factor sign-in turned on"), AUTH_2FA_DISABLED: _l("Two-factor sign-in turned off"),
    AUTH_2FA_FAILED: _l("Wrong sign-in code"), AUTH_RECOVERY_CODE_USED: _l("Recovery code used"),
    AUTH_RECOVERY_CODES_RENEWED: _l("Recovery codes renewed"),
    PERSON_VIEWED: _l("Person's page viewed"), EXPORT_REPORT: _l("Report exported"),
    EXPORT_HOURS_LEDGER: _l("Hours ledger exported"), EXPORT_REFERRALS: _l("Referrals exported"),
    EXPORT_COMMENDATIONS: _l("Commendations exported"), EXPORT_CERTIFICATE: _l("Someone else's certificate downloaded"),
    "mail.resend": _l("A new link sent to the recipient"),
    "privacy.export": _l("Personal data exported"), "privacy.account_closed": _l("Account closed"),
    "consent.grant": _l("Consent given"), "consent.withdraw": _l("Consent withdrawn"),
    "privacy.account_reopened": _l("Account reopened"), "privacy.erased": _l("Personal data erased"),
    "privacy.request.open": _l("Data request received"), "privacy.request.acknowledge": _l("Data request answered"),
    "privacy.request.extend": _l("Data request deadline extended"),
    "privacy.request.assign": _l("Data request assigned"), "privacy.request.close": _l("Data request closed"),
    "privacy.request.export": _l("Export prepared for a data request"),
    "privacy.request.export_download": _l("Export downloaded for a data request"),
    "privacy.request.erase": _l("Erasure run for a data request"),
    "privacy.breach.record": _l("Suspected breach recorded"), "privacy.breach.notified": _l("Breach notified"),
    "privacy.breach.closed": _l("Breach record closed"),
    "board.post": _l("Team board post published"), "board.pin": _l("Team board post pinned"),
    "board.unpin": _l("Team board post unpinned"), "board.message": _l("Message sent to a shift's volunteers"),
    "reminders.settings": _l("Reminder times changed"), "booking_pause.lift": _l("Booking pause lifted"),
    "guides.point_choice": _l("Point's guides chosen"),
    "guide.create": _l("Guide written"), "guide.update": _l("Guide edited"),
    "guide.submit": _l("Guide sent for review"), "guide.publish": _l("Guide approved and published"),
    "guide.send_back": _l("Guide sent back to draft"), "guide.retire": _l("Guide retired"),
    "guide.restore": _l("Guide brought back as a draft"), "guide.image_add": _l("Picture added to a guide"),
    "guide.image_remove": _l("Picture removed from a guide"),
}
TARGETS = {
    "user": _l("Account"), "campaign": _l("Campaign"), "outbox_message": _l("Email"),
    "training_module": _l("Training module"),
    "training_completion": _l("Training sign-off"), "training_session": _l("Training session"),
    "shift_template": _l("Shift template"), "shift": _l("Shift"), "booking": _l("Booking"),
    "service_point": _l("Service point"), "attendance": _l("Attendance"), "activity_log": _l("Activity log"),
    "citizen_feedback": _l("Citizens' feedback"), "volunteer_rating": _l("Volunteer rating"),
    "credential": _l("Certificate"), "recommendation": _l("Referral or commendation"),
    "host_organisation": _l("Host organisation"), "report": _l("Report"),
    "data_request": _l("Data request"), "breach_record": _l("Breach record"), "data_export": _l("Data export"),
    "team_post": _l("Team board post"), "shift_message": _l("Message to a shift"),
    "guide": _l("Citizen guide"),
}

# The audit page's "kind" filter: the security log's groups, each a list of actions or prefixes.
KINDS = {
    "sign-ins": (_l("Sign-ins and sign-outs"), (AUTH_LOGIN, AUTH_LOGIN_FAILED, AUTH_LOCKOUT, AUTH_LOGOUT,
                                                  AUTH_SIGNOUT_EVERYWHERE)),
    "passwords": (_l("Passwords and two-factor sign-in"), (AUTH_PASSWORD_CHANGED, AUTH_PASSWORD_RESET, AUTH_2FA_ENABLED,
                                                         AUTH_2FA_DISABLED, AUTH_2FA_FAILED, AUTH_RECOVERY_CODE_USED,
                                                         AUTH_RECOVERY_CODES_RENEWED)),
    "roles": (_l("Roles and accounts"), (ROLES_CHANGED, ACCOUNT_DEACTIVATED, ACCOUNT_REACTIVATED, "user.invite",
                                         "user.create")),
    "exports": (_l("Exports"), (EXPORT_PREFIX,)),
    "views": (_l("Views of a person's page"), (PERSON_VIEWED,)),
    "privacy": (_l("Personal data requests, erasure and breaches"), ("privacy.",)),
}

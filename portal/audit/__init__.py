"""The audit trail: the one mechanism that records staff actions and security events. Its page, which
names people through accounts, is on the top floor (portal/home/routes_audit.py)."""

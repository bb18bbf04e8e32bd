"""The terms the processing register (register.py) is written in, and the kinds of data a person sees.

- `Column.erase`: what erasure does with the value on a kept row: KEEP, NULL, BLANK (''),
  PSEUDONYM (users.full_name/sort_name/email: a pseudonym such as "Tình nguyện viên #8F3K"),
  REDACT (JSON or text that may carry personal fields: remove them, keep the rest).
  `Table.on_erase`: KEEP_ROWS (apply each column's rule) or DELETE_ROWS (the person's rows go).
- `Column.export`: SHOW (the value), SECRET (only whether it is set: hashes, keys, tokens),
  FILE (bytes exported as a file, e.g. certificate PDFs), OMIT (not exported: the export itself).
- `Owner`: how a row belongs to the person it is about: `Owner.column` holds the person's id (or,
  with `Owner.match="email"`, their address), reached from the table through `Owner.hops`, each hop
  `(fk_column, next_table)`; `Owner.where` adds a fixed condition (audit events about a user).
- `GROUPS: dict[str, Group]`: the kinds of data a person sees ("account", "training"…), in order,
  each with its purpose, legal basis, audience and retention (lazy texts, translated when shown).
"""
from __future__ import annotations

from dataclasses import dataclass

from portal.i18n import lazy_text as _l

# What erasure does with a value on a row that stays.
KEEP, NULL, BLANK, PSEUDONYM, REDACT = "keep", "null", "blank", "pseudonym", "redact"
# What erasure does with the person's rows of a table.
KEEP_ROWS, DELETE_ROWS = "keep_rows", "delete_rows"
# How the export shows a value.
SHOW, SECRET, FILE, OMIT = "show", "secret", "file", "omit"

ERASE_LABELS = {
    KEEP: _l("kept"), NULL: _l("emptied"), BLANK: _l("emptied"), PSEUDONYM: _l("replaced by a pseudonym"),
    REDACT: _l("personal parts removed"), KEEP_ROWS: _l("rows kept without the name"), DELETE_ROWS: _l("rows deleted"),
}
DATA_KINDS = {
    "identity": _l("Name and identifiers"),
    "contact": _l("Contact details"),
    "education": _l("School and Youth Union chapter"),
    "preferences": _l("Language"),
    "security": _l("Sign-in and security data"),
    "consent": _l("Consent records"),
    "participation": _l("Participation records"),
    "evaluation": _l("Evaluations and comments"),
    "free_text": _l("Text written in the portal"),
    "link": _l("Who recorded or decided"),
    "technical": _l("Technical records (IP address, device)"),
    "host_contact": _l("Host organisations' contact people"),
    "place_preferences": _l("Preferred service points"),  # shift finder
}


@dataclass(frozen=True)
class Column:
    """One column: personal or not; if personal, its kind, erasure and export treatment."""

    personal: bool
    data: str | None = None  # a DATA_KINDS key
    erase: str = KEEP
    export: str = SHOW


@dataclass(frozen=True)
class Owner:
    """How a row reaches the person it is about: hops of (fk column, next table), then a column."""

    column: str
    hops: tuple[tuple[str, str], ...] = ()
    match: str = "id"  # the user attribute the final column holds: "id" or "email"
    where: tuple[tuple[str, str], ...] = ()  # fixed (column, value) conditions on the first table


@dataclass(frozen=True)
class Group:
    """A kind of data as a person and the privacy page see it."""

    label: object
    purpose: object
    basis: object
    audience: object
    retention: object
    consent: str | None = None  # the consent purpose it rests on, if any


@dataclass(frozen=True)
class Table:
    """A table: its group, whose rows they are, what erasure does, and every column."""

    name: str
    group: str | None  # a GROUPS key; None for tables holding no personal data
    columns: dict[str, Column]
    owner: Owner | None = None
    authors: tuple[str, ...] = ()
    on_erase: str = KEEP_ROWS

    def personal(self) -> dict[str, Column]:
        """The personal columns of this table."""
        return {n: c for n, c in self.columns.items() if c.personal}


NP = Column(False)


def P(data: str, erase: str = KEEP, export: str = SHOW) -> Column:
    """A personal column."""
    return Column(True, data, erase, export)


LINK = P("link")  # an actor's id: kept, points at a pseudonym after erasure
_PROGRAMME_BASIS = _l("Consent of the person (volunteer programme, at sign-up)")
_CAMPAIGN_END = _l("While the account exists; erased 30 days after the account is closed")

GROUPS: dict[str, Group] = {
    "account": Group(_l("Account"), _l("Identify you, sign you in, contact you about your shifts"),
                     _PROGRAMME_BASIS, _l("You; organisers; your team leaders and trainers see your name"),
                     _CAMPAIGN_END, "volunteer-programme"),
    "consents": Group(_l("Consents"), _l("Prove what you agreed to, and when you withdrew"),
                      _l("Legal obligation to prove consent"), _l("You; organisers"),
                      _l("As long as the account, then kept without your name"), None),
    "security": Group(_l("Sign-in and security"), _l("Keep your account safe"), _PROGRAMME_BASIS,
                      _l("You; nobody else sees these values"),
                      _l("Sessions end after at most 14 days; removed at erasure"), "volunteer-programme"),
    "enrolments": Group(_l("Campaigns and roles"), _l("Know which campaigns you take part in and in what role"),
                        _PROGRAMME_BASIS, _l("You; organisers"), _CAMPAIGN_END, "volunteer-programme"),
    "training": Group(_l("Training"), _l("Make sure volunteers are trained before they serve"),
                      _PROGRAMME_BASIS, _l("You; trainers and organisers of the campaign"), _CAMPAIGN_END,
                      "volunteer-programme"),
    "shifts": Group(_l("Shifts, attendance and hours"),
                    _l("Staff the service points, count hours for certificates and reports"), _PROGRAMME_BASIS,
                    _l("You; the point's team leaders; organisers"),
                    _l("Kept without your name after erasure, so the campaign's totals stay"), "volunteer-programme"),
    "ratings": Group(_l("Ratings about you"), _l("Recognise good work; inform commendations and referrals"),
                     _PROGRAMME_BASIS, _l("You; team leaders; organisers"),
                     _l("Comments removed at erasure; the score stays without your name"), "volunteer-programme"),
    "activity_logs": Group(_l("Activity logs you wrote"), _l("Report what the points did"), _PROGRAMME_BASIS,
                           _l("Team leaders and volunteers of the shift; organisers"),
                           _l("The counts stay; notes you wrote are removed at erasure"), "volunteer-programme"),
    "referrals": Group(_l("Referrals and commendations"),
                       _l("Consider you for internship referrals and commendations"),
                       _l("Your consent (internship referrals), and your agreement before anything is sent"),
                       _l("Organisers; the host only what you agreed to share"),
                       _l("Withdrawn and removed at erasure"), "referrals"),
    "certificates": Group(_l("Certificates"), _l("Issue certificates anyone can verify"), _PROGRAMME_BASIS,
                          _l("You; organisers; whoever you show the certificate to "
                             "(initials only without its QR code)"),
                          _l("Revoked and emptied at erasure"), "volunteer-programme"),
    "emails": Group(_l("Emails sent to you"), _l("Send confirmations, reminders and campaign news"),
                    _l("Consent (programme; campaign news only with the news consent)"),
                    _l("You; organisers see the outbox"), _l("Bodies removed after 90 days"), None),
    "audit": Group(_l("Security log entries about you"), _l("Trace who did what, and detect breaches"),
                   _l("Legal obligation to protect personal data"), _l("Organisers"),
                   _l("Personal fields removed after 2 years"), None),
    "requests": Group(_l("Your requests about your data"), _l("Answer your requests within the legal deadlines"),
                      _l("Legal obligation"), _l("You; organisers"), _l("Kept without your name after erasure"), None),
    "staff_work": Group(_l("Records you made as staff"), _l("Know who recorded or decided what"),
                        _l("Legal obligation to protect personal data"), _l("Organisers"),
                        _l("The records stay, linked to your pseudonym after erasure"), None),
    # Shift finder: the points whose shifts a student sees first.
    "shift_preferences": Group(_l("Preferred service points"),
                               _l("Shift finding: list the shifts at your preferred points first"),
                               _PROGRAMME_BASIS, _l("You only"), _l("Until you change them; removed at erasure"),
                               "volunteer-programme"),
    "notifications": Group(_l("Notices and devices"),
                           _l("Remind you of your shifts and tell you what changed, on the channels you chose"),
                           _PROGRAMME_BASIS, _l("You; a point's leader sees whether a message reached you"),
                           _l("Notices removed after 180 days; all removed at erasure"), "volunteer-programme"),
    "hosts": Group(_l("Host organisations' contacts"), _l("Send referrals to internship hosts"),
                   _l("The host organisation's agreement"), _l("Organisers"),
                   _l("While the host is listed"), None),
}


def entry(name, group, columns, owner=None, authors=(), on_erase=KEEP_ROWS) -> tuple[str, Table]:
    """One line of the register: (table name, its declaration)."""
    return name, Table(name, group, columns, owner, tuple(authors), on_erase)

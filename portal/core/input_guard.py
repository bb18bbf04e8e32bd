"""Refuse requests whose shape no page of ours sends, before any view reads them.

A field sent twice where one value is expected, a PHP-style `name[]` array, a file part where the
forms expect text, or an absurdly long query string would otherwise reach views that read the first
value, ignore the rest, or fail deep inside. They get a 400 page instead, and nothing is written.

Which fields may repeat is derived from the WTForms classes (SelectMultipleField and its checkbox
lists, FieldList) plus the few lists that views read with `getlist` (MULTI_VALUED_RAW); which
fields may carry a file, from the forms' FileFields.
"""
from __future__ import annotations

from functools import cache

from flask import request
from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest
from wtforms import FieldList, FileField, SelectMultipleField
from wtforms.fields.core import UnboundField

from portal.i18n import lazy_text as _l

# Checkbox lists that views read with request.form.getlist, without a form class.
MULTI_VALUED_RAW = frozenset({
    "user_id",   # training roster: the students to sign off in bulk
    "present",   # training session attendance: who came
    "shown",     # training session attendance: who was on the screen
})
MAX_QUERY_BYTES = 4096  # our longest real query (filters, a `next` address) is a few hundred bytes
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class BadInput(BadRequest):
    """A 400 with its own title and detail for the error page."""

    def __init__(self, title, detail):
        super().__init__()
        self.title, self.detail = title, detail


def _form_classes():
    """Every form class defined so far (all are imported with the blueprints)."""
    found, todo = [], [FlaskForm]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


@cache
def field_kinds() -> tuple[frozenset[str], frozenset[str]]:
    """(names that may carry several values, names that may carry a file), from the form classes."""
    multi, files = set(MULTI_VALUED_RAW), set()
    for cls in _form_classes():
        for name in dir(cls):
            unbound = getattr(cls, name, None)
            if not isinstance(unbound, UnboundField):
                continue
            if issubclass(unbound.field_class, (SelectMultipleField, FieldList)):
                multi.add(name)
            if issubclass(unbound.field_class, FileField):
                files.add(name)
    return frozenset(multi), frozenset(files)


def _refuse_bad_shapes(values, multi: frozenset[str]) -> None:
    """400 for `name[]` keys, and for a single-valued field sent more than once."""
    for key, sent in values.lists():
        if "[" in key or "]" in key:
            raise BadInput(_l("This form was sent in a shape the page does not accept"),
                           _l("Reload the page and fill in the form again. Nothing was saved."))
        if len(sent) > 1 and key not in multi and key.rsplit("-", 1)[-1] not in multi:  # "prefix-name" too
            raise BadInput(_l("A field was sent more than once"),
                           _l("Each box on this form takes one answer. Reload the page and fill in the form again. "
                              "Nothing was saved."))


def guard() -> None:
    """before_request hook: check the query string, the form fields and the file parts."""
    if len(request.query_string) > MAX_QUERY_BYTES:
        raise BadInput(_l("The web address is too long"),
                       _l("Go back, shorten what you searched for, and try again."))
    multi, files = field_kinds()
    _refuse_bad_shapes(request.args, multi)
    if request.method not in BODY_METHODS:
        return
    _refuse_bad_shapes(request.form, multi)
    _refuse_bad_shapes(request.files, frozenset())
    if any(name not in files for name in request.files):
        raise BadInput(_l("A file was sent where text was expected"),
                       _l("Type your answers in the boxes instead of attaching a file. Nothing was saved."))


def init_app(app) -> None:
    """Run the guard before every view (and before the access rules read anything)."""
    app.before_request(guard)

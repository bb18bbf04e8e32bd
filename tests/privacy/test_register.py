"""The processing register declares every table and column, and its owner paths find people's rows."""
from __future__ import annotations

from portal.extensions import db
from portal.operations.models import Attendance
from portal.privacy import register, register_terms
from portal.privacy.register_terms import (
    BLANK,
    DELETE_ROWS,
    FILE,
    KEEP,
    KEEP_ROWS,
    NULL,
    OMIT,
    PSEUDONYM,
    REDACT,
    SECRET,
    SHOW,
)
from tests.factories import point_builder, served


def test_every_column_of_every_table_is_declared(app):
    def declared(table):
        return register.TABLES.get(table.name, register_terms.Table(table.name, None, {})).columns

    undeclared = [f"{t.name}.{c.name}" for t in db.metadata.sorted_tables
                  for c in t.columns if c.name not in declared(t)]
    assert undeclared == [], "declare these in portal/privacy/register.py: " + ", ".join(undeclared)


def test_register_declares_no_column_that_does_not_exist(app):
    ghosts = [f"{name}.{col}" for name, t in register.TABLES.items() for col in t.columns
              if name not in db.metadata.tables or col not in db.metadata.tables[name].c]
    assert ghosts == []


def test_every_link_to_a_person_is_declared_personal(app):
    hidden = [f"{t.name}.{c.name}" for t in db.metadata.sorted_tables for c in t.columns
              if any(fk.target_fullname == "users.id" for fk in c.foreign_keys)
              and not register.TABLES[t.name].columns[c.name].personal]
    assert hidden == []


def test_personal_columns_say_kind_erasure_and_export(app):
    for name, t in register.TABLES.items():
        for col_name, col in t.personal().items():
            assert col.data in register_terms.DATA_KINDS, f"{name}.{col_name}"
            assert col.erase in (KEEP, NULL, BLANK, PSEUDONYM, REDACT), f"{name}.{col_name}"
            assert col.export in (SHOW, SECRET, FILE, OMIT), f"{name}.{col_name}"
        assert t.on_erase in (KEEP_ROWS, DELETE_ROWS)
        if t.personal():
            assert t.group in register_terms.GROUPS, name


def test_owner_paths_and_author_columns_name_real_columns(app):
    meta = db.metadata.tables
    for name, t in register.TABLES.items():
        for col in t.authors:
            assert col in meta[name].c and t.columns[col].personal, f"{name}.{col}"
        if t.owner:
            current = name
            for fk_column, next_table in t.owner.hops:
                assert any(fk.target_fullname == f"{next_table}.id" for fk in meta[current].c[fk_column].foreign_keys)
                current = next_table
            assert t.owner.column in meta[current].c, name


def test_a_column_holding_a_persons_id_gives_its_table_an_owner(app):
    for t in db.metadata.sorted_tables:
        if "user_id" in t.c:
            assert register.owner_path(t.name) is not None, t.name


def test_owned_ids_follow_joins_to_the_person(app, make_user, make_campaign):
    student, other = make_user(), make_user()
    campaign = make_campaign()
    point = point_builder()()
    served(campaign, point, student)
    served(campaign, point, other)

    mine = db.session.scalars(register.owned_ids("attendance", student)).all()
    assert len(mine) == 1
    assert db.session.get(Attendance, mine[0]).booking.user_id == student.id
    assert db.session.scalars(register.owned_ids("users", student)).all() == [student.id]


def test_every_personal_group_is_described_for_the_privacy_page(app):
    with app.test_request_context():
        for _key, group, _kinds in register.register_rows():
            for text in (group.label, group.purpose, group.basis, group.audience, group.retention):
                assert str(text)

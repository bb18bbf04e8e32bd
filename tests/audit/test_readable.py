"""The audit log reads as sentences do: people by name, each field's label, before → after, no JSON."""
from portal.audit import services as audit
from portal.extensions import db
from portal.home.audit_changes import label, show


def test_the_audit_page_shows_names_and_readable_changes(client, auth, make_user):
    admin = auth.as_(make_user(role="admin", full_name="Trần Thị Thu"))
    student = make_user(full_name="Nguyễn Văn Bình")
    audit.record(admin, "user.roles", "user", student.id, {"role_names": ["student"], "is_active_account": True},
                 {"role_names": ["student", "leader"], "is_active_account": False})
    audit.record(admin, "shift.update", "shift", 12, {"capacity": 3, "starts_at": "2026-01-05T01:30:00+00:00"},
                 {"capacity": 5, "starts_at": "2026-01-05T02:00:00+00:00"})
    audit.record(admin, "feedback.status", "citizen_feedback", 4, {"handled_by_id": None},
                 {"handled_by_id": student.id})
    db.session.commit()
    client.post("/language", data={"lang": "en"})
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert "Account: Nguyễn Văn Bình" in page  # the record, named
    assert "Roles" in page and "Team leader" in page and "Student volunteer" in page
    assert "Account active" in page and "<del>" in page and "<ins>" in page
    assert "Seats" in page and "05/01/2026 08:30" in page and "05/01/2026 09:00" in page  # Hanoi time
    assert "Handled by" in page and page.count("Nguyễn Văn Bình") >= 2
    events = page[page.index('id="audit-events"'):]
    assert "role_names" not in events and "starts_at" not in events and '{"' not in events and "&#34;" not in events


def test_names_on_a_page_of_events_take_one_query(client, auth, make_user, count_queries):
    admin = auth.as_(make_user(role="admin"))
    people = [make_user(full_name=f"Người Số {n}") for n in range(12)]
    for person in people:
        audit.record(admin, "user.deactivate", "user", person.id, {"is_active_account": True},
                     {"is_active_account": False})
    db.session.commit()
    client.get("/admin/audit/")
    with count_queries() as few:
        client.get("/admin/audit/")
    for person in people[:3]:
        audit.record(admin, "user.activate", "user", person.id, {"is_active_account": False},
                     {"is_active_account": True})
    db.session.commit()
    with count_queries() as more:
        page = client.get("/admin/audit/").get_data(as_text=True)
    assert more.n == few.n and all(p.full_name in page for p in people)


def test_a_value_is_shown_in_words():
    assert label("max_seats") == "Max seats" and show(None) == "—" and show([]) == "—"
    assert show(7, "user_id", {7: "Lê Thu Cúc"}) == "Lê Thu Cúc" and show(8, "user_id", {}) == "#8"

"""The htmx contract: fragments for htmx requests only, Vary on every response."""


def test_fragment_has_no_html_shell_and_carries_its_root_id(client, auth, make_user):
    auth.as_(make_user(role="admin"))
    response = client.get("/admin/people", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="people-table"' in body
    assert "HX-Request" in response.headers["Vary"]


def test_same_url_without_htmx_is_the_whole_page(client, auth, make_user):
    auth.as_(make_user(role="admin"))
    response = client.get("/admin/people")
    body = response.get_data(as_text=True)
    assert "<html" in body and 'id="people-table"' in body
    assert "HX-Request" in response.headers["Vary"]


def test_boosted_and_history_restore_requests_get_the_whole_page(client, auth, make_user):
    auth.as_(make_user(role="admin"))
    for extra in ({"HX-Boosted": "true"}, {"HX-History-Restore-Request": "true"}):
        response = client.get("/admin/people", headers={"HX-Request": "true", **extra})
        assert "<html" in response.get_data(as_text=True), extra


def test_vary_is_sent_on_public_pages_too(client):
    assert "HX-Request" in client.get("/").headers["Vary"]


def test_error_for_htmx_request_is_a_fragment(client, auth, make_user):
    auth.as_(make_user(role="admin"))
    response = client.get("/admin/outbox/123456", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<html" not in body and 'id="error-404"' in body
    assert response.headers["HX-Retarget"] == "#htmx-errors"  # shown in the page's error region

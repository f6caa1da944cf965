"""Staff login and logout."""

from flask.sessions import SecureCookieSessionInterface

from consultplatform.models import AuditLog, StaffUser
from tests.conftest import get_csrf, login, make_staff

PASSWORD = "correct horse battery"


def _post_login(client, email, password, **extra):
    data = {"csrf_token": get_csrf(client), "email": email, "password": password}
    data.update(extra)
    return client.post("/auth/login", data=data)


def test_login_page_is_labelled(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert '<label for="email">' in html and '<label for="password">' in html
    assert 'autocomplete="current-password"' in html


def test_login_records_last_login_and_audit(app, client):
    user = make_staff("admin")
    response = _post_login(client, user.email.upper(), PASSWORD)  # e-mail is case-insensitive
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    assert StaffUser.get_by_id(user.id).last_login_at is not None
    assert AuditLog.get(AuditLog.action == "login").actor_id == user.id
    assert client.get("/admin/").status_code == 200


def test_bad_credentials_get_one_generic_message(app, client):
    client.set_cookie("lang", "en")
    user = make_staff("admin")
    wrong_password = _post_login(client, user.email, "wrong password here")
    unknown_user = _post_login(client, "nobody@example.org", PASSWORD)
    for response in (wrong_password, unknown_user):
        assert response.status_code == 401
        assert "The e-mail address or password is not correct." in response.get_data(as_text=True)
    assert AuditLog.select().where((AuditLog.action == "login")
                                   & (AuditLog.result == "denied")).count() == 2
    assert client.get("/admin/").status_code == 302


def test_inactive_account_cannot_log_in(app, client):
    user = make_staff("admin")
    user.active = False
    user.save()
    assert _post_login(client, user.email, PASSWORD).status_code == 401


def test_login_without_csrf_token_is_refused(app, client):
    user = make_staff("admin")
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_invalid_login_form_is_400_and_keeps_the_email(app, client):
    client.set_cookie("lang", "en")
    response = _post_login(client, "someone@example.org", "")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="someone@example.org"' in html
    assert 'href="#password"' in html  # the error summary links to the field


def test_session_is_renewed_at_login(app, client):
    user = make_staff("admin")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    login(client, user)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{user.id}:")


def _session_cookie(app, client):
    return client.get_cookie("session").value


def test_logout_ends_the_session_server_side(app):
    user = make_staff("admin")
    client = app.test_client()
    login(client, user)
    stolen = _session_cookie(app, client)
    assert client.get("/auth/logout").status_code == 405  # logging out is a POST with CSRF
    token = get_csrf(client, "/admin/")
    response = client.post("/auth/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert client.get("/admin/").status_code == 302

    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert SecureCookieSessionInterface().get_signing_serializer(app).loads(stolen)["_user_id"]
    assert replay.get("/admin/").status_code == 302  # the old cookie no longer logs in


def test_changing_the_password_ends_other_sessions(app):
    user = make_staff("admin")
    client = app.test_client()
    login(client, user)
    user = StaffUser.get_by_id(user.id)
    user.set_password("a brand new password")
    user.save()
    assert client.get("/admin/").status_code == 302


def test_next_only_goes_to_this_site(app, client):
    user = make_staff("admin")
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        fresh = app.test_client()
        response = _post_login(fresh, user.email, PASSWORD, next=target)
        assert response.headers["Location"] == "/admin/", target
    response = _post_login(client, user.email, PASSWORD, next="/admin/theme/")
    assert response.headers["Location"] == "/admin/theme/"


def test_login_attempts_are_rate_limited(app, client):
    client.set_cookie("lang", "en")
    statuses = [_post_login(client, "nobody@example.org", "guess number").status_code
                for _ in range(11)]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    blocked = _post_login(client, "nobody@example.org", "guess number")
    assert "Too many attempts" in blocked.get_data(as_text=True)
    assert client.get("/auth/login").status_code == 200  # reading the page is not limited

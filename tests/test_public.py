"""Public skeleton: consultations, sessions, language, statements, errors, security.txt."""

import datetime as dt
import re

from consultplatform.models import SitePage
from consultplatform.testing import factories
from tests.conftest import get_csrf


def test_home_lists_only_published_and_closed(app, client):
    factories.consultation(title="Openbaar traject", status="published")
    factories.consultation(title="Afgerond traject", status="closed")
    factories.consultation(title="Concept traject", status="draft")
    factories.consultation(title="Archief traject", status="archived")
    html = client.get("/").get_data(as_text=True)
    assert "Openbaar traject" in html and "Afgerond traject" in html
    assert "Concept traject" not in html and "Archief traject" not in html


def test_consultation_page_lists_sessions_with_places_left(app, client):
    client.set_cookie("lang", "en")
    parent = factories.consultation(slug="ondernemers")
    start = dt.datetime(2031, 3, 14, 19, 30)
    full = factories.session(parent, title="Volle sessie", capacity=1, starts_at=start,
                             ends_at=start + dt.timedelta(hours=2))
    factories.session(parent, title="Ruime sessie", capacity=10, starts_at=start,
                      ends_at=start + dt.timedelta(hours=2))
    factories.session(parent, title="Afgelaste sessie", status="cancelled")
    factories.registration(factories.participant(parent), full, status="confirmed")
    html = client.get("/c/ondernemers").get_data(as_text=True)
    assert "Volle sessie" in html and "Ruime sessie" in html
    assert "Afgelaste sessie" not in html
    assert "Full – waiting list" in html
    assert "10 places left" in html
    assert "Friday 14 March 2031, 19:30" in html and "21:30" in html


def test_dates_in_dutch(app, client):
    parent = factories.consultation(slug="datums")
    start = dt.datetime(2031, 3, 14, 19, 30)
    factories.session(parent, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    html = client.get("/c/datums").get_data(as_text=True)
    assert "vrijdag 14 maart 2031, 19:30" in html


def test_draft_and_unknown_consultations_are_404(app, client):
    factories.consultation(slug="geheim", status="draft")
    assert client.get("/c/geheim").status_code == 404
    assert client.get("/c/bestaat-niet").status_code == 404
    assert client.get("/c/" + "x" * 500).status_code == 404


def test_language_switch_is_a_post_with_csrf(app, client):
    assert client.post("/taal", data={"lang": "en", "next": "/"}).status_code == 400
    token = get_csrf(client, "/")
    response = client.post("/taal", data={"csrf_token": token, "lang": "en", "next": "/privacy"})
    assert response.status_code == 303 and response.headers["Location"] == "/privacy"
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html and "Skip to main content" in html
    response = client.post("/taal", data={"csrf_token": token, "lang": "nl",
                                          "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert '<html lang="nl">' in client.get("/").get_data(as_text=True)


def test_unknown_language_is_refused(app, client):
    token = get_csrf(client, "/")
    response = client.post("/taal", data={"csrf_token": token, "lang": "xx" * 5000})
    assert response.status_code == 400
    assert "Deze taal wordt niet aangeboden." in response.get_data(as_text=True)
    assert '<html lang="nl">' in client.get("/").get_data(as_text=True)


def test_accessibility_and_privacy_pages_in_both_languages(app, client):
    html = client.get("/toegankelijkheid").get_data(as_text=True)
    assert "<h1>Toegankelijkheidsverklaring</h1>" in html and "WCAG 2.1" in html
    client.set_cookie("lang", "en")
    assert "<h1>Accessibility statement</h1>" in client.get("/toegankelijkheid").get_data(
        as_text=True)
    assert "<h1>Privacy statement</h1>" in client.get("/privacy").get_data(as_text=True)


def test_site_page_text_is_admin_edited_and_cleaned(app, client):
    page = SitePage.get(SitePage.slug == "privacy")
    page.body_nl = '<p>Onze <a href="https://example.org">regels</a></p><script>alert(1)</script>' \
                   '<img src=x onerror=alert(1)>'
    page.save()
    html = client.get("/privacy").get_data(as_text=True)
    assert '<a href="https://example.org" rel="noopener noreferrer">regels</a>' in html
    assert "<script>alert" not in html and "onerror" not in html


def test_error_pages_in_both_languages(app, client):
    response = client.get("/bestaat/niet")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.get_data(as_text=True)
    client.set_cookie("lang", "en")
    assert "Page not found" in client.get("/bestaat/niet").get_data(as_text=True)
    response = client.put("/")
    assert response.status_code == 405 and "Not allowed" in response.get_data(as_text=True)


def test_500_page_in_both_languages(app):
    @app.get("/test-crash")
    def crash():
        raise RuntimeError("broken on purpose")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    response = client.get("/test-crash")
    assert response.status_code == 500
    assert "Er is iets misgegaan" in response.get_data(as_text=True)
    client.set_cookie("lang", "en")
    assert "Something went wrong" in client.get("/test-crash").get_data(as_text=True)


def test_security_txt(app, client):
    app.config["SECURITY_CONTACT"] = "mailto:cert@gemeente.example"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "Contact: mailto:cert@gemeente.example" in text
    expires = re.search(r"Expires: (\S+)Z", text).group(1)
    assert dt.datetime.fromisoformat(expires) > dt.datetime.now() + dt.timedelta(days=30)


def test_security_headers(app, client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_landmarks_and_skip_link(app, client):
    html = client.get("/").get_data(as_text=True)
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html and "<header" in html and "<footer" in html
    assert html.count("<h1") == 1

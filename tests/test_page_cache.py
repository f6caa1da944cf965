"""Cached public pages (home, a consultation's page) and the content revisions they
are keyed by: a change shows at once, browsers revalidate with an ETag, and
nothing personal is kept."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from consultplatform import timezone
from consultplatform.models import (
    Consultation,
    ConsultationQuestion,
    ConsultationSession,
    Insight,
    InsightTheme,
    Theme,
)
from consultplatform.revisions import PUBLIC_SCOPE, insights_scope, revision
from consultplatform.testing import count_queries, csrf_from, factories


def _changes(scope: str, write) -> bool:
    before = revision(scope)
    write()
    return revision(scope) != before


def test_every_write_to_what_public_pages_show_renews_the_public_revision(app):
    parent = factories.consultation()
    sector = factories.sector(parent)
    meeting = factories.session(parent)
    writes = [
        lambda: factories.consultation(),
        lambda: Consultation.update(title="Nieuw").where(Consultation.id == parent.id).execute(),
        lambda: factories.sector(parent),
        lambda: sector.__class__.update(name="Andere naam").where(
            sector.__class__.id == sector.id).execute(),
        lambda: factories.session(parent),
        lambda: ConsultationSession.update(capacity=3).where(
            ConsultationSession.id == meeting.id).execute(),
        lambda: ConsultationQuestion.create(consultation=parent, label_nl="Hoe gehoord?"),
        lambda: ConsultationQuestion.update(required=True).where(
            ConsultationQuestion.consultation == parent.id).execute(),
        lambda: ConsultationQuestion.delete().where(
            ConsultationQuestion.consultation == parent.id).execute(),
        lambda: meeting.delete_instance(),
        lambda: sector.delete_instance(),
    ]
    for write in writes:
        assert _changes(PUBLIC_SCOPE, write)


def test_insight_writes_renew_their_consultations_revision_only(app):
    parent, other = factories.consultation(), factories.consultation()
    meeting = factories.session(parent)
    theme = Theme.create(consultation=parent, name="Arbeidsmarkt")
    scope = insights_scope(parent.id)
    insight = Insight.create(session=meeting, text="Een inzicht", category="ambities")
    untouched = revision(insights_scope(other.id))
    writes = [
        lambda: Insight.create(session=meeting, text="Nog een", category="barrieres"),
        lambda: Insight.update(weight=3).where(Insight.id == insight.id).execute(),
        lambda: InsightTheme.create(insight=insight, theme=theme),
        lambda: InsightTheme.delete().where(InsightTheme.insight == insight.id).execute(),
        lambda: Theme.update(name="Werk").where(Theme.id == theme.id).execute(),
        lambda: factories.sector(parent),
        lambda: ConsultationSession.update(status="cancelled").where(
            ConsultationSession.id == meeting.id).execute(),
        lambda: insight.delete_instance(),
    ]
    for write in writes:
        assert _changes(scope, write)
    assert revision(insights_scope(other.id)) == untouched


def test_a_row_moved_to_another_consultation_renews_both(app):
    first, second = factories.consultation(), factories.consultation()
    here, there = factories.session(first), factories.session(second)
    insight = Insight.create(session=here, text="Verhuist", category="ambities")
    scopes = [insights_scope(first.id), insights_scope(second.id)]
    before = [revision(scope) for scope in scopes]
    Insight.update(session=there).where(Insight.id == insight.id).execute()
    after = [revision(scope) for scope in scopes]
    assert after[0] != before[0] and after[1] != before[1]
    ConsultationSession.update(consultation=first).where(
        ConsultationSession.id == there.id).execute()
    moved_back = [revision(scope) for scope in scopes]
    assert moved_back[0] != after[0] and moved_back[1] != after[1]


def _statements(client, url: str, **kwargs) -> tuple[object, list[str]]:
    with count_queries() as counted:
        response = client.get(url, **kwargs)
    return response, counted.statements


def test_home_is_served_from_the_cache_and_shows_a_change_at_once(app, client):
    parent = factories.consultation(title="Eerste titel")
    assert "Eerste titel" in client.get("/").get_data(as_text=True)
    response, statements = _statements(client, "/")
    assert "Eerste titel" in response.get_data(as_text=True)
    assert not any("consultation" in sql.lower() for sql in statements), statements
    Consultation.update(title="Tweede titel").where(Consultation.id == parent.id).execute()
    html = client.get("/").get_data(as_text=True)
    assert "Tweede titel" in html and "Eerste titel" not in html


def test_the_consultation_page_follows_fill_level_and_session_changes(app, client):
    client.set_cookie("lang", "en")
    parent = factories.consultation(slug="vol")
    meeting = factories.session(parent, title="Kleine sessie", capacity=2)
    assert "2 places left" in client.get("/c/vol").get_data(as_text=True)
    response, statements = _statements(client, "/c/vol")
    assert "2 places left" in response.get_data(as_text=True) and len(statements) <= 2
    factories.registration(factories.participant(parent), meeting)
    assert "1 place left" in client.get("/c/vol").get_data(as_text=True)
    ConsultationSession.update(title="Grote sessie", capacity=40).where(
        ConsultationSession.id == meeting.id).execute()
    html = client.get("/c/vol").get_data(as_text=True)
    assert "Grote sessie" in html and "39 places left" in html


def test_the_consultation_page_follows_the_clock(app, client, monkeypatch):
    """Registration closing is no change in the database, but the page changes."""
    client.set_cookie("lang", "en")
    parent = factories.consultation(slug="klok")
    now = timezone.now_local()
    factories.session(parent, title="Sessie", registration_closes_at=now + dt.timedelta(hours=1))
    assert "Sign up for Sessie" in client.get("/c/klok").get_data(as_text=True)
    monkeypatch.setattr(timezone, "now_local", lambda: now + dt.timedelta(hours=2))
    html = client.get("/c/klok").get_data(as_text=True)
    assert "Registration closed" in html and "Sign up for Sessie" not in html


def test_browsers_revalidate_with_the_etag(app, client):
    factories.consultation(slug="etag", title="Met ETag")
    first = client.get("/c/etag")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert first.headers["Last-Modified"] and "Cookie" in first.headers["Vary"]
    again, statements = _statements(client, "/c/etag", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and len(statements) <= 2
    assert again.headers["ETag"] == etag
    Consultation.update(title="Gewijzigd").where(Consultation.slug == "etag").execute()
    changed = client.get("/c/etag", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Gewijzigd" in changed.get_data(as_text=True)
    # Another visitor's copy is never confirmed with this visitor's tag: its token differs.
    stranger = app.test_client()
    stranger.get("/c/etag")
    assert stranger.get("/c/etag", headers={"If-None-Match": etag}).status_code == 200


def test_every_visitor_gets_their_own_working_csrf_token(app):
    factories.consultation(slug="tokens")
    first, second = app.test_client(), app.test_client()
    tokens = [csrf_from(c.get("/c/tokens").get_data(as_text=True)) for c in (first, second)]
    assert tokens[0] != tokens[1] and all(tokens)
    assert not re.search(r"cp-csrf-[0-9a-f]{32}", first.get("/c/tokens").get_data(as_text=True))
    for client, token in zip((first, second), tokens, strict=True):
        response = client.post("/taal", data={"csrf_token": token, "lang": "en", "next": "/"})
        assert response.status_code == 303


def test_invitations_and_flash_messages_are_never_cached(app, client):
    parent = factories.consultation(slug="uitnodiging")
    factories.session(parent, title="Openbare sessie")
    factories.session(parent, title="Besloten sessie", audience="invite", invite_token="geheim123")
    invited = client.get("/c/uitnodiging?uitnodiging=geheim123").get_data(as_text=True)
    assert "Besloten sessie" in invited
    stranger = app.test_client()
    assert "Besloten sessie" not in stranger.get("/c/uitnodiging").get_data(as_text=True)
    with client.session_transaction() as state:
        state["_flashes"] = [("info", "Alleen voor u bestemd")]
    assert "Alleen voor u bestemd" in client.get("/c/uitnodiging").get_data(as_text=True)
    assert "Alleen voor u bestemd" not in stranger.get("/c/uitnodiging").get_data(as_text=True)
    assert "Alleen voor u bestemd" not in client.get("/c/uitnodiging").get_data(as_text=True)


@pytest.mark.parametrize("slug", ["bestaat-niet", "concept"])
def test_unknown_and_draft_consultations_stay_404(app, client, slug):
    factories.consultation(slug="concept", status="draft")
    assert client.get(f"/c/{slug}").status_code == 404
    assert client.get(f"/c/{slug}").status_code == 404


def _signup_fields(html: str) -> dict:
    from consultplatform.testing.html import FormParser

    parser = FormParser()
    parser.feed(html)
    form = next(f for f in parser.forms if f["attrs"].get("action", "").endswith("/aanmelden"))
    return {f["name"]: f["value"] for f in form["fields"]}


def test_the_sign_up_form_is_cached_and_its_token_works_for_every_visitor(app):
    from consultplatform.models import Registration, SessionQuestion

    parent = factories.consultation(slug="formulier")
    meeting = factories.session(parent, title="Bijeenkomst")
    first, second = app.test_client(), app.test_client()
    url = f"/c/formulier/aanmelden?sessie={meeting.id}"
    assert first.get(url).status_code == 200
    response, statements = _statements(second, url)
    assert response.status_code == 200 and len(statements) <= 2, statements
    fields = _signup_fields(response.get_data(as_text=True))
    assert fields["sessions"] == str(meeting.id)  # the ?sessie= choice, ticked
    fields.update(name="Tweede Bezoeker", email="tweede@example.org", sector="none",
                  side="government", privacy="y")
    assert second.post("/c/formulier/aanmelden", data=fields).status_code == 303
    assert Registration.select().count() == 1

    SessionQuestion.create(session=meeting, label_nl="Wat wilt u bespreken?")
    assert "Wat wilt u bespreken?" in second.get(url).get_data(as_text=True)
    ConsultationQuestion.create(consultation=parent, label_nl="Hoe heeft u ons gevonden?")
    assert "Hoe heeft u ons gevonden?" in second.get(url).get_data(as_text=True)


def test_the_sign_up_form_follows_the_clock_and_invitations_stay_uncached(app, client,
                                                                           monkeypatch):
    parent = factories.consultation(slug="klokformulier")
    now = timezone.now_local()
    factories.session(parent, title="Vroege sessie",
                      registration_closes_at=now + dt.timedelta(hours=1))
    factories.session(parent, title="Late sessie")
    factories.session(parent, title="Besloten sessie", audience="invite", invite_token="abc123")
    html = client.get("/c/klokformulier/aanmelden").get_data(as_text=True)
    assert "Vroege sessie" in html and "Besloten sessie" not in html
    invited = client.get("/c/klokformulier/aanmelden?uitnodiging=abc123")
    assert "Besloten sessie" in invited.get_data(as_text=True)
    assert "Besloten sessie" not in client.get("/c/klokformulier/aanmelden").get_data(
        as_text=True)
    monkeypatch.setattr(timezone, "now_local", lambda: now + dt.timedelta(hours=2))
    html = client.get("/c/klokformulier/aanmelden").get_data(as_text=True)
    assert "Vroege sessie" not in html and "Late sessie" in html


def test_transactions_renewing_scopes_in_opposite_orders_do_not_deadlock(app):
    """One renews a consultation's insights scope, then the public one; the other the
    other way round (through rows of their own, so only the revisions are shared); at
    once, many times, on real connections."""
    import threading

    from consultplatform.db import db, write_transaction

    parent = factories.consultation()
    meetings = [factories.session(parent), factories.session(parent)]
    themes = [Theme.create(consultation=parent, name=f"Werk {n}") for n in range(2)]
    db.close()
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work(own: int) -> None:
        theme, meeting = themes[own], meetings[own]
        try:
            for n in range(30):
                start.wait(10)
                with db.connection_context(), write_transaction():
                    writes = [lambda n=n: Theme.update(position=n).where(Theme.id == theme.id)
                              .execute(),
                              lambda n=n: ConsultationSession.update(capacity=n + 1).where(
                                  ConsultationSession.id == meeting.id).execute()]
                    for write in writes if own == 0 else reversed(writes):
                        write()
        except BaseException as exc:  # reported below
            errors.append(exc)
            start.abort()

    threads = [threading.Thread(target=work, args=(own,)) for own in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert [ConsultationSession.get_by_id(m.id).capacity for m in meetings] == [30, 30]


@pytest.mark.parametrize("query", ["?sessie=abc", "?sessie=999999", "?sessie=1&sessie=2",
                                   "?&&", "?sessie=1&x=2", "?SESSIE=1"])
def test_odd_query_strings_are_answered_but_never_kept(app, client, query):
    from consultplatform.cache import cache

    parent = factories.consultation(slug="vreemd")
    factories.session(parent, title="Sessie")
    with app.app_context():
        before = len(cache()._memory)
    for path in ("/", "/c/vreemd", "/c/vreemd/aanmelden"):
        response = client.get(path + query)
        assert response.status_code in (200, 404)
        assert "ETag" not in response.headers
    with app.app_context():
        assert len(cache()._memory) == before


def test_a_new_release_does_not_read_what_an_older_one_kept(app, client):
    from consultplatform.cache import cache

    factories.consultation(title="Oude opmaak")
    first = client.get("/")
    with app.app_context():
        cache().release = "a-newer-release"
    second = client.get("/")
    assert second.headers["ETag"] != first.headers["ETag"]

"""A draft consultation previewed by staff (issue 11, point 5): the page participants
will see, under a "concept" banner, for staff who may see that consultation only."""

from __future__ import annotations

from consultplatform.testing import choose_consultation, factories, login, make_staff


def _draft():
    draft = factories.consultation(title="Retailvisie Centrum Emmeloord", slug="emmeloord",
                                   status="draft", retention_until=None)
    factories.session(draft, title="Expertarena Detailhandel")
    return draft


def test_staff_preview_a_draft_under_a_concept_banner(app, admin_client):
    draft = _draft()
    response = admin_client.get(f"/c/{draft.slug}/voorbeeld")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "notice-preview" in html and "Concept" in html and "Voorbeeld voor medewerkers" in html
    assert "Expertarena Detailhandel" in html
    assert "/aanmelden" not in html  # no sign-up from a preview
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Robots-Tag"] == "noindex"


def test_the_public_and_other_staff_do_not_see_a_draft(app, client):
    draft = _draft()
    assert client.get(f"/c/{draft.slug}").status_code == 404
    assert client.get(f"/c/{draft.slug}/voorbeeld").status_code == 404
    assert client.get("/c/bestaat-niet/voorbeeld").status_code == 404
    login(client, make_staff("moderator"))
    # A moderator who moderates nothing in it: as if it did not exist.
    assert client.get(f"/c/{draft.slug}/voorbeeld").status_code == 404


def test_the_dashboard_and_the_list_link_to_the_preview(app, admin_client):
    draft = _draft()
    choose_consultation(admin_client, draft)
    assert f"/c/{draft.slug}/voorbeeld" in admin_client.get("/admin/").get_data(as_text=True)
    listing = admin_client.get("/admin/consultation/").get_data(as_text=True)
    assert f"/c/{draft.slug}/voorbeeld" in listing


"""The analysis's aggregates are cached per consultation and arena, and a new
insight, a changed theme link, a renamed theme or sector shows at once."""

from __future__ import annotations

from consultplatform.api import Insight, InsightTheme, Sector, Theme, insights_scope, revision
from consultplatform.testing import count_queries, factories, login, make_staff

from . import helpers


def _page(client, url: str) -> tuple[str, list[str]]:
    with count_queries() as counted:
        response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True), counted.statements


def _aggregates(statements: list[str]) -> list[str]:
    return [sql for sql in statements if "GROUP BY" in sql.upper() and "insight" in sql.lower()]


def test_the_analysis_is_served_from_the_cache_until_its_insights_change(app):
    parent = helpers.consultation()
    farm = factories.sector(parent, "Landbouw")
    (labour,) = helpers.themes(parent, "Arbeidsmarkt")
    arena = helpers.arena(parent, sectors=(farm,))
    for _ in range(3):
        helpers.insight(arena, farm, "ambities", [labour])
    client = app.test_client()
    login(client, make_staff("viewer"))
    url = f"/admin/expertarena-analyse/c/{parent.id}/"

    first, statements = _page(client, url)
    assert _aggregates(statements)
    again, statements = _page(client, url)
    assert again.count("Arbeidsmarkt") == first.count("Arbeidsmarkt")
    assert not _aggregates(statements), "the counts were not taken from the cache"

    insight = helpers.insight(arena, farm, "ambities", [labour], text="Nieuw inzicht")
    changed, statements = _page(client, url)
    assert _aggregates(statements) and ">4<" in changed.replace(" ", "")

    InsightTheme.delete().where(InsightTheme.insight == insight.id).execute()
    unlinked, _ = _page(client, url)
    assert ">3<" in unlinked.replace(" ", "")

    Theme.update(name="Vakmensen").where(Theme.id == labour.id).execute()
    Sector.update(name="Akkerbouw").where(Sector.id == farm.id).execute()
    renamed, _ = _page(client, url)
    assert "Vakmensen" in renamed and "Akkerbouw" in renamed and "Arbeidsmarkt" not in renamed

    Insight.delete().where(Insight.id == insight.id).execute()
    _, statements = _page(client, url)
    assert _aggregates(statements)


def test_another_consultations_insights_leave_the_cache_alone(app):
    parent, other = helpers.consultation(), helpers.consultation()
    farm, elsewhere = factories.sector(parent, "Landbouw"), factories.sector(other, "Bouw")
    arena = helpers.arena(parent, sectors=(farm,))
    helpers.insight(arena, farm, "ambities")
    client = app.test_client()
    login(client, make_staff("viewer"))
    url = f"/admin/expertarena-analyse/c/{parent.id}/"
    _page(client, url)
    helpers.insight(helpers.arena(other, sectors=(elsewhere,)), elsewhere, "barrieres")
    _, statements = _page(client, url)
    assert not _aggregates(statements)


def test_the_heatmap_and_an_arenas_page_follow_a_new_insight(app):
    parent = helpers.consultation()
    farm = factories.sector(parent, "Landbouw")
    (labour,) = helpers.themes(parent, "Arbeidsmarkt")
    arena = helpers.arena(parent, sectors=(farm,))
    helpers.insight(arena, farm, "ambities", [labour])
    client = app.test_client()
    login(client, make_staff("viewer"))
    heatmap = f"/admin/expertarena-analyse/c/{parent.id}/heatmap.svg"
    arena_page = f"/admin/expertarena-analyse/arena/{arena.id}/"
    assert "De meeste: 1 inzicht over" in client.get(heatmap).get_data(as_text=True)
    client.get(arena_page)
    helpers.insight(arena, farm, "ambities", [labour])
    assert "De meeste: 2 inzichten over" in client.get(heatmap).get_data(as_text=True)
    assert ">2<" in client.get(arena_page).get_data(as_text=True).replace(" ", "")


def test_an_arenas_sectors_renew_its_sign_up_form_and_analysis(app, client):
    """The plugin's cp_content_revisions: its arena sector table renews the public and
    the insights revisions, so the cached sign-up form says at once whom an arena is for."""
    from consultplatform_expertarena.models import ExpertarenaArenaSector

    parent = helpers.consultation(slug="arena-sectoren")
    farm, shop = factories.sector(parent, "Landbouw"), factories.sector(parent, "Detailhandel")
    arena = helpers.arena(parent, sectors=(farm, shop))
    url = f"/c/{parent.slug}/aanmelden"
    before = client.get(url).get_data(as_text=True)
    assert "Landbouw" in before and "Detailhandel" in before
    public = revision("public")
    insights = revision(insights_scope(parent.id))
    ExpertarenaArenaSector.delete().where((ExpertarenaArenaSector.session == arena.id)
                                          & (ExpertarenaArenaSector.sector == shop.id)).execute()
    assert revision("public") != public and revision(insights_scope(parent.id)) != insights
    after = client.get(url).get_data(as_text=True)
    assert after != before
    assert after.count("Detailhandel") < before.count("Detailhandel")

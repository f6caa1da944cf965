"""Themes: merging moves every insight to the theme that stays, keeps the matrix
totals, is audit-logged, and works while the plugin is switched off."""

from __future__ import annotations

import pytest
from peewee import IntegrityError

from consultplatform.api import AuditLog, Insight, InsightTheme, Theme, ThemeMergeError, db, merge_themes
from consultplatform.api import plugin_registry as registry
from consultplatform.testing import csrf_from, factories, login, make_staff
from consultplatform_expertarena.analysis import Scope, load_matrix
from consultplatform_expertarena.models import ExpertarenaThemeProposal

from . import helpers


@pytest.fixture
def data(app):
    parent = helpers.consultation()
    farm, shop = factories.sector(parent, "Landbouw"), factories.sector(parent, "Detailhandel")
    work, jobs, housing = helpers.themes(parent, "Arbeidsmarkt", "Werk", "Huisvesting")
    session = helpers.arena(parent, sectors=(farm, shop))
    helpers.insight(session, farm, "ambities", [work])
    helpers.insight(session, farm, "barrieres", [jobs])
    helpers.insight(session, shop, "barrieres", [work, jobs])  # both: one link after
    helpers.insight(session, shop, "ambities", [jobs, housing])
    helpers.insight(session, shop, "belevingswereld", [])
    return {"consultation": parent, "sectors": (farm, shop), "work": work, "jobs": jobs,
            "housing": housing}


def _merge_page(client, theme: Theme) -> str:
    response = client.get(f"/admin/theme/merge/?id={theme.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_merging_keeps_every_insight_and_the_matrix_totals(app, data):
    parent, work, jobs = data["consultation"], data["work"], data["jobs"]
    before = load_matrix(Scope(parent))
    insights_before = sorted(i.id for i in Insight.select())
    with_either = {link.insight_id for link in InsightTheme.select().where(
        InsightTheme.theme.in_([work.id, jobs.id]))}
    client = app.test_client()
    login(client, make_staff("admin"))
    page = _merge_page(client, jobs)
    assert "Arbeidsmarkt" in page and ">Werk<" not in page  # not into itself
    response = client.post(f"/admin/theme/merge/?id={jobs.id}",
                           data={"csrf_token": csrf_from(page), "target": str(work.id)})
    assert response.status_code == 303
    assert Theme.get_or_none(Theme.id == jobs.id) is None
    after = load_matrix(Scope(parent))
    assert sorted(i.id for i in Insight.select()) == insights_before
    assert {link.insight_id for link in InsightTheme.select().where(
        InsightTheme.theme == work.id)} == with_either
    # Totals per sector and overall are counts of insights: unchanged.
    for sector in data["sectors"]:
        assert after.row_total(sector.id) == before.row_total(sector.id)
    assert after.total() == before.total() == 5
    assert after.total_without_theme() == before.total_without_theme() == 1
    # The theme that stays holds every insight either had (the doubled one once).
    assert after.column_total(work.id) == len(with_either) == 4
    assert after.column_total(data["housing"].id) == before.column_total(data["housing"].id)
    entry = AuditLog.get(AuditLog.action == "merge")
    assert entry.object_id == str(work.id) and entry.details["merged"] == str(jobs.id)
    assert entry.details["moved"]["core.insights"] == 3


def test_merging_while_the_plugin_is_off_still_moves_its_insights(app, data):
    with app.test_request_context():
        registry().set_enabled("expertarena", False)
        merge_themes(data["jobs"], data["work"])
    assert InsightTheme.select().where(
        InsightTheme.theme == data["work"].id).count() == 4
    assert Insight.select().count() == 5


def test_a_theme_cannot_merge_into_itself_or_another_consultation(app, data):
    other = helpers.consultation()
    (foreign,) = helpers.themes(other, "Arbeidsmarkt")
    with app.test_request_context():
        with pytest.raises(ThemeMergeError):
            merge_themes(data["work"], data["work"])
        with pytest.raises(ThemeMergeError):
            merge_themes(data["work"], foreign)
    client = app.test_client()
    login(client, make_staff("admin"))
    page = _merge_page(client, data["work"])
    response = client.post(f"/admin/theme/merge/?id={data['work'].id}",
                           data={"csrf_token": csrf_from(page), "target": str(foreign.id)})
    assert response.status_code == 422
    assert Theme.select().count() == 4


def test_a_theme_in_use_cannot_be_deleted_but_merged(app, data):
    with pytest.raises(IntegrityError), db.atomic():
        data["jobs"].delete_instance()
    assert InsightTheme.select().count() == 6


def test_a_merged_proposal_goes_with_its_theme(app, data):
    ExpertarenaThemeProposal.create(theme=data["jobs"])
    with app.test_request_context():
        merge_themes(data["jobs"], data["work"])
    assert ExpertarenaThemeProposal.select().count() == 0


def test_only_administrators_merge(app, data):
    for role in ("moderator", "viewer"):
        client = app.test_client()
        login(client, make_staff(role))
        token = csrf_from(client.get("/admin/theme/").get_data(as_text=True))
        response = client.post(f"/admin/theme/merge/?id={data['jobs'].id}",
                               data={"csrf_token": token, "target": str(data["work"].id)})
        assert response.status_code == 403
    assert Theme.get_or_none(Theme.id == data["jobs"].id) is not None


def test_proposed_themes_are_reviewed_by_administrators(app, data):
    proposal = ExpertarenaThemeProposal.create(theme=data["housing"])
    client = app.test_client()
    login(client, make_staff("admin"))
    page = client.get("/admin/expertarena_proposal/").get_data(as_text=True)
    assert "Huisvesting" in page and f"/admin/theme/merge/?id={data['housing'].id}" in page
    response = client.post("/admin/expertarena_proposal/action/", data={
        "csrf_token": csrf_from(page), "action": "accept", "rowid": str(proposal.id)})
    assert response.status_code == 302
    assert ExpertarenaThemeProposal.get_by_id(proposal.id).reviewed_at is not None
    assert AuditLog.select().where(AuditLog.action == "accept").count() == 1
    viewer = app.test_client()
    login(viewer, make_staff("viewer"))
    page = viewer.get("/admin/expertarena_proposal/").get_data(as_text=True)
    assert viewer.post("/admin/expertarena_proposal/action/", data={
        "csrf_token": csrf_from(page), "action": "accept",
        "rowid": str(proposal.id)}).status_code == 403


def test_a_second_merge_of_the_same_theme_changes_nothing(app, data):
    jobs, work = data["jobs"], data["work"]
    with app.test_request_context():
        merge_themes(jobs, work)
        with pytest.raises(ThemeMergeError):
            merge_themes(jobs, work)  # the stale object of a second click
    assert AuditLog.select().where(AuditLog.action == "merge").count() == 1


def test_the_same_merge_sent_at_once_merges_once(app, data):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    admin = make_staff("admin")
    url = f"/admin/theme/merge/?id={data['jobs'].id}"
    clients = []
    for _ in range(4):
        client = app.test_client()
        login(client, admin)
        clients.append((client, csrf_from(_merge_page(client, data["jobs"]))))
    barrier = threading.Barrier(len(clients))

    def merge(pair):
        client, token = pair
        barrier.wait(timeout=30)
        return client.post(url, data={"csrf_token": token,
                                      "target": str(data["work"].id)}).status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        codes = sorted(pool.map(merge, clients))
    # One merge; the others find the theme gone (404 on the page, or 422 in the form).
    assert codes.count(303) == 1 and all(code in (303, 404, 422) for code in codes), codes
    assert AuditLog.select().where(AuditLog.action == "merge").count() == 1
    assert Insight.select().count() == 5

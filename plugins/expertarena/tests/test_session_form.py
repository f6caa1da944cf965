"""An arena's sectors and co-moderators on the session form itself (issue 11,
point 5), through cp_session_form_parts."""

from __future__ import annotations

from consultplatform.api import AuditLog, ConsultationSession
from consultplatform.testing import factories, make_staff
from consultplatform_expertarena.models import ExpertarenaArenaModerator, ExpertarenaArenaSector
from tests.forms import form_data

from . import helpers


def _url(session) -> str:
    return f"/admin/session/edit/?id={session.id}"


def test_the_arena_form_ticks_sectors_and_co_moderators(app, admin_client):
    parent = helpers.consultation()
    farm = factories.sector(parent, "Landbouw", position=0)
    shop = factories.sector(parent, "Detailhandel", position=1)
    other = helpers.consultation()
    factories.sector(other, "Sector van een andere consultatie")
    moderator, colleague = make_staff("moderator"), make_staff("moderator")
    arena = helpers.arena(parent, moderator=moderator, sectors=(farm,))
    page = admin_client.get(_url(arena)).get_data(as_text=True)
    assert 'type="checkbox"' in page and "Sectoren van de arena" in page
    assert "Sector van een andere consultatie" not in page

    data = form_data(page)
    assert data["expertarena_sectors"] in ([str(farm.id)], str(farm.id))
    data["expertarena_sectors"] = [str(farm.id), str(shop.id)]
    data["expertarena_moderators"] = [str(colleague.id)]
    response = admin_client.post(_url(arena), data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert [row.sector_id for row in ExpertarenaArenaSector.select().where(
        ExpertarenaArenaSector.session == arena.id).order_by(
        ExpertarenaArenaSector.position)] == [farm.id, shop.id]
    assert [row.staff_id for row in ExpertarenaArenaModerator.select().where(
        ExpertarenaArenaModerator.session == arena.id)] == [colleague.id]
    assert AuditLog.select().where(AuditLog.object_type == "ExpertarenaArena").count() == 1


def test_an_arena_without_any_sector_is_refused_whole(app, admin_client):
    parent = helpers.consultation()
    farm = factories.sector(parent, "Landbouw")
    arena = helpers.arena(parent, sectors=(farm,))
    data = form_data(admin_client.get(_url(arena)).get_data(as_text=True))
    data.pop("expertarena_sectors", None)
    data["sector"] = "__None"
    data["title"] = "Andere titel"
    response = admin_client.post(_url(arena), data=data)
    assert response.status_code == 422
    assert "Een arena heeft minstens één sector" in response.get_data(as_text=True)
    kept = ConsultationSession.get_by_id(arena.id)
    assert kept.title != "Andere titel" and kept.sector_id == farm.id


def test_a_general_meeting_has_no_arena_fields(app, admin_client):
    parent = helpers.consultation()
    meeting = factories.session(parent)
    assert "expertarena_sectors" not in admin_client.get(_url(meeting)).get_data(as_text=True)

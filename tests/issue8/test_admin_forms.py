"""Issue 8, points 7 and 8: every admin error on its field in the user's language, the
slug made from the title, and one consultation's sectors in the session form."""

from __future__ import annotations

import re

import pytest

from consultplatform.models import Consultation, ConsultationSession, Sector
from consultplatform.slugs import slugify, unique_slug
from consultplatform.testing import factories
from tests.forms import form_data

FIELD_ERROR = re.compile(r'id="(\w+)"[^>]*class="[^"]*is-invalid|class="[^"]*is-invalid[^"]*"[^>]*'
                         r'id="(\w+)"')


def _invalid_fields(html: str) -> set[str]:
    return {a or b for a, b in FIELD_ERROR.findall(html)}


def _new_consultation(client, **fields):
    data = form_data(client.get("/admin/consultation/new/").get_data(as_text=True))
    data.update({"title": "Ondernemersagenda", "slug": "", "organiser": "Gemeente", **fields})
    return client.post("/admin/consultation/new/", data=data)


@pytest.mark.parametrize("lang, text, absent", [
    ("nl", "Gebruik alleen kleine letters, cijfers en koppeltekens.", "Failed to create"),
    ("en", "Use lower-case letters, digits and hyphens only.", "Failed to create")])
def test_a_slug_with_spaces_is_refused_on_its_field(admin_client, lang, text, absent):
    admin_client.set_cookie("lang", lang)
    response = _new_consultation(admin_client, slug="mijn traject")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _invalid_fields(body) == {"slug"}
    assert text in body and absent not in body
    assert Consultation.select().count() == 0


def test_a_duplicate_slug_is_named_on_its_field(admin_client):
    factories.consultation(slug="bezet")
    response = _new_consultation(admin_client, slug="bezet")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and _invalid_fields(body) == {"slug"}
    assert "Een ander item heeft deze waarde al; kies een andere." in body
    assert "Er is nog niets opgeslagen: verbeter de rood gemarkeerde velden" in body
    assert Consultation.select().count() == 1


def test_a_duplicate_within_a_consultation_names_field_and_scope(admin_client):
    parent = factories.consultation()
    Sector.create(consultation=parent, name="Zorg")
    data = form_data(admin_client.get("/admin/sector/new/").get_data(as_text=True))
    data.update(consultation=str(parent.id), name="Zorg")
    response = admin_client.post("/admin/sector/new/", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and _invalid_fields(body) == {"name"}
    assert "binnen de gekozen consultatie heeft deze waarde al" in body
    # The same name in another consultation is fine.
    other = factories.consultation()
    data.update(consultation=str(other.id))
    assert admin_client.post("/admin/sector/new/", data=data).status_code == 302


def test_editing_keeps_its_own_unique_value(admin_client):
    item = factories.consultation(slug="eigen")
    page = admin_client.get(f"/admin/consultation/edit/?id={item.id}")
    data = form_data(page.get_data(as_text=True))
    data["title"] = "Nieuwe titel"
    assert admin_client.post(f"/admin/consultation/edit/?id={item.id}", data=data).status_code == 302
    assert Consultation.get_by_id(item.id).title == "Nieuwe titel"


def test_the_slug_is_made_from_the_title_and_kept_unique(admin_client):
    for _ in range(2):
        assert _new_consultation(admin_client, title="Ondernemersagenda Noordoostpolder 2027"
                                 ).status_code == 302
    assert sorted(c.slug for c in Consultation.select()) == [
        "ondernemersagenda-noordoostpolder-2027", "ondernemersagenda-noordoostpolder-2027-2"]
    assert slugify("Économie & Zorg – 2027!") == "economie-zorg-2027"
    assert unique_slug("", lambda s: False) == "traject"
    assert len(unique_slug("x" * 200, lambda s: s == "x" * 80)) == 80


# --- point 8 ------------------------------------------------------------------------------


@pytest.fixture
def two(app):
    first = factories.consultation(title="Eerste", formats=["general"])
    second = factories.consultation(title="Tweede", formats=["general"])
    mine = Sector.create(consultation=first, name="Detailhandel")
    theirs = Sector.create(consultation=second, name="Detailhandel")
    return first, second, mine, theirs


def _options(html: str, select: str) -> list[str]:
    block = re.search(rf'<select[^>]*id="{select}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'value="([^"]*)"', block)


def test_the_session_form_offers_the_chosen_consultations_sectors_only(admin_client, two):
    first, second, mine, theirs = two
    page = admin_client.get(f"/admin/session/new/?consultation={first.id}").get_data(as_text=True)
    assert str(mine.id) in _options(page, "sector") and str(theirs.id) not in _options(page, "sector")
    assert re.search(rf'<option selected value="{first.id}">', page)
    existing = factories.session(second, sector=theirs)
    edit = admin_client.get(f"/admin/session/edit/?id={existing.id}").get_data(as_text=True)
    assert str(theirs.id) in _options(edit, "sector") and str(mine.id) not in _options(edit, "sector")
    # Not chosen yet: every option says its consultation, for the page's script.
    blank = admin_client.get("/admin/session/new/").get_data(as_text=True)
    assert f'data-consultation="{first.id}" value="{mine.id}"' in blank
    assert f'data-consultation="{second.id}" value="{theirs.id}"' in blank


def test_save_and_add_another_keeps_the_consultation(admin_client, two):
    first, _second, mine, _theirs = two
    page = admin_client.get(f"/admin/session/new/?consultation={first.id}")
    data = form_data(page.get_data(as_text=True))
    data.update(title="Arena 1", sector=str(mine.id), starts_at="2031-03-14T19:30",
                ends_at="2031-03-14T21:30", _add_another="1")
    response = admin_client.post(f"/admin/session/new/?consultation={first.id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    assert f"consultation={first.id}" in response.headers["Location"]
    again = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(rf'<option selected value="{first.id}">', again)
    assert ConsultationSession.get().consultation_id == first.id


def test_a_sector_of_another_consultation_is_refused(admin_client, two):
    first, _second, _mine, theirs = two
    page = admin_client.get("/admin/session/new/")
    data = form_data(page.get_data(as_text=True))
    data.update(consultation=str(first.id), format_key="general", title="Mix",
                sector=str(theirs.id), starts_at="2031-03-14T19:30", ends_at="2031-03-14T21:30")
    response = admin_client.post("/admin/session/new/", data=data)
    assert response.status_code == 422
    assert "sector" in _invalid_fields(response.get_data(as_text=True))
    assert ConsultationSession.select().count() == 0


def test_two_admins_saving_the_same_slug_at_once_get_a_field_error_not_a_500(
        migrated, instance_dir):
    """The database's unique index decides between simultaneous saves; the loser gets
    the field's message (on PostgreSQL the failed transaction is rolled back first)."""
    import threading

    from consultplatform.db import db
    from tests.conftest import _clean_tables, login, make_app, make_staff

    application = make_app(migrated, instance_dir, RATELIMIT_ENABLED=False)
    with application.app_context():
        db.connect(reuse_if_open=True)
        _clean_tables()
        admins = [make_staff("admin") for _ in range(4)]
        db.close()
    for round_ in range(3):
        clients, codes = [], []
        for admin in admins:
            client = application.test_client()
            login(client, admin)
            data = form_data(client.get("/admin/consultation/new/").get_data(as_text=True))
            data.update(title="Gelijk", slug=f"gelijk-{round_}", organiser="Gemeente")
            clients.append((client, data))
        start = threading.Barrier(len(clients))

        def save(client, data, start=start, codes=codes):
            start.wait()
            try:
                codes.append(client.post("/admin/consultation/new/", data=data).status_code)
            except Exception as exc:  # an exception escaping the app is the 500 we look for
                codes.append(repr(exc))

        threads = [threading.Thread(target=save, args=pair) for pair in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(codes, key=str) == [302, 422, 422, 422], codes
    with application.app_context():
        db.connect(reuse_if_open=True)
        assert Consultation.select().count() == 3
        db.close()

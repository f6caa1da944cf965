"""Live capture: a moderator records, edits and deletes insights; bad input gets a
clear message and loses nothing; a double submit stores one insight, also when
the two requests race; only the arena's moderators and admins write."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from consultplatform.api import AuditLog, ConsultationSession, Insight, InsightTheme, Theme
from consultplatform.testing import csrf_from, factories, login, make_staff
from consultplatform_expertarena.models import ExpertarenaThemeProposal

from . import helpers


def _input(html: str, ident: str) -> str:
    """The <input> tag with ``id``."""
    match = re.search(rf'<input[^>]*\bid="{ident}"[^>]*>', html)
    assert match, f"no input #{ident}"
    return match.group(0)


def _page(client, session, **query) -> str:
    response = client.get(helpers.capture_url(session), query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_moderator_records_an_insight_and_sees_it_listed(setting):
    client, session = setting["client"], setting["session"]
    page = _page(client, session)
    assert " autofocus " in _input(page, "text")
    response = helpers.post_insight(client, session, text="Vakmensen zijn schaars",
                                    category="barrieres",
                                    themes=[str(setting["labour"].id)], weight="3",
                                    actor="samen", quote="We vinden niemand")
    assert response.status_code == 303
    assert "categorie=barrieres" in response.headers["Location"]
    insight = Insight.get()
    assert (insight.text, insight.category, insight.weight, insight.actor, insight.quote) == (
        "Vakmensen zijn schaars", "barrieres", 3, "samen", "We vinden niemand")
    assert insight.sector_id == setting["farm"].id  # the arena's sector by default
    assert insight.created_by_id == setting["moderator"].id
    assert [link.theme_id for link in insight.theme_links] == [setting["labour"].id]
    audit = AuditLog.get(AuditLog.action == "create")
    assert audit.object_type == "Insight" and "text" in audit.details["fields"]
    # Back on the page: the insight on the list, the cursor in the text field again,
    # the category kept for the next one.
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vakmensen zijn schaars" in page and "We vinden niemand" in page
    assert " autofocus " in _input(page, "text") and 'value=""' in _input(page, "text")
    assert " checked " in _input(page, "category-3")  # barrieres, the fourth category
    assert " checked " not in _input(page, "category-2")


def test_newest_insight_is_listed_first(setting):
    client, session = setting["client"], setting["session"]
    for text in ("Eerste", "Tweede", "Derde"):
        assert helpers.post_insight(client, session, text=text).status_code == 303
    page = _page(client, session)
    listed = page[page.index('id="inzichten"'):]
    assert listed.index("Derde") < listed.index("Tweede") < listed.index("Eerste")


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"text": "   "}, "text", "Write down the insight."),
    ({"text": "x" * 2001}, "text", "Keep it to 2000 characters."),
    ({"category": "onbekend"}, "category", "Choose one of the options shown."),
    ({"category": ""}, "category", "Choose a category."),
    ({"weight": "9"}, "weight", "Choose one of the options shown."),
    ({"actor": "de-koning"}, "actor", "Choose one of the options shown."),
    ({"sector": "999999"}, "sector", "Choose one of the options shown."),
    ({"themes": ["abc"]}, "themes", "Choose themes of this consultation only."),
])
def test_bad_input_is_refused_with_a_clear_message_and_kept(setting, values, field, message):
    client, session = setting["client"], setting["session"]
    client.set_cookie("lang", "en")
    response = helpers.post_insight(client, session, quote="Dit blijft staan",
                                    **{"text": "Een inzicht", **values})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'href="#{field}' in page  # the error summary links to the field
    assert 'value="Dit blijft staan"' in page  # nothing typed is lost
    assert Insight.select().count() == 0


def test_a_theme_or_sector_of_another_consultation_is_refused(setting):
    client, session = setting["client"], setting["session"]
    other = helpers.consultation()
    (foreign,) = helpers.themes(other, "Arbeidsmarkt")
    elsewhere = factories.sector(other, "Landbouw")
    response = helpers.post_insight(client, session, themes=[str(foreign.id)])
    assert response.status_code == 422
    response = helpers.post_insight(client, session, sector=str(elsewhere.id))
    assert response.status_code == 422
    assert Insight.select().count() == 0


def test_the_same_form_sent_twice_stores_one_insight(setting):
    client, session = setting["client"], setting["session"]
    form = helpers.new_insight_form(client, session)
    first = helpers.post_insight(client, session, form, text="Dubbel geklikt")
    second = helpers.post_insight(client, session, form, text="Dubbel geklikt")
    assert first.status_code == second.status_code == 303
    assert Insight.select().count() == 1
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "not added twice" in page or "niet twee keer" in page


def test_the_same_form_racing_itself_stores_one_insight(app, setting):
    """Eight requests with one form key at the same moment, each from its own thread
    and database connection: one insight, every request answered 303."""
    session, moderator = setting["session"], setting["moderator"]
    form = helpers.new_insight_form(setting["client"], session)
    clients = []
    for _ in range(8):
        client = app.test_client()
        login(client, moderator)
        clients.append((client, helpers.token(client, session)))
    barrier = threading.Barrier(len(clients))

    def send(pair):
        client, token = pair
        barrier.wait(timeout=30)
        return helpers.post_insight(client, session, {**form, "csrf_token": token},
                                    text="Tegelijk verstuurd").status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        codes = list(pool.map(send, clients))
    assert codes == [303] * len(clients)
    assert Insight.select().count() == 1


def test_a_new_form_key_for_every_page(setting):
    client, session = setting["client"], setting["session"]
    assert helpers.new_insight_form(client, session)["submission_key"] != \
        helpers.new_insight_form(client, session)["submission_key"]


# --- who may write -----------------------------------------------------------------------


def test_other_moderator_viewer_and_anonymous_cannot_write(app, setting):
    session = setting["session"]
    form = helpers.new_insight_form(setting["client"], session)
    for role in ("moderator", "viewer"):
        client = app.test_client()
        login(client, make_staff(role))
        page = _page(client, session)  # staff may read the insights
        assert "/inzichten" not in page  # but get no form
        response = helpers.post_insight(client, session, {**form, "csrf_token": csrf_from(page)})
        assert response.status_code == 403, role
    anonymous = app.test_client()
    response = helpers.post_insight(anonymous, session, {**form, "csrf_token": "x"})
    assert response.status_code in (302, 400)
    token = csrf_from(anonymous.get("/auth/login").get_data(as_text=True))
    response = helpers.post_insight(anonymous, session, {**form, "csrf_token": token})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert Insight.select().count() == 0
    assert AuditLog.select().where(AuditLog.result == "denied").count() >= 2


def test_co_moderators_and_admins_may_write(app, setting):
    session = setting["session"]
    co_moderator = make_staff("moderator")
    helpers.arena(setting["consultation"])  # another arena, not theirs
    from consultplatform_expertarena.models import ExpertarenaArenaModerator

    ExpertarenaArenaModerator.create(session=session, staff=co_moderator)
    for user in (co_moderator, make_staff("admin")):
        client = app.test_client()
        login(client, user)
        assert helpers.post_insight(client, session, text=user.email).status_code == 303
    assert Insight.select().count() == 2


def test_only_arenas_have_a_capture_page(setting):
    client, parent = setting["client"], setting["consultation"]
    general = factories.session(parent, moderator=setting["moderator"])
    assert client.get(helpers.capture_url(general)).status_code == 404
    not_using = factories.consultation(formats=["general"])
    orphan = ConsultationSession.create(
        consultation=not_using, format_key="expertarena", title="Oud",
        starts_at=general.starts_at, ends_at=general.ends_at, moderator=setting["moderator"])
    assert client.get(helpers.capture_url(orphan)).status_code == 404


# --- edit and delete in place ------------------------------------------------------------------


def _edit(client, session, insight, **values):
    page = _page(client, session, bewerk=insight.id)
    data = {"csrf_token": csrf_from(page), "edit-text": insight.text,
            "edit-category": insight.category, "edit-weight": str(insight.weight),
            "edit-sector": str(insight.sector_id or "")}
    data.update(values)
    return client.post(f"/admin/expertarena/{session.id}/inzicht/{insight.id}", data=data)


def test_edit_in_place(setting):
    client, session = setting["client"], setting["session"]
    insight = helpers.insight(session, setting["farm"], "ambities", [setting["labour"]],
                              text="Oude tekst")
    page = _page(client, session, bewerk=insight.id)
    assert 'id="edit-text"' in page and 'value="Oude tekst"' in page
    response = _edit(client, session, insight, **{
        "edit-text": "Nieuwe tekst", "edit-themes": [str(setting["housing"].id)],
        "edit-sector": str(setting["shop"].id)})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#inzicht-{insight.id}")
    insight = Insight.get_by_id(insight.id)
    assert insight.text == "Nieuwe tekst" and insight.sector_id == setting["shop"].id
    assert [link.theme_id for link in insight.theme_links] == [setting["housing"].id]
    audit = AuditLog.get(AuditLog.action == "update")
    assert set(audit.details["fields"]) == {"text", "sector", "themes"}


def test_a_bad_edit_is_shown_in_place_and_changes_nothing(setting):
    client, session = setting["client"], setting["session"]
    insight = helpers.insight(session, setting["farm"], "ambities", text="Blijft zo")
    response = _edit(client, session, insight, **{"edit-text": "", "edit-quote": "Getypt"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="edit-text"' in page and 'value="Getypt"' in page
    assert Insight.get_by_id(insight.id).text == "Blijft zo"


def test_an_insight_of_another_arena_is_not_found(setting):
    client, session = setting["client"], setting["session"]
    other = helpers.arena(setting["consultation"], moderator=setting["moderator"])
    insight = helpers.insight(other, None, "ambities")
    assert _edit(client, session, insight).status_code == 404


def test_delete_asks_first_and_a_second_click_is_harmless(setting):
    client, session = setting["client"], setting["session"]
    insight = helpers.insight(session, setting["farm"], "ambities", [setting["labour"]],
                              text="Weg ermee")
    page = _page(client, session, verwijder=insight.id)
    assert "Delete this insight?" in page or "Dit inzicht verwijderen?" in page
    url = f"/admin/expertarena/{session.id}/inzicht/{insight.id}/verwijderen"
    token = csrf_from(page)
    assert client.post(url, data={"csrf_token": token}).status_code == 400  # not the button
    assert Insight.select().count() == 1
    assert client.post(url, data={"csrf_token": token, "confirm": "1"}).status_code == 303
    assert Insight.select().count() == 0
    assert InsightTheme.select().count() == 0
    assert client.post(url, data={"csrf_token": token, "confirm": "1"}).status_code == 303
    assert AuditLog.select().where(AuditLog.action == "delete").count() == 1


# --- proposing a theme while capturing -----------------------------------------------------------


def test_a_proposed_theme_is_created_once_and_linked(setting):
    client, session = setting["client"], setting["session"]
    response = helpers.post_insight(client, session, text="Stroomnet vol",
                                    new_theme="Energie")
    assert response.status_code == 303
    theme = Theme.get(Theme.name == "Energie")
    assert theme.consultation_id == setting["consultation"].id and theme.active
    proposal = ExpertarenaThemeProposal.get()
    assert (proposal.theme_id, proposal.proposed_by_id) == (theme.id, setting["moderator"].id)
    # The same name again, in other letters: the existing theme, no second one.
    assert helpers.post_insight(client, session, text="Zonnepanelen",
                                new_theme="energie").status_code == 303
    assert Theme.select().where(Theme.consultation == setting["consultation"]).count() == 3
    assert {link.insight.text for link in theme.insight_links} == {"Stroomnet vol",
                                                                      "Zonnepanelen"}
    # It is offered in the form from now on.
    assert "Energie" in _page(client, session)


# --- closing ----------------------------------------------------------------------------------

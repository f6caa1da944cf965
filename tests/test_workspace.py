"""The consultation a staff member works on (issue 11, point 1): chosen once in the
admin's header, remembered per account, and the scope of every list, form, choice,
filter and count, core and plugins alike."""

from __future__ import annotations

import re

import pytest

from consultplatform.demo import load_demo
from consultplatform.models import (
    Consultation,
    ConsultationQuestion,
    ConsultationSession,
    Insight,
    InsightTheme,
    Participant,
    Sector,
    SessionQuestion,
    StaffWorkspace,
    Theme,
)
from consultplatform.plugins import registry
from consultplatform.testing import choose_consultation as choose
from consultplatform.testing import csrf_from, factories, login, make_staff
from consultplatform.workspace import scope_to, visible_consultations
from consultplatform_expertarena.models import ExpertarenaArenaModerator
from tests.test_admin_access import admin_rules, admin_views, is_static

SWITCHER = re.compile(r'<form[^>]*class="form-inline cp-workspace.*?</form>', re.S)


def test_the_choice_is_remembered_per_account_and_scopes_the_lists(app, admin_client):
    first = factories.consultation(title="Retailvisie Emmeloord")
    second = factories.consultation(title="Havenvisie Urk")
    factories.sector(first, "Modezaken")
    factories.sector(second, "Visafslag")
    assert "Visafslag" in admin_client.get("/admin/sector/").get_data(as_text=True)
    response = choose(admin_client, first)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"
    html = admin_client.get("/admin/sector/").get_data(as_text=True)
    assert "Modezaken" in html and "Visafslag" not in html
    assert f'value="{first.id}" selected' in admin_client.get("/admin/").get_data(
        as_text=True)
    other = app.test_client()
    login(other, make_staff("admin"))
    assert "Visafslag" in other.get("/admin/sector/").get_data(as_text=True)  # theirs: all
    choose(admin_client, "all")
    assert "Visafslag" in admin_client.get("/admin/sector/").get_data(as_text=True)
    assert StaffWorkspace.select().count() == 0


def test_a_new_record_is_made_in_the_chosen_consultation(app, admin_client):
    first = factories.consultation(title="Retailvisie Emmeloord")
    factories.consultation(title="Havenvisie Urk")
    choose(admin_client, first)
    page = admin_client.get("/admin/sector/new/").get_data(as_text=True)
    form = re.search(r'<select[^>]*id="consultation".*?</select>', page, re.S).group(0)
    options = re.findall(r'<option[^>]*value="(\d+)"[^>]*>([^<]*)</option>', form)
    assert options and all(value == str(first.id) for value, _label in options), options
    assert re.search(rf'<option selected value="{first.id}"|<option value="{first.id}" '
                     r'selected', form), "the consultation is not chosen on the new form"


def test_odd_choices_are_refused_and_change_nothing(app, admin_client):
    parent = factories.consultation()
    token = csrf_from(admin_client.get("/admin/").get_data(as_text=True))
    for value in ("", "abc", "-1", "99999999999999999999"):
        answer = admin_client.post("/admin/werkruimte/",
                                   data={"csrf_token": token, "consultation": value})
        assert answer.status_code == 400, value
    answer = admin_client.post("/admin/werkruimte/", data={
        "csrf_token": token, "consultation": "424242", "next": "https://evil.example/"})
    assert answer.status_code == 303 and answer.headers["Location"] == "/admin/"
    assert admin_client.post("/admin/werkruimte/", data={"consultation": parent.id}
                             ).status_code == 400  # no CSRF token
    assert StaffWorkspace.select().count() == 0


def test_hook_cp_moderated_sessions(app):
    """A moderator sees the consultations where they moderate a session: as its own
    moderator, or through a plugin (the test plugin's co-moderators, the Expertarena's)."""
    moderator = make_staff("moderator")
    own, through_plugin, arena_parent, elsewhere = (factories.consultation() for _ in range(4))
    factories.session(own, moderator=moderator)
    factories.session(through_plugin, description=f"co-moderator:{moderator.email}")
    arena = factories.session(arena_parent, format_key="expertarena")
    ExpertarenaArenaModerator.create(session=arena, staff=moderator)
    factories.session(elsewhere)
    with app.test_request_context():
        sessions = [sid for _name, sid in
                    registry().items("cp_moderated_sessions", staff=moderator)]
        seen = {c.id for c in visible_consultations(moderator)}
    assert arena.id in sessions
    assert seen == {own.id, through_plugin.id, arena_parent.id}
    client = app.test_client()
    login(client, moderator)
    html = client.get("/admin/").get_data(as_text=True)
    assert own.title in html and elsewhere.title not in html
    choose(client, elsewhere)
    assert StaffWorkspace.select().count() == 0  # not theirs: refused, nothing remembered
    assert choose(client, arena_parent).status_code == 303
    assert StaffWorkspace.get().consultation_id == arena_parent.id


def _emmeloord() -> tuple[Consultation, list[str]]:
    """A consultation of its own, with a row of every kind the staff pages show."""
    parent = factories.consultation(title="Retailvisie Emmeloord", slug="retailvisie",
                                    formats=["general", "expertarena", "fullhooks_panel"])
    shop = factories.sector(parent, "Modezaken")
    theme = Theme.create(consultation=parent, name="Leegstand")
    moderator = make_staff("moderator")
    meeting = factories.session(parent, title="Werkbijeenkomst Kernwinkelgebied",
                                sector=shop, capacity=30)
    arena = factories.session(parent, title="Expertarena Winkeliers", format_key="expertarena",
                              sector=shop, moderator=moderator)
    SessionQuestion.create(session=meeting, label_nl="Welke straat?")
    ConsultationQuestion.create(consultation=parent, label_nl="Welke winkelstraat kent u?")
    person = factories.participant(parent, name="Wilma Winkelier", sector=shop)
    factories.registration(person, meeting)
    insight = Insight.create(session=arena, text="Te veel lege panden", category="barrieres",
                             sector=shop)
    InsightTheme.create(insight=insight, theme=theme)
    return parent, ["Retailvisie Emmeloord"]


def _secrets_of(consultation: Consultation) -> list[str]:
    """Texts that only rows of ``consultation`` carry."""
    texts = {consultation.title}
    texts |= {s.title for s in ConsultationSession.select().where(
        ConsultationSession.consultation == consultation)}
    texts |= {p.name for p in Participant.select().where(Participant.consultation == consultation)}
    texts |= {p.email for p in Participant.select().where(Participant.consultation == consultation)}
    texts |= {q.label_nl for q in scope_to(SessionQuestion.select(), consultation.id)}
    texts |= {q.label_nl for q in scope_to(ConsultationQuestion.select(), consultation.id)}
    texts |= {i.text[:40] for i in scope_to(Insight.select(), consultation.id)}
    return sorted(t for t in texts if t and len(t) > 6)


def _pages(app, chosen: Consultation) -> list[str]:
    """Every GET page of /admin, about rows of the chosen consultation where it takes one."""
    views = admin_views(app)
    arena = ConsultationSession.get((ConsultationSession.consultation == chosen)
                                    & (ConsultationSession.format_key == "expertarena"))
    values = {"session_id": arena.id, "consultation_id": chosen.id,
              "insight_id": Insight.get(Insight.session == arena.id).id,
              "plugin": "fullhooks", "name": "fullhooks", "export_type": "csv"}
    urls = []
    adapter = app.url_map.bind("localhost")
    for rule in admin_rules(app):
        if is_static(rule) or "GET" not in rule.methods:
            continue
        view = views.get(rule.endpoint.split(".", 1)[0])
        query = {}
        if rule.endpoint.endswith((".edit_view", ".details_view", ".merge_view")):
            model = view.model
            row = scope_to(model.select(), chosen.id).order_by(model._meta.primary_key).first()
            if row is None:
                continue
            query = {"id": row._pk}
        arguments = {arg: values.get(arg, 1) for arg in rule.arguments}
        urls.append(adapter.build(rule.endpoint, {**arguments, **query}))
    return urls


@pytest.mark.parametrize("role", ["admin", "viewer"])
def test_no_page_shows_a_row_option_or_count_of_another_consultation(app, role):
    with app.app_context():
        load_demo(registry())
    noordoostpolder = Consultation.get(Consultation.slug == "sociaal-economische-agenda")
    emmeloord, _ = _emmeloord()
    others = _secrets_of(noordoostpolder)
    assert len(others) > 50
    client = app.test_client()
    login(client, make_staff(role))
    assert choose(client, emmeloord).status_code == 303
    checked = 0
    for url in _pages(app, emmeloord):
        response = client.get(url)
        if response.status_code != 200 or not response.mimetype.startswith(("text/", "image/svg")):
            continue
        # The switcher in the header lists every consultation: that is what it is for.
        html = SWITCHER.sub("", response.get_data(as_text=True))
        leaked = [text for text in others if text in html]
        assert not leaked, (url, leaked[:5])
        checked += 1
    assert checked > 25  # the rest: no lookups or exports (404), read-only forms (403)
    index = client.get("/admin/").get_data(as_text=True)
    sessions_of_emmeloord = ConsultationSession.select().where(
        ConsultationSession.consultation == emmeloord).count()
    assert f">{sessions_of_emmeloord}<" in index.replace(" ", "")
    assert Sector.select().where(Sector.consultation == noordoostpolder).count() == 7

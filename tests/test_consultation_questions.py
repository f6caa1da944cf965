"""Sign-up questions per consultation (issue 11, point 7): asked once, however many
sessions someone chooses, kept on the participant; made and read in the admin,
scoped to the consultation a staff member works on; and a missing answer to a
session's question is named with its session in the error summary."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest

from consultplatform.models import (
    AuditLog,
    ConsultationQuestion,
    Participant,
    Registration,
    Sector,
    SessionQuestion,
)
from consultplatform.revisions import PUBLIC_SCOPE, revision
from consultplatform.testing import choose_consultation as choose
from consultplatform.testing import csrf_from, factories, login, make_staff
from tests.forms import form_data

START = dt.datetime(2031, 3, 14, 19, 30)
HEARD = "Hoe heeft u van deze consultatie gehoord?"


@pytest.fixture
def setup(app):
    consultation = factories.consultation(slug="agenda")
    sector = Sector.create(consultation=consultation, name="Bouw")
    first = factories.session(consultation, title="Startbijeenkomst", starts_at=START,
                              ends_at=START + dt.timedelta(hours=2))
    second = factories.session(consultation, title="Validatiebijeenkomst",
                               starts_at=START + dt.timedelta(days=7),
                               ends_at=START + dt.timedelta(days=7, hours=2))
    heard = ConsultationQuestion.create(
        consultation=consultation, kind="single", label_nl=HEARD,
        label_en="How did you hear about this consultation?",
        choices_nl="Uitnodiging\nKrant\nAnders", choices_en="Invitation\nNewspaper\nOther")
    return consultation, sector, first, second, heard


def _sign_up(client, sessions, sector, **fields):
    page = client.get("/c/agenda/aanmelden")
    assert page.status_code == 200
    data = form_data(page.get_data(as_text=True))
    data.update(name="Anouk Akkerman", email="anouk@example.org", sector=str(sector.id),
                side="entrepreneur", privacy="y", sessions=[str(s.id) for s in sessions])
    data.update(fields)
    return client.post("/c/agenda/aanmelden", data=data)


def _summary(response) -> str:
    """The error summary's text, tags and entities taken out."""
    found = re.search(r'<div class="error-summary".*?</div>', response.get_data(as_text=True),
                      re.S)
    assert found, "no error summary"
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0))))


# --- the sign-up form ---------------------------------------------------------------------


def test_a_consultation_question_is_asked_once_for_two_sessions(app, client, setup):
    consultation, sector, first, second, heard = setup
    lunch = SessionQuestion.create(session=first, kind="yes_no", label_nl="Lunch?")
    page = client.get("/c/agenda/aanmelden").get_data(as_text=True)
    assert page.count(HEARD) == 1 and f'name="cq_{heard.id}"' in page
    assert page.index(HEARD) < page.index("Lunch?")  # before the sessions' questions
    assert "Voor iedereen die zich aanmeldt" in page
    response = _sign_up(client, [first, second], sector,
                        **{f"cq_{heard.id}": "1", f"q_{lunch.id}": "yes"})
    assert response.status_code == 303
    person = Participant.get()
    assert person.answers == {str(heard.id): "1"}
    answers = {r.session_id: r.answers for r in Registration.select()}
    assert answers == {first.id: {str(lunch.id): "yes"}, second.id: {}}


def test_a_required_consultation_question_must_be_answered(app, client, setup):
    _, sector, first, _, heard = setup
    heard.required = True
    heard.save()
    missing = _sign_up(client, [first], sector)
    assert missing.status_code == 422
    assert f"{HEARD} Beantwoord deze vraag." in _summary(missing)
    assert f'href="#cq_{heard.id}-0"' in missing.get_data(as_text=True)
    assert Participant.select().count() == 0 and Registration.select().count() == 0
    assert _sign_up(client, [first], sector, **{f"cq_{heard.id}": "2"}).status_code == 303
    assert Participant.get().answers == {str(heard.id): "2"}


def test_an_answer_that_is_not_an_option_is_refused(app, client, setup):
    _, sector, first, _, heard = setup
    response = _sign_up(client, [first], sector, **{f"cq_{heard.id}": "9"})
    assert response.status_code == 422
    assert Participant.select().count() == 0


def test_a_missing_answer_to_a_sessions_question_names_the_session(app, client, setup):
    _, sector, first, second, _ = setup
    lunch = SessionQuestion.create(session=first, kind="single", required=True,
                                   label_nl="Neemt u deel aan de lunch?",
                                   label_en="Will you join the lunch?",
                                   choices_nl="Ja\nNee", choices_en="Yes\nNo")
    SessionQuestion.create(session=second, kind="short_text", required=True,
                           label_nl="Welk onderwerp?", label_en="Which topic?")
    missing = _sign_up(client, [first, second], sector)
    assert missing.status_code == 422
    summary = _summary(missing)
    assert "Startbijeenkomst: Neemt u deel aan de lunch? Beantwoord deze vraag." in summary
    assert "Validatiebijeenkomst: Welk onderwerp? Beantwoord deze vraag." in summary
    assert f'href="#q_{lunch.id}-0"' in missing.get_data(as_text=True)
    english = app.test_client()
    english.set_cookie("lang", "en")
    summary = _summary(_sign_up(english, [first], sector))
    assert "Startbijeenkomst: Will you join the lunch? Please answer this question." in summary
    assert "Which topic" not in summary  # that session was not chosen


def test_a_returning_person_keeps_one_set_of_answers(app, client, setup):
    consultation, sector, first, second, heard = setup
    assert _sign_up(client, [first], sector, **{f"cq_{heard.id}": "0"}).status_code == 303
    remark = ConsultationQuestion.create(consultation=consultation, kind="short_text",
                                         label_nl="Opmerking", position=2)
    again = _sign_up(app.test_client(), [second], sector,
                     **{f"cq_{heard.id}": "2", f"cq_{remark.id}": "Graag parkeren"})
    assert again.status_code == 303
    person = Participant.get()
    assert Participant.select().count() == 1 and Registration.select().count() == 2
    # An answer given before stays (a public form does not overwrite what someone said;
    # whoever types an address is not necessarily its owner); a new one is added.
    assert person.answers == {str(heard.id): "0", str(remark.id): "Graag parkeren"}


def test_a_changed_question_shows_on_the_cached_form_at_once(app, client, setup):
    _, _, _, _, heard = setup
    assert HEARD in client.get("/c/agenda/aanmelden").get_data(as_text=True)
    before = revision(PUBLIC_SCOPE)
    ConsultationQuestion.update(label_nl="Waar hoorde u van ons?").where(
        ConsultationQuestion.id == heard.id).execute()
    assert revision(PUBLIC_SCOPE) != before
    page = client.get("/c/agenda/aanmelden").get_data(as_text=True)
    assert "Waar hoorde u van ons?" in page and HEARD not in page
    for write in (lambda: heard.delete_instance(),
                  lambda: ConsultationQuestion.create(consultation=heard.consultation_id,
                                                      label_nl="Nieuwe vraag")):
        before = revision(PUBLIC_SCOPE)
        write()
        assert revision(PUBLIC_SCOPE) != before
    page = client.get("/c/agenda/aanmelden").get_data(as_text=True)
    assert "Nieuwe vraag" in page and "Waar hoorde u van ons?" not in page


# --- the admin --------------------------------------------------------------------------

URL = "/admin/consultationquestion/"


@pytest.fixture
def english_admin(admin_client):
    admin_client.set_cookie("lang", "en")
    return admin_client


def _new_question(client, consultation, **fields):
    page = client.get(f"{URL}new/").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "consultation": str(consultation.id),
            "position": "1", "kind": "single", "label_nl": "Welke dag?", "label_en": "",
            "choices_nl": "Maandag\nDinsdag", "choices_en": "", "required": "y"}
    data.update(fields)
    return client.post(f"{URL}new/", data=data)


def test_admins_make_consultation_questions_validated_as_session_questions(app, english_admin,
                                                                           setup):
    consultation, *_ = setup
    page = english_admin.get(f"{URL}new/").get_data(as_text=True)
    assert "however many sessions they choose" in page  # the help texts
    assert re.search(r'<textarea[^>]*name="choices_nl"', page)
    one = _new_question(english_admin, consultation, choices_nl="Maandag")
    assert one.status_code == 422 and "at least two options" in one.get_data(as_text=True)
    uneven = _new_question(english_admin, consultation, choices_en="Monday")
    assert uneven.status_code == 422
    assert "as many English options as Dutch ones" in uneven.get_data(as_text=True)
    assert ConsultationQuestion.select().count() == 1  # the fixture's
    assert _new_question(english_admin, consultation).status_code == 302
    made = ConsultationQuestion.get(ConsultationQuestion.label_nl == "Welke dag?")
    assert made.consultation_id == consultation.id and made.required
    assert AuditLog.select().where((AuditLog.action == "create")
                                   & (AuditLog.object_type == "ConsultationQuestion")).exists()
    edit = f"{URL}edit/?id={made.id}"
    data = form_data(english_admin.get(edit).get_data(as_text=True))
    data["label_nl"] = "Op welke dag?"
    assert english_admin.post(edit, data=data).status_code == 302
    assert ConsultationQuestion.get_by_id(made.id).label_nl == "Op welke dag?"
    token = csrf_from(english_admin.get(URL).get_data(as_text=True))
    assert english_admin.post(f"{URL}delete/", data={"csrf_token": token,
                                                     "id": str(made.id)}).status_code == 302
    assert ConsultationQuestion.get_or_none(ConsultationQuestion.id == made.id) is None


def test_other_staff_read_but_do_not_write(app, setup):
    *_, heard = setup
    for role in ("moderator", "viewer"):
        client = app.test_client()
        login(client, make_staff(role))
        assert client.get(URL).status_code == 200
        assert client.get(f"{URL}new/").status_code == 403
        token = csrf_from(client.get(URL).get_data(as_text=True))
        assert client.post(f"{URL}edit/?id={heard.id}", data={
            "csrf_token": token, "label_nl": "Gekaapt"}).status_code == 403
    assert ConsultationQuestion.get_by_id(heard.id).label_nl == HEARD


def test_the_list_shows_the_chosen_consultations_questions_only(app, english_admin, setup):
    consultation, *_, heard = setup
    other = factories.consultation(title="Havenvisie Urk")
    theirs = ConsultationQuestion.create(consultation=other, label_nl="Welke haven?")
    assert "Welke haven?" in english_admin.get(URL).get_data(as_text=True)  # all, at first
    choose(english_admin, consultation)
    listed = english_admin.get(URL).get_data(as_text=True)
    assert HEARD in listed and "Welke haven?" not in listed
    assert english_admin.get(f"{URL}details/?id={theirs.id}").status_code == 404
    assert english_admin.get(f"{URL}edit/?id={theirs.id}").status_code == 404
    new = english_admin.get(f"{URL}new/").get_data(as_text=True)
    field = re.search(r'<select[^>]*id="consultation".*?</select>', new, re.S).group(0)
    assert re.findall(r'<option[^>]*value="(\d+)"', field) == [str(consultation.id)]
    assert f'<option selected value="{consultation.id}">' in field


def test_staff_read_the_answers_on_the_participant(app, english_admin, setup):
    consultation, *_, heard = setup
    remark = ConsultationQuestion.create(consultation=consultation, kind="long_text",
                                         label_nl="Opmerking", label_en="Remark", position=2)
    person = factories.participant(consultation)
    person.answers = {str(heard.id): "1", str(remark.id): "<b>vet</b>", "99999": "weg"}
    person.save()
    details = english_admin.get(f"/admin/participant/details/?id={person.id}").get_data(
        as_text=True)
    assert f"<dt>{heard.label_en}</dt><dd>Newspaper</dd>" in details
    assert "<dt>Remark</dt><dd>&lt;b&gt;vet&lt;/b&gt;</dd>" in details
    assert "weg" not in details
    listed = english_admin.get("/admin/participant/").get_data(as_text=True)
    assert "<dd>Newspaper</dd>" in listed

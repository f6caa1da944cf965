"""The admin side of sign-up: seat rules per session, registrations per session with
actions (attendance, promote, cancel, waiting-list order), manual add, fill levels,
invitation links and sign-up questions."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from consultplatform.models import (
    AuditLog,
    ConsultationSession,
    OutboxMail,
    Registration,
    SessionQuestion,
)
from consultplatform.testing import factories, statements_of
from tests.conftest import csrf_from, login, make_staff
from tests.forms import form_data

ACTION_URL = "/admin/registration/action/"


# --- helpers -----------------------------------------------------------------------------


def _client_for(app, role):
    user = make_staff(role)
    client = app.test_client()
    login(client, user)
    client.set_cookie("lang", "en")  # the assertions read the English source texts
    return client, user


@pytest.fixture
def admin_client(admin_client):
    admin_client.set_cookie("lang", "en")
    return admin_client


def _token(client, url="/admin/registration/") -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return csrf_from(response.get_data(as_text=True))


def _act(client, action, *registrations):
    data = MultiDict([("csrf_token", _token(client)), ("action", action),
                      *(("rowid", str(r.id)) for r in registrations)])
    return client.post(ACTION_URL, data=data)


def _session_form(client, meeting, **changes):
    url = f"/admin/session/edit/?id={meeting.id}"
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page.get_data(as_text=True))
    data.update(changes)
    return url, data


def _fresh(row):
    return type(row).get_by_id(row.id)


def _audit(action):
    return list(AuditLog.select().where(AuditLog.action == action).order_by(AuditLog.id))


def _mails(kind):
    return list(OutboxMail.select().where(OutboxMail.kind == kind).order_by(OutboxMail.id))


@pytest.fixture
def meeting(app):
    """A session with 2 seats, both taken, and three people waiting, in queue order."""
    parent = factories.consultation()
    session = factories.session(parent, capacity=2)
    seated = [factories.registration(factories.participant(parent), session,
                                     status="confirmed", queue_rank=float(i))
              for i in range(2)]
    waiting = [factories.registration(factories.participant(parent), session,
                                      status="waitlisted", queue_rank=float(10 + i))
               for i in range(3)]
    return session, seated, waiting


def _statuses(rows):
    return [_fresh(r).status for r in rows]


def _waiting_order(session):
    return [r.id for r in Registration.select()
            .where((Registration.session == session.id) & (Registration.status == "waitlisted"))
            .order_by(Registration.queue_rank, Registration.id)]


# --- seat rules in the session form ---------------------------------------------------------


def test_capacity_cannot_go_below_the_confirmed_seats(admin_client, meeting):
    session, _seated, _waiting = meeting
    url, data = _session_form(admin_client, session, capacity="1")
    response = admin_client.post(url, data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "There are already 2 confirmed places; the capacity cannot be lower." in body
    assert _fresh(session).capacity == 2
    assert _audit("update") == []


def test_lowering_to_the_confirmed_count_is_fine(admin_client):
    parent = factories.consultation()
    session = factories.session(parent, capacity=5)
    for _ in range(2):
        factories.registration(factories.participant(parent), session, status="confirmed")
    url, data = _session_form(admin_client, session, capacity="2")
    assert admin_client.post(url, data=data).status_code == 302
    assert _fresh(session).capacity == 2


def test_an_overbooked_capacity_may_stay_but_not_drop(admin_client, meeting):
    session, _seated, waiting = meeting
    # Staff gave a third seat by hand: the session is over its capacity of 2.
    Registration.update(status="confirmed").where(Registration.id == waiting[0].id).execute()
    url, data = _session_form(admin_client, session, title="Andere titel")
    assert admin_client.post(url, data=data).status_code == 302  # capacity unchanged: fine
    url, data = _session_form(admin_client, session, capacity="1")
    response = admin_client.post(url, data=data)
    assert response.status_code == 422
    assert "There are already 3 confirmed places" in response.get_data(as_text=True)
    assert _fresh(session).capacity == 2


def test_raising_the_capacity_promotes_waiting_people_with_a_mail(admin_client, meeting):
    session, _seated, waiting = meeting
    url, data = _session_form(admin_client, session, capacity="4")
    response = admin_client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert _fresh(session).capacity == 4
    assert _statuses(waiting) == ["confirmed", "confirmed", "waitlisted"]
    promoted = _mails("promoted")
    assert [m.registration_id for m in promoted] == [waiting[0].id, waiting[1].id]
    assert all(m.ics for m in promoted)  # with the calendar invitation
    assert "got a place" in admin_client.get("/admin/session/").get_data(as_text=True)


def test_side_caps_are_four_fields_stored_as_json(admin_client, meeting):
    session, _seated, _waiting = meeting
    url, data = _session_form(admin_client, session, side_cap_government="3",
                              side_cap_education="0", side_cap_entrepreneur="")
    response = admin_client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert _fresh(session).side_caps == {"government": 3, "education": 0}
    page = admin_client.get(url).get_data(as_text=True)
    assert "Seats for entrepreneurs" in page
    assert re.search(r'name="side_cap_government"[^>]*value="3"|value="3"[^>]*name="side_cap_government"',
                     page)


def test_a_side_cap_cannot_go_below_that_sides_confirmed_seats(admin_client, meeting):
    session, _seated, _waiting = meeting  # two confirmed entrepreneurs (the default side)
    url, data = _session_form(admin_client, session, side_cap_entrepreneur="1")
    response = admin_client.post(url, data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "There are already 2 confirmed places for entrepreneurs" in body
    assert _fresh(session).side_caps == {}


def test_a_negative_cap_is_refused(admin_client, meeting):
    session, *_ = meeting
    for field in ("capacity", "side_cap_other", "reminder_hours"):
        url, data = _session_form(admin_client, session, **{field: "-1"})
        assert admin_client.post(url, data=data).status_code == 422, field


def test_reminder_hours_are_editable(admin_client, meeting):
    session, *_ = meeting
    url, data = _session_form(admin_client, session, reminder_hours="24")
    assert admin_client.post(url, data=data).status_code == 302
    assert _fresh(session).reminder_hours == 24


# --- invitation links ---------------------------------------------------------------------


def test_invite_only_session_gets_a_link_shown_and_renewable(app, admin_client):
    parent = factories.consultation(slug="agenda-2030")
    session = factories.session(parent, capacity=10)
    assert session.invite_token is None
    url, data = _session_form(admin_client, session, audience="invite")
    assert admin_client.post(url, data=data).status_code == 302
    token = _fresh(session).invite_token
    assert token and len(token) >= 32
    link = f"http://127.0.0.1:5000/c/agenda-2030/aanmelden?uitnodiging={token}"
    assert link in admin_client.get(url).get_data(as_text=True)
    assert link in admin_client.get(f"/admin/session/details/?id={session.id}").get_data(
        as_text=True)
    # The token is not a text field anyone could type in.
    assert 'name="invite_token"' not in admin_client.get(url).get_data(as_text=True)
    # Saving again keeps it; ticking "new invitation link" replaces it.
    url, data = _session_form(admin_client, session, title="Op uitnodiging")
    assert admin_client.post(url, data=data).status_code == 302
    assert _fresh(session).invite_token == token
    url, data = _session_form(admin_client, session, new_invite_link="y")
    assert admin_client.post(url, data=data).status_code == 302
    renewed = _fresh(session).invite_token
    assert renewed and renewed != token
    page = admin_client.get(url).get_data(as_text=True)
    assert renewed in page and token not in page
    # The public sign-up page takes the new link and not the old one.
    assert app.test_client().get(f"/c/agenda-2030/aanmelden?uitnodiging={renewed}").status_code \
        == 200
    assert app.test_client().get(f"/c/agenda-2030/aanmelden?uitnodiging={token}").status_code \
        == 404


def test_viewers_do_not_see_the_invitation_secret(app):
    client, _ = _client_for(app, "viewer")
    session = factories.session(factories.consultation(), audience="invite",
                                invite_token="geheim-token-van-32-tekens-lang-ok")
    body = client.get(f"/admin/session/details/?id={session.id}").get_data(as_text=True)
    assert "geheim-token" not in body


# --- actions --------------------------------------------------------------------------------


def test_actions_refuse_a_post_without_csrf(admin_client, meeting):
    _session, _seated, waiting = meeting
    response = admin_client.post(ACTION_URL, data={"action": "promote", "rowid": str(waiting[0].id)})
    assert response.status_code == 400
    assert _fresh(waiting[0]).status == "waitlisted"


@pytest.mark.parametrize("action, value", [("attended", "attended"), ("no_show", "no_show")])
def test_admin_marks_attendance(admin_client, admin_user, meeting, action, value):
    _session, seated, waiting = meeting
    response = _act(admin_client, action, *seated, waiting[0])
    assert response.status_code == 302
    assert [_fresh(r).attendance for r in seated] == [value, value]
    assert _fresh(waiting[0]).attendance is None  # only confirmed seats get a mark
    rows = _audit("attendance")
    assert sorted(r.object_id for r in rows) == sorted(str(r.id) for r in seated)
    assert all(r.actor_id == admin_user.id and r.details == {"attendance": value} for r in rows)


def test_admin_promotes_by_hand_even_when_full(admin_client, meeting):
    _session, seated, waiting = meeting
    response = _act(admin_client, "promote", waiting[2])
    assert response.status_code == 302
    assert _statuses(waiting) == ["waitlisted", "waitlisted", "confirmed"]
    assert _fresh(waiting[2]).promoted_at is not None
    assert [m.registration_id for m in _mails("promoted")] == [waiting[2].id]
    assert [r.object_id for r in _audit("promote")] == [str(waiting[2].id)]
    # Promoting someone with a seat already changes nothing.
    assert _act(admin_client, "promote", seated[0]).status_code == 302
    assert len(_audit("promote")) == 1


def test_cancel_action_hands_the_seat_to_the_next_waiting_person(admin_client, meeting):
    _session, seated, waiting = meeting
    response = _act(admin_client, "cancel", seated[0])
    assert response.status_code == 302
    assert _fresh(seated[0]).status == "cancelled"
    assert _statuses(waiting) == ["confirmed", "waitlisted", "waitlisted"]
    assert [m.registration_id for m in _mails("cancelled")] == [seated[0].id]
    assert [m.registration_id for m in _mails("promoted")] == [waiting[0].id]
    rows = _audit("cancel")
    assert [r.object_id for r in rows] == [str(seated[0].id)]
    assert rows[0].details == {"was": "confirmed", "promoted": [str(waiting[0].id)]}
    # Cancelling again is a no-op, without a second audit row.
    assert _act(admin_client, "cancel", seated[0]).status_code == 302
    assert len(_audit("cancel")) == 1


def test_cancelling_a_waiting_person_promotes_no_one(admin_client, meeting):
    _session, _seated, waiting = meeting
    assert _act(admin_client, "cancel", waiting[1]).status_code == 302
    assert _statuses(waiting) == ["waitlisted", "cancelled", "waitlisted"]
    assert _mails("promoted") == []


def test_moving_in_the_waiting_list_changes_who_is_promoted(admin_client, meeting):
    session, seated, waiting = meeting
    first, second, third = waiting
    assert _act(admin_client, "move_up", third).status_code == 302
    assert _waiting_order(session) == [first.id, third.id, second.id]
    assert _act(admin_client, "move_down", first).status_code == 302
    assert _waiting_order(session) == [third.id, first.id, second.id]
    # Already first: stays first.
    assert _act(admin_client, "move_up", third).status_code == 302
    assert _waiting_order(session) == [third.id, first.id, second.id]
    assert [r.object_id for r in _audit("move_up")] == [str(third.id)]
    assert [r.object_id for r in _audit("move_down")] == [str(first.id)]
    # The next free seat goes to the person now at the front.
    assert _act(admin_client, "cancel", seated[1]).status_code == 302
    assert _statuses([third, first, second]) == ["confirmed", "waitlisted", "waitlisted"]
    assert [m.registration_id for m in _mails("promoted")] == [third.id]


def test_moving_a_block_keeps_it_together_and_ties_are_broken(admin_client, meeting):
    session, _seated, waiting = meeting
    # Signed up a second apart, in 2023: ties where the column keeps single precision
    # (PostgreSQL's REAL), so the id decides.
    for i, row in enumerate(waiting):
        Registration.update(queue_rank=1.7e9 + i).where(Registration.id == row.id).execute()
    assert _waiting_order(session) == [r.id for r in waiting]
    assert _act(admin_client, "move_up", waiting[1], waiting[2]).status_code == 302
    assert _waiting_order(session) == [waiting[1].id, waiting[2].id, waiting[0].id]
    assert _act(admin_client, "move_down", waiting[1]).status_code == 302
    assert _waiting_order(session) == [waiting[2].id, waiting[1].id, waiting[0].id]
    # Whoever joins the list now still comes last.
    late = factories.registration(factories.participant(session.consultation), session,
                                  status="waitlisted")
    assert _waiting_order(session) == [waiting[2].id, waiting[1].id, waiting[0].id, late.id]


def test_the_list_shows_waiting_positions_and_attendance(admin_client, meeting):
    session, seated, waiting = meeting
    _act(admin_client, "attended", seated[0])
    body = admin_client.get(f"/admin/registration/?flt0_0={session.id}").get_data(as_text=True)
    assert "Place on waiting list" in body or "Plaats op wachtlijst" in body
    for position, row in enumerate(waiting, start=1):
        assert re.search(rf'value="{row.id}"[\s\S]*?col-queue_position">\s*{position}\s*<', body), \
            position


# --- who may run actions ----------------------------------------------------------------------


def test_moderator_marks_attendance_on_own_session_only(app, meeting):
    client, moderator = _client_for(app, "moderator")
    session, seated, waiting = meeting
    ConsultationSession.update(moderator=moderator).where(
        ConsultationSession.id == session.id).execute()
    other = factories.session(session.consultation, moderator=make_staff("moderator"))
    elsewhere = factories.registration(factories.participant(session.consultation), other)

    assert _act(client, "attended", seated[0]).status_code == 302
    assert _fresh(seated[0]).attendance == "attended"
    assert len(_audit("attendance")) == 1

    # Someone else's session, alone or mixed with one's own: refused, nothing changed.
    for rows in ((elsewhere,), (seated[1], elsewhere)):
        assert _act(client, "no_show", *rows).status_code == 403
    assert _fresh(elsewhere).attendance is None and _fresh(seated[1]).attendance is None
    assert len(_audit("attendance")) == 1
    assert AuditLog.select().where(AuditLog.result == "denied").count() == 2

    # Promote, cancel and reorder stay with administrators, on one's own session too.
    for action in ("promote", "cancel", "move_up", "move_down", "delete"):
        assert _act(client, action, waiting[1]).status_code == 403, action
    assert _statuses(waiting) == ["waitlisted"] * 3
    assert _mails("promoted") == [] and _mails("cancelled") == []


def test_moderator_sees_only_registrations_of_own_sessions(app, meeting):
    client, moderator = _client_for(app, "moderator")
    session, seated, _waiting = meeting
    mine = factories.session(session.consultation, moderator=moderator)
    own = factories.registration(seated[0].participant, mine)
    body = client.get("/admin/registration/").get_data(as_text=True)
    assert body.count('name="rowid"') == 1 and f'value="{own.id}"' in body
    assert client.get(f"/admin/registration/details/?id={own.id}").status_code == 200
    assert client.get(f"/admin/registration/details/?id={seated[1].id}").status_code == 404


def test_actions_tell_plugins_through_the_event_hooks(admin_client, meeting):
    from tests.plugin_fullhooks.models import FullhooksEvent

    def events(hook):
        return [e.object_id for e in FullhooksEvent.select().where(FullhooksEvent.hook == hook)]

    _session, seated, waiting = meeting
    assert _act(admin_client, "promote", waiting[2]).status_code == 302
    assert events("cp_registration_promoted") == [waiting[2].id]
    # Three confirmed on two seats now: cancelling two frees one seat for the first waiting.
    assert _act(admin_client, "cancel", *seated).status_code == 302
    assert sorted(events("cp_registration_cancelled")) == sorted(r.id for r in seated)
    assert events("cp_registration_promoted") == [waiting[2].id, waiting[0].id]


def test_moderator_without_sessions_cannot_mark_attendance(app, meeting):
    client, _ = _client_for(app, "moderator")
    _session, seated, _waiting = meeting  # a session without a moderator
    assert _act(client, "attended", seated[0]).status_code == 403
    assert _fresh(seated[0]).attendance is None


def test_viewer_can_run_no_action(app, meeting):
    client, _ = _client_for(app, "viewer")
    _session, seated, waiting = meeting
    page = client.get("/admin/registration/").get_data(as_text=True)
    assert "action_form" not in page or 'value="promote"' not in page
    for action in ("attended", "no_show", "promote", "cancel", "move_up", "move_down"):
        assert _act(client, action, seated[0], waiting[0]).status_code == 403, action
    assert _statuses(seated) == ["confirmed"] * 2 and _statuses(waiting) == ["waitlisted"] * 3
    assert _fresh(seated[0]).attendance is None
    assert [r.action for r in AuditLog.select().where(AuditLog.result == "success")] == ["login"]


def test_bulk_delete_of_registrations_is_not_offered(admin_client, meeting):
    _session, seated, _waiting = meeting
    assert _act(admin_client, "delete", seated[0]).status_code == 400
    assert Registration.select().count() == 5


def test_deleting_a_confirmed_registration_gives_its_seat_away(admin_client, meeting):
    _session, seated, waiting = meeting
    token = _token(admin_client)
    response = admin_client.post("/admin/registration/delete/",
                                 data={"csrf_token": token, "id": str(seated[0].id)})
    assert response.status_code == 302
    assert Registration.get_or_none(Registration.id == seated[0].id) is None
    assert _statuses(waiting) == ["confirmed", "waitlisted", "waitlisted"]


# --- manual add and edit ----------------------------------------------------------------------


def _create(client, person, session, attendance=""):
    token = _token(client, "/admin/registration/new/")
    return client.post("/admin/registration/new/", data={
        "csrf_token": token, "participant": str(person.id), "session": str(session.id),
        "attendance": attendance or "__None"})


def test_manual_add_follows_the_seat_rules(admin_client, meeting):
    session, _seated, _waiting = meeting
    parent = session.consultation
    page = admin_client.get("/admin/registration/new/").get_data(as_text=True)
    assert 'name="status"' not in page

    full = factories.participant(parent)
    response = _create(admin_client, full, session)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    added = Registration.get(Registration.participant == full.id)
    assert added.status == "waitlisted"
    assert _waiting_order(session)[-1] == added.id  # at the back of the queue
    assert [m.registration_id for m in _mails("waitlisted")] == [added.id]

    roomy = factories.session(parent, capacity=5)
    response = _create(admin_client, full, roomy, attendance="attended")  # added at the door
    assert response.status_code == 302
    seat = Registration.get((Registration.participant == full.id)
                            & (Registration.session == roomy.id))
    assert (seat.status, seat.attendance) == ("confirmed", "attended")
    assert added.attendance is None
    assert [m.registration_id for m in _mails("confirmation")] == [seat.id]
    rows = _audit("create")
    assert [(r.object_id, r.details["status"]) for r in rows] == [
        (str(added.id), "waitlisted"), (str(seat.id), "confirmed")]


def test_manual_add_refuses_doubles_and_other_consultations(admin_client, meeting):
    session, seated, _waiting = meeting
    response = _create(admin_client, seated[0].participant, session)
    assert response.status_code == 422
    assert "already signed up" in response.get_data(as_text=True)
    stranger = factories.participant(factories.consultation())
    response = _create(admin_client, stranger, session)
    assert response.status_code == 422
    assert "another consultation" in response.get_data(as_text=True)
    assert Registration.select().count() == 5
    assert OutboxMail.select().count() == 0


def test_manual_add_to_a_closed_session_is_refused(admin_client, meeting):
    session, *_ = meeting
    ConsultationSession.update(status="closed").where(
        ConsultationSession.id == session.id).execute()
    response = _create(admin_client, factories.participant(session.consultation), session)
    assert response.status_code == 422
    assert Registration.select().count() == 5


def test_edit_form_changes_attendance_only(admin_client, meeting):
    _session, _seated, waiting = meeting
    url = f"/admin/registration/edit/?id={waiting[0].id}"
    page = admin_client.get(url).get_data(as_text=True)
    assert 'name="status"' not in page and 'name="attendance"' in page
    token = csrf_from(page)
    response = admin_client.post(url, data={"csrf_token": token, "status": "confirmed",
                                            "attendance": "attended"})
    assert response.status_code == 302
    fresh = _fresh(waiting[0])
    assert (fresh.status, fresh.attendance) == ("waitlisted", "attended")
    assert _mails("promoted") == []
    assert _audit("update")[0].details["fields"] == ["attendance"]


# --- per session: links, counts, fill levels, query counts -------------------------------------


def test_session_list_shows_fill_levels_and_links_to_its_registrations(admin_client, meeting):
    session, _seated, _waiting = meeting
    other = factories.session(session.consultation, capacity=None)
    factories.registration(factories.participant(session.consultation), other)
    body = admin_client.get("/admin/session/").get_data(as_text=True)
    assert "2 / 2 confirmed, 3 waiting" in body
    assert "1 confirmed (no limit), 0 waiting" in body
    link = f"/admin/registration/?flt0_0={session.id}"
    assert link in body
    listed = admin_client.get(link).get_data(as_text=True)
    assert listed.count('name="rowid"') == 5
    assert session.title in listed
    details = admin_client.get(f"/admin/session/details/?id={session.id}").get_data(as_text=True)
    assert link in details and "2 / 2 confirmed, 3 waiting" in details


def test_registration_filters(admin_client, meeting):
    _session, seated, _waiting = meeting
    other = factories.session(factories.consultation(title="Andere consultatie"), capacity=3)
    factories.registration(factories.participant(other.consultation), other)
    _act(admin_client, "attended", seated[0])
    view = next(v for v in admin_client.application.extensions["admin"][0]._views
                if getattr(v, "endpoint", None) == "registration")
    args = {str(flt.name): key for key, (_i, flt) in view._filter_args.items()}

    def count(**query):
        response = admin_client.get("/admin/registration/", query_string=query)
        assert response.status_code == 200
        return response.get_data(as_text=True).count('name="rowid"')

    assert count() == 6
    assert count(**{f"flt0_{args['Status']}": "waitlisted"}) == 3
    assert count(**{f"flt0_{args['Attendance']}": "attended"}) == 1
    assert count(**{f"flt0_{args['Attendance']}": "none"}) == 5
    assert count(**{f"flt0_{args['Consultation']}": "Andere"}) == 1
    assert count(**{f"flt0_{args['Session number']}": str(other.id)}) == 1
    assert admin_client.get("/admin/registration/", query_string={
        f"flt0_{args['Attendance']}": "maybe"}).status_code == 400


def test_index_shows_fill_levels_per_session(admin_client, meeting):
    session, _seated, _waiting = meeting
    body = admin_client.get("/admin/").get_data(as_text=True)
    table = body[body.index("cp-fill-levels"):]
    assert "<caption>" in table and 'scope="col"' in table and 'scope="row"' in table
    row = table[table.index(session.title) - 200:table.index(session.title) + 600]
    cells = re.findall(r'<td class="text-right">([^<]*)</td>', row)
    assert cells[:5] == ["2", "2", "0", "100%", "3"]
    assert f"/admin/registration/?flt0_0={session.id}" in row


def _populate(sessions: int, per_session: int):
    parent = factories.consultation()
    sector = factories.sector(parent)
    moderator = make_staff("moderator")
    for _ in range(sessions):
        session = factories.session(parent, capacity=per_session, sector=sector,
                                    moderator=moderator)
        for i in range(per_session + 1):
            factories.registration(factories.participant(parent), session,
                                   status="confirmed" if i < per_session else "waitlisted")


@pytest.mark.parametrize("url", ["/admin/", "/admin/session/", "/admin/registration/",
                                 "/admin/question/"])
def test_lists_run_a_bounded_number_of_queries(admin_client, url):
    def queries() -> int:
        return len(statements_of(admin_client, url))

    _populate(sessions=1, per_session=1)
    for session in ConsultationSession.select():
        SessionQuestion.create(session=session, label_nl="Vraag")
    few = queries()
    _populate(sessions=8, per_session=3)
    for session in ConsultationSession.select():
        SessionQuestion.create(session=session, label_nl="Nog een vraag")
    many = queries()
    assert many == few, (url, few, many)
    assert few <= 20, few


# --- sign-up questions ----------------------------------------------------------------------


def test_questions_are_admin_written_and_validated(app, admin_client, meeting):
    session, *_ = meeting
    token = _token(admin_client, "/admin/question/new/")
    data = {"csrf_token": token, "session": str(session.id), "position": "1", "kind": "single",
            "label_nl": "Welke dag?", "label_en": "", "choices_nl": "Maandag",
            "choices_en": ""}
    response = admin_client.post("/admin/question/new/", data=data)
    assert response.status_code == 422
    assert "at least two options" in response.get_data(as_text=True)
    page = admin_client.get("/admin/question/new/").get_data(as_text=True)
    assert re.search(r'<textarea[^>]*name="choices_nl"', page)
    data["choices_nl"] = "Maandag\nDinsdag"
    assert admin_client.post("/admin/question/new/", data=data).status_code == 302
    question = SessionQuestion.get()
    assert question.options("nl") == ["Maandag", "Dinsdag"]
    listed = admin_client.get(f"/admin/question/?flt0_0={session.id}").get_data(as_text=True)
    assert "Welke dag?" in listed
    for role in ("moderator", "viewer"):
        client, _ = _client_for(app, role)
        assert client.get("/admin/question/").status_code == 200
        assert client.get("/admin/question/new/").status_code == 403
        token = _token(client, "/admin/question/")
        assert client.post(f"/admin/question/edit/?id={question.id}", data={
            "csrf_token": token, "label_nl": "Gekaapt"}).status_code == 403
    assert SessionQuestion.get().label_nl == "Welke dag?"


def test_deleting_a_confirmed_registration_cancels_it_first(app, admin_client):
    from consultplatform.models import OutboxMail

    parent = factories.consultation()
    meeting = factories.session(parent, capacity=1)
    seat = factories.registration(factories.participant(parent), meeting)
    waiting = factories.registration(factories.participant(parent), meeting, status="waitlisted")
    response = admin_client.post("/admin/registration/delete/", data={
        "csrf_token": _token(admin_client), "id": str(seat.id)})
    assert response.status_code == 302
    assert Registration.get_or_none(Registration.id == seat.id) is None
    assert Registration.get_by_id(waiting.id).status == "confirmed"
    kinds = sorted(m.kind for m in OutboxMail.select())
    assert kinds == ["cancelled", "promoted"]


def test_moving_or_cancelling_a_session_tells_the_people_with_a_seat(app, admin_client):
    import datetime as dt

    from icalendar import Calendar

    from consultplatform.models import ConsultationSession, OutboxMail

    parent = factories.consultation()
    meeting = factories.session(parent, capacity=5)
    seat = factories.registration(factories.participant(parent), meeting)
    factories.registration(factories.participant(parent), meeting, status="waitlisted")
    seat.reminded_at = dt.datetime(2030, 1, 1)
    seat.save()
    url = f"/admin/session/edit/?id={meeting.id}"

    data = form_data(admin_client.get(url).get_data(as_text=True))
    data["title"] = "Alleen een nieuwe titel"
    assert admin_client.post(url, data=data).status_code == 302
    assert OutboxMail.select().count() == 0  # nothing participants need to act on

    later = meeting.starts_at + dt.timedelta(days=1)
    data = form_data(admin_client.get(url).get_data(as_text=True))
    data.update(starts_at=later.strftime("%Y-%m-%dT%H:%M"),
                ends_at=(later + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    assert admin_client.post(url, data=data).status_code == 302
    (moved,) = OutboxMail.select()
    assert moved.kind == "updated" and moved.registration_id == seat.id
    event = Calendar.from_ical(moved.ics).walk("VEVENT")[0]
    assert event.decoded("dtstart").replace(tzinfo=None) == later
    assert Registration.get_by_id(seat.id).reminded_at is None  # a new reminder will go

    data = form_data(admin_client.get(url).get_data(as_text=True))
    data["status"] = "cancelled"
    assert admin_client.post(url, data=data).status_code == 302
    kinds = [m.kind for m in OutboxMail.select().order_by(OutboxMail.id)]
    assert kinds == ["updated", "session_cancelled"]
    cancel = OutboxMail.get(OutboxMail.kind == "session_cancelled")
    assert "METHOD:CANCEL" in cancel.ics
    assert ConsultationSession.get_by_id(meeting.id).status == "cancelled"


def test_staff_read_the_answers_with_option_labels_escaped(app, admin_client):
    from consultplatform.models import SessionQuestion

    parent = factories.consultation()
    meeting = factories.session(parent)
    lunch = SessionQuestion.create(session=meeting, kind="single", label_nl="Lunch?",
                                   label_en="Lunch?", choices_nl="Ja\nNee",
                                   choices_en="Yes\nNo")
    note = SessionQuestion.create(session=meeting, kind="long_text", label_nl="Opmerking",
                                  label_en="Remark")
    seat = factories.registration(factories.participant(parent), meeting,
                                  answers={str(lunch.id): "1", str(note.id): "<script>x</script>",
                                           "999999": "vraag bestaat niet meer"})
    html = admin_client.get(f"/admin/registration/details/?id={seat.id}").get_data(as_text=True)
    assert "<dt>Lunch?</dt><dd>No</dd>" in html
    assert "<dt>Remark</dt><dd>&lt;script&gt;x&lt;/script&gt;</dd>" in html
    assert "vraag bestaat niet meer" not in html

"""The session and registration services, called directly (no HTTP), refusals included."""

from __future__ import annotations

import pytest

from consultplatform.models import AuditLog, ConsultationSession, OutboxMail, Registration
from consultplatform.services.attendance import mark_attendance
from consultplatform.services.registrations import (
    RegistrationError,
    add_by_staff,
    cancel_by_staff,
    move_in_waiting_list,
    promote_by_staff,
)
from consultplatform.services.sessions import (
    SessionStateError,
    close_session,
    reopen_session,
    seat_rule_errors,
)
from consultplatform.services.signup import CONFIRMED, WAITLISTED, Applicant, SignUp, sign_up
from consultplatform.testing import factories
from tests.plugin_fullhooks.models import FullhooksEvent


def _closed_events(session_id: int) -> int:
    return FullhooksEvent.select().where((FullhooksEvent.hook == "cp_session_closed")
                                         & (FullhooksEvent.object_id == session_id)).count()


def test_close_and_reopen_a_session(app):
    meeting = factories.session(factories.consultation())
    with app.test_request_context():
        first = close_session(meeting.id)
        again = close_session(meeting.id)
        assert (first.changed, again.changed) == (True, False)
        assert ConsultationSession.get_by_id(meeting.id).status == "closed"
        assert _closed_events(meeting.id) == 1  # fired once, after the commit
        assert reopen_session(meeting.id).changed is True
        assert reopen_session(meeting.id).changed is False
        assert ConsultationSession.get_by_id(meeting.id).status == "planned"
    actions = [row.action for row in AuditLog.select().order_by(AuditLog.id)]
    assert actions == ["close", "reopen"]


def test_a_cancelled_session_cannot_be_closed(app):
    meeting = factories.session(factories.consultation(), status="cancelled")
    with app.test_request_context(), pytest.raises(SessionStateError):
        close_session(meeting.id)
    assert _closed_events(meeting.id) == 0


def test_seat_rules_refuse_a_capacity_below_the_confirmed_places(app):
    parent = factories.consultation()
    meeting = factories.session(parent, capacity=5)
    for _ in range(3):
        factories.registration(factories.participant(parent), meeting, status="confirmed")
    with app.test_request_context():
        meeting.capacity = 2
        assert "capacity" in seat_rule_errors(meeting)
        meeting.capacity = 3
        assert seat_rule_errors(meeting) == {}


def _sign_up(parent, meeting, n):
    return sign_up(SignUp(consultation=parent, applicant=Applicant(
        name=f"Persoon {n}", email=f"persoon{n}@example.org", organisation="", sector_id=None,
        side="government", phone="", language="nl"), session_ids=[meeting.id]))[0]


def test_staff_add_cancel_promote_and_move(app):
    parent = factories.consultation()
    meeting = factories.session(parent, capacity=1)
    with app.test_request_context():
        seated = factories.participant(parent, side="government")
        outcome = add_by_staff(seated.id, meeting.id, attendance="attended")
        assert outcome.result == CONFIRMED and outcome.registration.attendance == "attended"
        waiting = [_sign_up(parent, meeting, n) for n in range(3)]
        assert {w.result for w in waiting} == {WAITLISTED}
        ids = [w.registration.id for w in waiting]
        # The last one moves up one place; moving the first up changes nothing.
        assert move_in_waiting_list([ids[2]], up=True) == 1
        assert move_in_waiting_list([ids[0]], up=True) == 0
        order = [r.id for r in Registration.select().where(Registration.status == "waitlisted")
                 .order_by(Registration.queue_rank)]
        assert order == [ids[0], ids[2], ids[1]]
        # Cancelling the seated person gives the place to the first in the queue.
        done = cancel_by_staff([outcome.registration.id, outcome.registration.id])
        assert (done.cancelled, done.promoted) == (1, 1)
        assert Registration.get_by_id(ids[0]).status == "confirmed"
        assert cancel_by_staff([outcome.registration.id]).cancelled == 0  # already cancelled
        # Giving a place regardless of the capacity; a confirmed one is left alone.
        assert promote_by_staff([ids[1], ids[0]]) == 1
        assert Registration.get_by_id(ids[1]).status == "confirmed"
    assert OutboxMail.select().where(OutboxMail.kind == "promoted").count() == 2
    assert AuditLog.select().where(AuditLog.action == "cancel").count() == 1


def test_staff_cannot_add_someone_of_another_consultation(app):
    meeting = factories.session(factories.consultation())
    stranger = factories.participant(factories.consultation())
    with app.test_request_context(), pytest.raises(RegistrationError):
        add_by_staff(stranger.id, meeting.id)
    assert Registration.select().count() == 0


def test_mark_attendance_changes_confirmed_registrations_only(app):
    parent = factories.consultation()
    meeting = factories.session(parent)
    seat = factories.registration(factories.participant(parent), meeting, status="confirmed")
    queue = factories.registration(factories.participant(parent), meeting, status="waitlisted")
    with app.test_request_context():
        assert mark_attendance({seat.id: "attended", queue.id: "attended"}) == 1
        assert mark_attendance({seat.id: "attended"}) == 0
    assert Registration.get_by_id(seat.id).attendance == "attended"
    assert Registration.get_by_id(queue.id).attendance is None

"""The seat counters always equal a recount, whatever writes the registrations.

Threads with their own connections sign up, cancel, promote, reorder the
waiting list, and do what staff edits do (a participant's sector or side, a
registration moved to another session, a participant or a sector deleted), all
at once on the real database; afterwards no counter differs from a recount.
Then the repair command finds and fixes a counter that was tampered with.
"""

from __future__ import annotations

import contextlib
import random
import threading
from concurrent.futures import ThreadPoolExecutor

from consultplatform.db import db, write_transaction
from consultplatform.models import ConsultationSession, Participant, Registration
from consultplatform.seat_counts import confirmed_counts, drift, status_counts
from consultplatform.seats import lock_sessions_of, occupancy
from consultplatform.services.registrations import move_in_waiting_list, promote_by_staff
from consultplatform.services.signup import Applicant, SignUp, cancel, sign_up
from consultplatform.testing import factories
from tests.conftest import make_app

THREADS = 8
ROUNDS = 12


def _recount(session_id: int) -> tuple[int, dict, dict]:
    rows = list(Registration.select(Participant.sector, Participant.side).join(Participant)
                .where((Registration.session == session_id)
                       & (Registration.status == "confirmed")).tuples())
    by_sector: dict = {}
    by_side: dict = {}
    for sector, side in rows:
        by_sector[sector] = by_sector.get(sector, 0) + 1
        by_side[side] = by_side.get(side, 0) + 1
    return len(rows), by_sector, by_side


def assert_counters_exact(session_ids: list[int]) -> None:
    assert drift() == []
    for session_id in session_ids:
        taken = occupancy(ConsultationSession.get_by_id(session_id))
        assert (taken.total, taken.by_sector, taken.by_side) == _recount(session_id)
    totals = confirmed_counts(session_ids)
    assert {s: totals.get(s, 0) for s in session_ids} == {s: _recount(s)[0] for s in session_ids}


def test_a_sign_up_a_cancellation_and_a_promotion_change_the_counters(app):
    parent = factories.consultation()
    sector = factories.sector(parent)
    meeting = factories.session(parent, capacity=1)
    with app.app_context():
        first = sign_up(SignUp(parent, Applicant("A", "a@example.org", sector_id=sector.id),
                               [meeting.id]))[0]
        second = sign_up(SignUp(parent, Applicant("B", "b@example.org", side="education"),
                                [meeting.id]))[0]
        assert occupancy(meeting).by_sector == {sector.id: 1}
        assert occupancy(meeting).by_side == {"entrepreneur": 1}
        cancel(first.registration.id)  # B is promoted into the freed seat
        taken = occupancy(meeting)
        assert (taken.total, taken.by_sector, taken.by_side) == (1, {None: 1}, {"education": 1})
        assert Registration.get_by_id(second.registration.id).status == "confirmed"
        assert_counters_exact([meeting.id])


def test_counters_follow_deletes_that_cascade(app):
    parent = factories.consultation()
    sector = factories.sector(parent)
    meetings = [factories.session(parent) for _ in range(2)]
    people = [factories.participant(parent, sector=sector) for _ in range(3)]
    for person in people:
        for meeting in meetings:
            factories.registration(person, meeting)
    assert confirmed_counts([m.id for m in meetings]) == {m.id: 3 for m in meetings}
    sector.delete_instance()  # participants' sector set to NULL by the foreign key
    assert occupancy(meetings[0]).by_sector == {None: 3}
    people[0].delete_instance()  # registrations cascade
    assert confirmed_counts([m.id for m in meetings]) == {m.id: 2 for m in meetings}
    Registration.update(status="cancelled").where(Registration.session == meetings[0].id).execute()
    assert status_counts([meetings[0].id]) == {meetings[0].id: {"cancelled": 2}}
    meetings[1].delete_instance()
    assert_counters_exact([meetings[0].id])
    parent.delete_instance()  # everything cascades, counters with it
    assert drift() == []


def test_a_registration_moved_to_another_session_moves_its_seat(app):
    parent = factories.consultation()
    first, second = factories.session(parent), factories.session(parent)
    registration = factories.registration(factories.participant(parent), first)
    registration.session = second
    registration.save()
    assert confirmed_counts([first.id, second.id]) == {second.id: 1}
    Registration.update(status="waitlisted").execute()
    assert status_counts([first.id, second.id]) == {second.id: {"waitlisted": 1}}
    assert_counters_exact([first.id, second.id])


def _worker(app, number: int, parent_id: int, session_ids: list[int], sector_ids: list[int],
            barrier: threading.Barrier) -> int:
    """One thread's random mix of everything that changes who has a seat."""
    chance = random.Random(number)
    done = 0
    with app.app_context():
        db.connect(reuse_if_open=True)
        try:
            parent = ConsultationSession.get_by_id(session_ids[0]).consultation
            barrier.wait()
            for turn in range(ROUNDS):
                # Another thread may delete the person picked: fine, go on.
                with contextlib.suppress(Registration.DoesNotExist, Participant.DoesNotExist):
                    _one_change(chance, number, turn, parent, session_ids, sector_ids)
                done += 1
        finally:
            db.close()
    return done


def _one_change(chance: random.Random, number: int, turn: int, parent, session_ids: list[int],
                sector_ids: list[int]) -> None:
    action = chance.choice(["sign_up", "sign_up", "sign_up", "cancel", "promote", "reorder",
                            "sector", "delete"])
    some = list(Registration.select(Registration.id).join(ConsultationSession)
                .where(ConsultationSession.id.in_(session_ids)).order_by(Registration.id)
                .tuples())
    picked = chance.choice(some)[0] if some else None
    if action == "sign_up" or picked is None:
        applicant = Applicant(f"T{number}-{turn}", f"t{number}-{turn}@example.org",
                              sector_id=chance.choice([*sector_ids, None]),
                              side=chance.choice(["entrepreneur", "education"]))
        sign_up(SignUp(parent, applicant, chance.sample(session_ids, 2)))
    elif action == "cancel":
        cancel(picked)
    elif action == "promote":
        promote_by_staff([picked])
    elif action == "reorder":
        move_in_waiting_list([picked], up=chance.random() < 0.5)
    elif action == "sector":  # what the participant's edit form in the admin does
        with write_transaction():
            person = Registration.get_by_id(picked).participant
            lock_sessions_of(person.id)
            person.sector, person.side = chance.choice([*sector_ids, None]), \
                chance.choice(["entrepreneur", "education", "government"])
            person.save()
    else:  # what deleting a participant in the admin does
        with write_transaction():
            person = Registration.get_by_id(picked).participant
            lock_sessions_of(person.id)
            person.delete_instance()


def test_counters_equal_a_recount_after_concurrent_changes(app, migrated, instance_dir):
    parent = factories.consultation()
    sector_ids = [factories.sector(parent).id for _ in range(3)]
    session_ids = [factories.session(parent, capacity=6, sector_cap=3,
                                     side_caps={"education": 2}).id for _ in range(3)]
    racing = make_app(migrated, instance_dir, RATELIMIT_ENABLED=False)
    barrier = threading.Barrier(THREADS, timeout=60)
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(_worker, racing, n, parent.id, session_ids, sector_ids, barrier)
                   for n in range(THREADS)]
        done = sum(future.result() for future in futures)
    assert done == THREADS * ROUNDS
    with app.app_context():
        db.connect(reuse_if_open=True)
        assert Registration.select().count() > 0
        assert_counters_exact(session_ids)
        # Every kind of change really happened (staff promotions may exceed the caps).
        statuses = {status for (status,) in Registration.select(Registration.status).tuples()}
        assert {"confirmed", "cancelled"} <= statuses


def test_the_repair_command_finds_and_fixes_a_wrong_counter(app):
    parent = factories.consultation()
    meeting = factories.session(parent)
    for _ in range(4):
        factories.registration(factories.participant(parent), meeting)
    db.obj.execute_sql("UPDATE seat_tally SET n = 99")
    runner = app.test_cli_runner()
    check = runner.invoke(args=["seats", "recount", "--check"])
    assert check.exit_code == 1 and "99" in check.output
    assert drift() != []
    fixed = runner.invoke(args=["seats", "recount"])
    assert fixed.exit_code == 0, fixed.output
    assert "1 session(s) repaired" in fixed.output
    assert drift() == [] and occupancy(meeting).total == 4
    again = runner.invoke(args=["seats", "recount", "--check"])
    assert again.exit_code == 0 and "all seat counters are right" in again.output

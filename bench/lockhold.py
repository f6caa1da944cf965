"""How long one sign-up holds its session's seat lock, in sessions that already
hold 0, 10,000 and 100,000 confirmed seats (``python bench/lockhold.py URL
INSTANCE IDS N``, in the interpreter of the code under test).

On PostgreSQL the hold runs from the moment the session row is locked to the
commit; on SQLite, where the whole database is the lock, from ``BEGIN
IMMEDIATE`` to the commit. The commit is seen by a callback registered when the
lock is taken, so it runs before anything else the commit sets off (composing
the mail, which happens outside the lock).
"""

from __future__ import annotations

import contextlib
import json
import sys
import time


def main(argv: list[str]) -> int:
    url, instance, ids, count = argv[1], argv[2], json.loads(argv[3]), int(argv[4])
    from consultplatform import create_app
    from consultplatform.db import db, is_postgres
    from consultplatform.models import Consultation, Registration
    from consultplatform.services import signup
    from consultplatform.services.signup import Applicant, SignUp, sign_up

    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": instance, "LOG_LEVEL": "WARNING",
                      "MAIL_ENQUEUE_ON_COMMIT": False, "PUBLIC_URL": "http://127.0.0.1:5000"})
    holds: list[float] = []
    started: list[float] = []

    def committed() -> None:
        holds.append((time.perf_counter() - started[-1]) * 1000)

    original_lock = signup.lock_session
    original_transaction = signup.write_transaction

    def timed_lock(session_id: int):
        row = original_lock(session_id)
        if is_postgres():
            started.append(time.perf_counter())
            db.obj.after_commit(committed)
        return row

    @contextlib.contextmanager
    def timed_transaction():
        with original_transaction():
            if not is_postgres():
                started.append(time.perf_counter())
                db.obj.after_commit(committed)
            yield

    signup.lock_session = timed_lock
    signup.write_transaction = timed_transaction
    results = {}
    with app.test_request_context("/"), db.connection_context():
        parent = Consultation.get_by_id(ids["consultation"])
        for label, session_id in (("0", ids["empty"]), ("10000", ids["ten_thousand"]),
                                  ("100000", ids["plenary"])):
            confirmed = (Registration.select().where((Registration.session == session_id)
                                                     & (Registration.status == "confirmed"))
                         .count())
            holds.clear()
            for n in range(count + 5):
                applicant = Applicant(name=f"Slot {n}", email=f"lock-{label}-{n}-"
                                      f"{time.monotonic_ns()}@example.org", side="government")
                sign_up(SignUp(parent, applicant, [session_id]))
            measured = sorted(holds[5:])  # the first few warm the caches
            results[label] = {"confirmed": confirmed, "holds_ms": measured}
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

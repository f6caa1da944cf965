"""Staff accounts and a participant's own details, through their services (no HTTP);
and the one place each is done."""

from __future__ import annotations

import pathlib
import re

import pytest

from consultplatform.models import AuditLog, Participant, StaffUser
from consultplatform.services.participants import DetailsError, OwnDetails, update_own_details
from consultplatform.services.staff import (
    StaffAccount,
    StaffError,
    create_staff,
    password_problem,
    set_password,
)
from consultplatform.testing import factories

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_create_staff_hashes_the_password_and_audits(app):
    with app.test_request_context():
        user = create_staff(StaffAccount(email=" Mod@Gemeente.example ", name="Mod",
                                         role="moderator", password="twaalf tekens!"))
    assert user.email == "mod@gemeente.example" and user.check_password("twaalf tekens!")
    assert "twaalf" not in user.password_hash
    assert AuditLog.get(AuditLog.action == "create").object_type == "StaffUser"


@pytest.mark.parametrize("change,field", [
    ({"password": "kort"}, "password"),
    ({"password": "x" * 201}, "password"),
    ({"email": "geen-adres"}, "email"),
    ({"name": "  "}, "name"),
    ({"role": "superuser"}, "role"),
    ({"language": "de"}, "language"),
])
def test_create_staff_refuses(app, change, field):
    values = {"email": "a@example.org", "name": "A", "role": "viewer",
              "password": "twaalf tekens!", **change}
    with app.test_request_context(), pytest.raises(StaffError) as refused:
        create_staff(StaffAccount(**values))
    assert refused.value.field == field
    assert StaffUser.select().count() == 0


def test_create_staff_refuses_a_taken_address(app):
    with app.test_request_context():
        create_staff(StaffAccount(email="a@example.org", name="A", password="twaalf tekens!"))
        with pytest.raises(StaffError) as refused:
            create_staff(StaffAccount(email="A@example.org", name="B", password="twaalf tekens!"))
    assert refused.value.field == "email" and StaffUser.select().count() == 1


def test_set_password_keeps_the_one_rule_and_ends_other_sessions(app):
    with app.test_request_context():
        user = create_staff(StaffAccount(email="a@example.org", name="A",
                                         password="twaalf tekens!"))
        token = user.session_token
        with pytest.raises(StaffError):
            set_password(user, "kort")
        set_password(user, "een ander lang wachtwoord")
        assert user.session_token != token and user.check_password("een ander lang wachtwoord")
        assert password_problem("a" * 12) is None


def test_only_the_staff_service_makes_accounts():
    """The admin form, the CLI and the demo call create_staff: no other module in the core
    builds a StaffUser or sets a password."""
    makers = []
    for path in (ROOT / "consultplatform").rglob("*.py"):
        if "migrations" in path.parts or path.name in ("staff.py",):
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"StaffUser\(|\.set_password\(|StaffUser\.create\(", text):
            makers.append(str(path.relative_to(ROOT)))
    assert makers == []
    staff_modules = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "consultplatform")
                           .rglob("staff.py"))
    assert staff_modules == ["consultplatform/admin/staff.py", "consultplatform/mail/staff.py",
                             "consultplatform/models/staff.py", "consultplatform/services/staff.py"]
    admin = (ROOT / "consultplatform/admin/staff.py").read_text(encoding="utf-8")
    assert "StaffUser(" not in admin and "create_staff(" in admin


def test_only_the_session_service_closes_sessions():
    """Closing (status "closed") and the cp_session_closed event live in services/sessions.py."""
    found = []
    for path in [*(ROOT / "consultplatform").rglob("*.py"), *(ROOT / "plugins").rglob("*.py")]:
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\.status = \"closed\"|\"cp_session_closed\", session", text):
            found.append(str(path.relative_to(ROOT)))
    assert found == ["consultplatform/services/sessions.py"]


def test_update_own_details_records_consent_changes(app):
    person = factories.participant(factories.consultation(), name="Oud")
    with app.test_request_context():
        update_own_details(person.id, OwnDetails(name=" Nieuw ", organisation="Bakkerij",
                                                 phone="06 1234", language="en",
                                                 news_opt_in=True, news_consent_text="Ja."))
    stored = Participant.get_by_id(person.id)
    assert (stored.name, stored.organisation, stored.phone, stored.language) == (
        "Nieuw", "Bakkerij", "06 1234", "en")
    assert stored.news_opt_in and stored.news_consent_version and stored.news_consent_at
    entry = AuditLog.get(AuditLog.action == "update_own")
    assert "news_opt_in" in entry.details["fields"] and "Nieuw" not in str(entry.details)
    with app.test_request_context():
        update_own_details(person.id, OwnDetails(name="Nieuw", organisation="Bakkerij",
                                                 phone="06 1234", language="en"))
    stored = Participant.get_by_id(person.id)
    assert not stored.news_opt_in and stored.news_consent_version == ""


@pytest.mark.parametrize("details,field", [
    (OwnDetails(name=""), "name"), (OwnDetails(name="x" * 121), "name"),
    (OwnDetails(name="Naam", language="fr"), "language")])
def test_update_own_details_refuses(app, details, field):
    person = factories.participant(factories.consultation(), name="Oud")
    with app.test_request_context(), pytest.raises(DetailsError) as refused:
        update_own_details(person.id, details)
    assert refused.value.field == field and Participant.get_by_id(person.id).name == "Oud"


def test_two_admins_creating_one_address_at_once_get_one_account(app):
    """Both pass the 'is it taken' check at the same moment (PostgreSQL); the database's
    unique key refuses the second, which the service reports on the e-mail field."""
    import threading

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def create(name: str) -> None:
        with app.app_context():
            barrier.wait()
            try:
                with app.test_request_context():
                    create_staff(StaffAccount(email="zelfde@example.org", name=name,
                                              password="twaalf tekens!"))
                outcomes.append("created")
            except StaffError as refused:
                outcomes.append(f"refused:{refused.field}")
            finally:
                from consultplatform.db import db

                if not db.is_closed():
                    db.close()

    threads = [threading.Thread(target=create, args=(n,)) for n in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["created", "refused:email"]
    assert StaffUser.select().where(StaffUser.email == "zelfde@example.org").count() == 1


def test_own_details_are_audited_without_the_address_they_came_from(app):
    person = factories.participant(factories.consultation(), name="Oud")
    with app.test_request_context(environ_base={"REMOTE_ADDR": "192.0.2.7"}):
        update_own_details(person.id, OwnDetails(name="Nieuw"))
    entry = AuditLog.get(AuditLog.action == "update_own")
    assert entry.origin == "" and entry.actor_id is None

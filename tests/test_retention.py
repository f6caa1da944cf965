"""Retention enforced (issue 12, point 4): a consultation past its retention date has
its participants erased by the nightly task through the same path as a person's own
request, after a dry run that lists them and changes nothing; old mail texts go and
old IP addresses in the audit log are shortened."""

from __future__ import annotations

import datetime as dt
import re

from consultplatform.db import utcnow
from consultplatform.demo import load_demo
from consultplatform.models import AuditLog, Consultation, OutboxMail, Participant
from consultplatform.plugins import registry
from consultplatform.privacy.nightly import enforce_retention
from consultplatform.privacy.register import BEGIN, END, register_markdown
from consultplatform.privacy.retention import apply_retention, shortened
from consultplatform.testing import choose_consultation, factories
from tests.test_served import ROOT


def _past(app) -> Consultation:
    with app.app_context():
        load_demo(registry())
    demo = Consultation.get()
    demo.retention_until = dt.date.today() - dt.timedelta(days=2)
    demo.save()
    return demo


def test_a_dry_run_lists_who_would_go_and_changes_nothing(app):
    demo = _past(app)
    other = factories.consultation()
    factories.participant(other, name="Blijft Staan")
    people = Participant.select().where(Participant.consultation == demo).count()
    result = app.test_cli_runner().invoke(args=["privacy", "retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"would erase {people} participants" in result.output
    assert Participant.select().where(Participant.erased_at.is_null(False)).count() == 0


def test_the_nightly_task_erases_a_consultation_past_its_retention_date(app):
    demo = _past(app)
    other = factories.consultation()
    kept = factories.participant(other, name="Blijft Staan")
    names = [p.name for p in Participant.select().where(Participant.consultation == demo)]
    with app.app_context():
        enforce_retention.call_local()
    assert Participant.select().where((Participant.consultation == demo)
                                      & Participant.erased_at.is_null()).count() == 0
    assert Participant.select().where(Participant.name.in_(names)).count() == 0
    assert Participant.get_by_id(kept.id).name == "Blijft Staan"
    rows = AuditLog.select().where(AuditLog.action == "erase")
    assert rows.count() == len(names) and all(r.details["reason"] == "retention" for r in rows)
    with app.app_context():  # once is enough: a second run finds nobody
        assert apply_retention().participants == {}


def test_old_mail_texts_go_and_old_addresses_are_shortened(app):
    old = utcnow() - dt.timedelta(days=400)
    mail = OutboxMail.create(kind="confirmation", to_address="a@example.org", subject="S",
                             text_body="Beste Anna", html_body="<p>Beste Anna</p>",
                             status="sent", created_at=old)
    fresh = OutboxMail.create(kind="confirmation", to_address="b@example.org", subject="S",
                              text_body="Beste Bob", status="sent")
    queued = OutboxMail.create(kind="confirmation", to_address="c@example.org", subject="S",
                               text_body="Beste Cor", status="queued", created_at=old)
    ipv4 = AuditLog.create(action="login", origin="192.0.2.17", created_at=old)
    ipv6 = AuditLog.create(action="login", origin="2001:db8:1234:5678::1", created_at=old)
    recent = AuditLog.create(action="login", origin="198.51.100.9")
    with app.app_context():
        report = apply_retention()
    assert report.mail_bodies == 1 and report.audit_addresses == 2
    assert OutboxMail.get_by_id(mail.id).text_body == ""
    assert OutboxMail.get_by_id(mail.id).html_body == ""
    assert OutboxMail.get_by_id(fresh.id).text_body == "Beste Bob"
    assert OutboxMail.get_by_id(queued.id).text_body == "Beste Cor"  # not sent yet
    assert AuditLog.get_by_id(ipv4.id).origin == "192.0.2.0"
    assert AuditLog.get_by_id(ipv6.id).origin == "2001:db8:1234::"
    assert AuditLog.get_by_id(recent.id).origin == "198.51.100.9"
    assert shortened("not an address") == ""


def test_the_dashboard_says_when_the_data_goes(app, admin_client):
    parent = factories.consultation(retention_until=dt.date(2031, 6, 30))
    choose_consultation(admin_client, parent)
    html = admin_client.get("/admin/").get_data(as_text=True)
    assert "Persoonsgegevens worden verwijderd op" in html and "1 juli 2031" in html


def test_the_processing_register_in_the_docs_is_the_code_s(app):
    with app.app_context():
        generated = register_markdown()
    generated = "\n".join(line for line in generated.splitlines() if "(fullhooks)" not in line)
    text = (ROOT / "docs" / "privacy.md").read_text(encoding="utf-8")
    documented = re.search(re.escape(BEGIN) + ".*?" + re.escape(END), text, re.S).group(0)
    assert documented == generated, "run `flask privacy register` and update docs/privacy.md"


def test_one_failing_erasure_does_not_stop_the_others(app):
    from tests.plugin_fullhooks.models import FullhooksContact

    parent = factories.consultation(retention_until=dt.date.today() - dt.timedelta(days=1))
    stuck = factories.participant(parent, name="Vast Zitter")
    free = factories.participant(parent, name="Vrij Gaat")
    FullhooksContact.create(participant=stuck, note="weigeren")
    old = OutboxMail.create(kind="confirmation", to_address="x@example.org", subject="S",
                            text_body="oud", status="sent",
                            created_at=utcnow() - dt.timedelta(days=400))
    with app.app_context():
        report = apply_retention()
    assert report.failed == [stuck.id]
    assert Participant.get_by_id(free.id).erased_at is not None
    assert Participant.get_by_id(stuck.id).name == "Vast Zitter"  # nothing half done
    assert OutboxMail.get_by_id(old.id).text_body == ""  # the clean-up still ran
    result = app.test_cli_runner().invoke(args=["privacy", "retention"])
    assert result.exit_code == 1 and f"#{stuck.id}" in result.output

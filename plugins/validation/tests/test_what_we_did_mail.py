"""The "what we did with your input" mail, end to end: the button on the decisions
page (POST, CSRF, a confirmation), pressed twice at the same moment from two
threads, queues one mail per person who took part; the outbox worker (its `flask mail deliver`) delivers
them to a real SMTP server (aiosmtpd), each exactly once, in the person's language,
with the link to the public page. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from consultplatform.api import OutboxMail, took_part
from consultplatform.testing import csrf_from
from consultplatform_validation.decisions import DecisionInput, decide
from consultplatform_validation.rounds import close_round
from consultplatform_validation.what_we_did import MAIL_KIND
from tests.test_mail_delivery import free_port, smtp  # noqa: F401 - the SMTP server fixture

from . import results_world


@pytest.fixture
def made(app):
    made = results_world.build(app)
    with app.test_request_context():
        close_round(made["round"].id)
    return made


def decisions_url(made) -> str:
    return f"/admin/validation-decisions/{made['round'].id}/"


def press(client, made, confirm: bool = True):
    token = csrf_from(client.get(decisions_url(made)).get_data(as_text=True))
    data = {"csrf_token": token, **({"confirm": "y"} if confirm else {})}
    return client.post(decisions_url(made) + "mail", data=data)


def test_the_button_needs_a_confirmation_and_a_decision(app, made):
    client = results_world.staff_client(app, made["consultation"])
    response = press(client, made, confirm=False)
    assert response.status_code == 422
    assert "Tick the box to confirm." in response.get_data(as_text=True)
    response = press(client, made)
    assert response.status_code == 409
    assert "There is nothing to tell yet" in response.get_data(as_text=True)
    assert client.post(decisions_url(made) + "mail", data={"confirm": "y"}).status_code == 400
    assert OutboxMail.select().where(OutboxMail.kind == MAIL_KIND).count() == 0


def test_every_participant_gets_it_exactly_once_in_their_language(app, made, smtp):  # noqa: F811
    with app.test_request_context():
        decide(made["round"].id, made["items"][0].id, DecisionInput("adopted"))
    inbox = smtp.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    clients = [results_world.staff_client(app, made["consultation"]) for _ in range(2)]
    tokens = [csrf_from(c.get(decisions_url(made)).get_data(as_text=True)) for c in clients]
    start = threading.Barrier(2)
    answers: list[int] = []

    def button(client, token) -> None:
        start.wait()
        response = client.post(decisions_url(made) + "mail",
                               data={"csrf_token": token, "confirm": "y"})
        answers.append(response.status_code)

    threads = [threading.Thread(target=button, args=pair) for pair in zip(clients, tokens,
                                                                          strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == [303, 303]
    people = list(took_part(made["consultation"].id))
    assert len(people) == 15
    queued = list(OutboxMail.select().where(OutboxMail.kind == MAIL_KIND))
    assert sorted(m.to_address for m in queued) == sorted(p.email for p in people)

    # Once more, later: nothing new.
    assert press(clients[0], made).status_code == 303
    assert OutboxMail.select().where(OutboxMail.kind == MAIL_KIND).count() == 15

    # The outbox worker's own command (what the background worker runs every minute).
    result = app.test_cli_runner().invoke(args=["mail", "deliver", "--limit", "1000"])
    assert result.exit_code == 0 and "sent 30," in result.output, result.output
    link = f"/c/{made['consultation'].slug}/wat-we-ermee-deden"
    # The invitations to vote went out too (queued when the round opened): these are ours.
    messages = [m for m in inbox.parsed() if link in m.get_body(("plain",)).get_content()]
    assert sorted(m["To"] for m in messages) == sorted(p.email for p in people)
    by_address = {m["To"]: m for m in messages}
    for person in people:
        message = by_address[person.email]
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert link in text and link in html
        assert f'<html lang="{person.language}">' in html
        greeting = {"nl": "Beste", "en": "Dear"}[person.language]
        assert text.startswith(f"{greeting} {person.name},")
        assert made["consultation"].title in message["Subject"]
    assert {p.language for p in people} == {"nl", "en"}
    assert OutboxMail.select().where((OutboxMail.kind == MAIL_KIND)
                                     & (OutboxMail.status != "sent")).count() == 0
    # The page says so.
    page = clients[0].get(decisions_url(made)).get_data(as_text=True)
    assert "Sent so far to 15 people." in page

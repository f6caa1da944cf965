"""The baseline for bench/signup_bench.py: a bare Flask app whose one endpoint does one INSERT.

Same database, same peewee connection settings (``consultplatform.db.make_database``),
same connection per request as the real app, served by the same gunicorn command.
GET answers a tiny form without touching a table; POST inserts one row in a
transaction and answers 303, like a sign-up. ``BASELINE_DATABASE_URL`` says where.
"""

from __future__ import annotations

import os

from flask import Flask, redirect, request
from peewee import CharField, DateTimeField, Model

from consultplatform.db import make_database, utcnow

database = make_database(os.environ["BASELINE_DATABASE_URL"], os.getcwd())


class BaselineRow(Model):
    email = CharField(max_length=254)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        database = database
        table_name = "bench_baseline_row"


def create_tables() -> None:
    """Called once by the benchmark before the workers start (not by each worker)."""
    with database.connection_context():
        database.create_tables([BaselineRow], safe=True)


app = Flask(__name__)

FORM = ('<!doctype html><title>baseline</title><form method="post" action="/insert">'
        '<input type="hidden" name="csrf_token" value="baseline">'
        '<input name="email"><button>Send</button></form>')


@app.before_request
def open_connection() -> None:
    database.connect(reuse_if_open=True)


@app.teardown_request
def close_connection(exc: BaseException | None) -> None:
    if not database.is_closed():
        database.close()


@app.route("/insert", methods=["GET", "POST"])
def insert():
    if request.method == "GET":
        return FORM
    with database.atomic():
        BaselineRow.create(email=request.form.get("email", "")[:254])
    return redirect("/insert", code=303)


@app.get("/healthz")
def healthz():
    return "ok"

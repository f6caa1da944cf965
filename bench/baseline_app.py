"""The baselines of the benchmark suite: a bare Flask app with a "hello" page and
one endpoint that does one INSERT.

It uses the same database and the same best connection setting as the app under
test (a pool of kept connections per worker, peewee's, like
``consultplatform.db`` with its default ``DATABASE_POOL_SIZE``) and is served by
the same gunicorn command, so the ratios compare the work each request does, not
how it connects. It imports nothing of consultplatform, so it measures the same
against any commit. GET /insert answers a tiny form without touching a table;
POST inserts one row in a transaction and answers 303, like a sign-up.
``BASELINE_DATABASE_URL`` says where.
"""

from __future__ import annotations

import datetime as dt
import os
from urllib.parse import unquote, urlsplit

from flask import Flask, redirect, request
from peewee import CharField, DateTimeField, Model
from playhouse.pool import PooledPostgresqlDatabase

_url = urlsplit(os.environ["BASELINE_DATABASE_URL"])
database = PooledPostgresqlDatabase(
    unquote(_url.path.lstrip("/")), user=_url.username, password=_url.password,
    host=_url.hostname or "127.0.0.1", port=_url.port or 5432,
    max_connections=16, timeout=30, stale_timeout=1800)


class BaselineRow(Model):
    email = CharField(max_length=254)
    created_at = DateTimeField(default=lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None))

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


@app.route("/insert", methods=["GET", "POST"])
def insert():
    if request.method == "GET":
        return FORM
    with database.connection_context(), database.atomic():  # a kept connection
        BaselineRow.create(email=request.form.get("email", "")[:254])
    return redirect("/insert", code=303)


@app.get("/hello")
def hello():
    return "Hello, World!"


@app.get("/healthz")
def healthz():
    return "ok"

"""Background exports: a job asked for on the page, built by the worker's task (run here
as the worker runs it), followed as JSON, downloaded by its requester only, expired
and cleaned up. The mechanics use the test plugin's streaming ``tsv`` format; one test
builds a real XLSX when the formats are installed."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest

from consultplatform.api import (
    PERSONAL,
    AuditLog,
    ConsultationSession,
    DatasetColumn,
    ExportDataset,
    hookimpl,
    plugin_registry,
    utcnow,
)
from consultplatform.testing import factories, get_csrf, login, make_staff
from consultplatform_exports import jobs, tasks
from consultplatform_exports.catalogue import exporters
from consultplatform_exports.models import DONE, EXPIRED, FAILED, QUEUED, RUNNING, ExportsJob

from . import helpers

SESSIONS = 7


@pytest.fixture
def setting(app):
    with app.app_context():
        consultation = factories.consultation()
        for _ in range(SESSIONS):
            factories.session(consultation)
        admin = make_staff("admin")
    client = app.test_client()
    login(client, admin)
    return {"app": app, "consultation": consultation, "admin": admin, "client": client}


def start(client, consultation, dataset="sessions", fmt="tsv", **extra):
    data = {"csrf_token": get_csrf(client, "/admin/"), "consultation": str(consultation.id),
            "dataset": dataset, "format": fmt, **extra}
    return client.post("/admin/export/job", data=data)


def fetch(client, url: str):
    """A GET whose file the test client closes (send_file keeps it open otherwise)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def the_job(app) -> ExportsJob:
    with app.app_context():
        return ExportsJob.select().order_by(ExportsJob.id.desc()).get()


def run(app, job: ExportsJob) -> str | None:
    """The worker's task, run synchronously in this app (as the consumer would)."""
    with app.app_context():
        return tasks.run_export_job.call_local(job.id)


def test_a_job_is_built_followed_and_downloaded(setting):
    app, client = setting["app"], setting["client"]
    response = start(client, setting["consultation"])
    assert response.status_code == 303
    job = the_job(app)
    assert job.status == QUEUED and job.requested_by_id == setting["admin"].id
    assert len(job.token) >= 40
    status = client.get(f"/admin/export/job/{job.token}").get_json()
    assert status["status"] == QUEUED and status["download_url"] is None
    assert fetch(client, f"/admin/export/job/{job.token}/file").status_code == 409

    assert run(app, job) == DONE
    job = the_job(app)
    assert job.status == DONE and job.rows_done == job.rows_total == SESSIONS
    hours = (job.expires_at - job.finished_at).total_seconds() / 3600
    assert round(hours) == 24
    folder = os.path.join(app.instance_path, "exports")
    assert not [n for n in os.listdir(folder) if n.startswith(job.token) and n.endswith(".part")]

    status = client.get(f"/admin/export/job/{job.token}").get_json()
    assert status["status"] == DONE and status["percentage"] == 100
    assert status["download_url"].endswith(f"/admin/export/job/{job.token}/file")
    download = fetch(client, status["download_url"])
    assert download.status_code == 200
    assert download.headers["Cache-Control"] == "no-store"
    assert "attachment" in download.headers["Content-Disposition"]
    assert f"{setting['consultation'].slug}-sessions-" in download.headers["Content-Disposition"]
    lines = download.get_data(as_text=True).splitlines()
    assert lines[0].startswith("id\ttitle") and len(lines) == SESSIONS + 1


def test_the_link_is_its_requesters_only(setting):
    app, client = setting["app"], setting["client"]
    start(client, setting["consultation"])
    job = the_job(app)
    run(app, job)
    for role in ("admin", "viewer"):
        with app.app_context():
            other = make_staff(role)
        other_client = app.test_client()
        login(other_client, other)
        assert other_client.get(f"/admin/export/job/{job.token}").status_code == 404
        assert fetch(other_client, f"/admin/export/job/{job.token}/file").status_code == 404
    assert client.get("/admin/export/job/no-such-token").status_code == 404
    assert fetch(client, "/admin/export/job/no-such-token/file").status_code == 404
    assert app.test_client().get(f"/admin/export/job/{job.token}/file").status_code in (302, 403)


def test_an_expired_link_is_gone_and_clean_up_removes_the_file(setting):
    app, client = setting["app"], setting["client"]
    start(client, setting["consultation"])
    job = the_job(app)
    run(app, job)
    with app.app_context():
        path = jobs.final_path(job)
        orphan = os.path.join(jobs.folder(), "orphan-token-1.part")
        open(orphan, "wb").close()
        ExportsJob.update(expires_at=utcnow() - dt.timedelta(minutes=1)).where(
            ExportsJob.id == job.id).execute()
    assert os.path.exists(path)
    gone = fetch(client, f"/admin/export/job/{job.token}/file")
    assert gone.status_code == 410
    assert "expired" in gone.get_data(as_text=True).lower() or "verlopen" in gone.get_data(
        as_text=True).lower()
    assert client.get(f"/admin/export/job/{job.token}").get_json()["status"] == EXPIRED
    with app.app_context():
        assert tasks.clean_exports.call_local() >= 2  # earlier tests leave orphans too
        assert ExportsJob.get_by_id(job.id).status == EXPIRED
    assert not os.path.exists(path) and not os.path.exists(orphan)
    assert fetch(client, f"/admin/export/job/{job.token}/file").status_code == 410


def test_clean_up_keeps_the_files_of_live_jobs(setting):
    app, client = setting["app"], setting["client"]
    start(client, setting["consultation"])
    job = the_job(app)
    run(app, job)
    with app.app_context():
        assert jobs.clean_up() == 0
        assert os.path.exists(jobs.final_path(job))


def test_a_viewer_may_have_a_file_made_of_what_they_may_read(setting):
    app, consultation = setting["app"], setting["consultation"]
    with app.app_context():
        viewer = make_staff("viewer")
    client = app.test_client()
    login(client, viewer)
    assert start(client, consultation).status_code == 303
    job = the_job(app)
    assert job.requested_by_id == viewer.id and run(app, job) == DONE
    assert fetch(client, f"/admin/export/job/{job.token}/file").status_code == 200


def test_refusals(setting):
    app, client, consultation = setting["app"], setting["client"], setting["consultation"]
    assert start(client, consultation, dataset="no_such").status_code == 403
    start(client, consultation, fmt="pdf")
    start(client, consultation, dataset="", fmt="tsv")  # no ZIP of a single format
    with app.app_context():
        assert ExportsJob.select().count() == 0
    with app.app_context():
        moderator = make_staff("moderator")
    other = app.test_client()
    login(other, moderator)
    # A moderator of no session of this consultation is offered nothing.
    assert start(other, consultation).status_code == 403
    for _ in range(jobs.MAX_ACTIVE_PER_PERSON + 1):
        start(client, consultation)
    with app.app_context():
        assert ExportsJob.select().count() == jobs.MAX_ACTIVE_PER_PERSON


class PersonalPlugin:
    """A test plugin with one personal dataset, registered for one test."""

    @hookimpl
    def cp_export_datasets(self, consultation):
        return [ExportDataset(key="jobtest_people", label="People", sensitivity=PERSONAL,
                              columns=[DatasetColumn("name", "Name")],
                              rows=lambda scope: [["Jan Jansen"], ["Els de Vries"]],
                              count=lambda scope: 2)]


@pytest.fixture
def personal(app):
    registry = plugin_registry(app)
    registry.pm.register(PersonalPlugin(), name="jobtest")
    registry.forget_state()
    yield "jobtest_people"
    registry.pm.unregister(name="jobtest")
    registry.forget_state()


def test_a_personal_dataset_needs_a_purpose_and_is_audited(setting, personal):
    app, client, consultation = setting["app"], setting["client"], setting["consultation"]
    start(client, consultation, dataset=personal)
    with app.app_context():
        assert ExportsJob.select().count() == 0
    start(client, consultation, dataset=personal, purpose="other")  # "Other" needs its text
    with app.app_context():
        assert ExportsJob.select().count() == 0
    start(client, consultation, dataset=personal, purpose="other", purpose_text="Evaluatie")
    job = the_job(app)
    assert (job.purpose, job.purpose_text) == ("other", "Evaluatie")
    assert run(app, job) == DONE
    with app.app_context():
        (row,) = AuditLog.select().where(AuditLog.action == "export.download")
        assert row.actor_id == setting["admin"].id
        assert row.details == {"dataset": personal, "format": "tsv", "purpose": "other",
                               "purpose_text": "Evaluatie", "rows": 2}
    with app.app_context():
        viewer = make_staff("viewer")
    other = app.test_client()
    login(other, viewer)
    assert start(other, consultation, dataset=personal, purpose="attendance").status_code == 403


def test_a_failure_leaves_no_file_and_no_personal_data(setting):
    app, client = setting["app"], setting["client"]
    start(client, setting["consultation"])
    job = the_job(app)
    with app.app_context():
        ConsultationSession.update(title="=1+1").execute()  # still a fine export
        job.requested_by.role = "viewer"
        job.requested_by.save()
        assert jobs.run_job(job.id) == DONE
        fresh = ExportsJob.create(token="t" * 43, consultation=job.consultation,
                                  dataset="sessions", format="vanished", requested_by=job.requested_by)
        assert jobs.run_job(fresh.id) == FAILED
        failed = ExportsJob.get_by_id(fresh.id)
        assert failed.error == "format not available"
        assert not [n for n in os.listdir(jobs.folder()) if n.startswith("t" * 43)]
        # Run twice: the second worker finds it taken.
        assert jobs.run_job(fresh.id) is None


def test_stale_jobs_start_again_then_fail(setting):
    app, client = setting["app"], setting["client"]
    start(client, setting["consultation"])
    job = the_job(app)
    with app.app_context():
        later = utcnow() + dt.timedelta(minutes=3)
        for attempt in range(1, jobs.MAX_ATTEMPTS + 1):
            ExportsJob.update(status=RUNNING, attempts=attempt, heartbeat_at=utcnow()).where(
                ExportsJob.id == job.id).execute()
            part = os.path.join(jobs.folder(), f"{job.token}-{attempt}.part")
            open(part, "wb").close()
            assert jobs.stale_jobs(now=utcnow()) == []  # a live heartbeat is left alone
            expected = [job.id] if attempt < jobs.MAX_ATTEMPTS else []
            assert jobs.stale_jobs(now=later) == expected
            assert not os.path.exists(part)
        assert ExportsJob.get_by_id(job.id).status == FAILED
    assert client.get(f"/admin/export/job/{job.token}").get_json()["status"] == FAILED


def test_an_xlsx_of_the_sessions_opens_in_a_spreadsheet(setting):
    app, client = setting["app"], setting["client"]
    with app.app_context():
        assert "xlsx" in exporters()  # the plugin's own format: never missing
    import openpyxl

    start(client, setting["consultation"], fmt="xlsx")
    job = the_job(app)
    assert run(app, job) == DONE
    assert client.get(f"/admin/export/job/{job.token}").get_json()["status"] == DONE
    download = fetch(client, f"/admin/export/job/{job.token}/file")
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(download.get_data())).active
    assert sheet.max_row == SESSIONS + 1


def test_the_block_shows_the_form_and_the_progress(setting):
    """The page's block (exports/_jobs.html), rendered as the export page includes it."""
    from flask import render_template_string
    from flask_login import login_user

    from consultplatform_exports.catalogue import offers

    app, client, consultation = setting["app"], setting["client"], setting["consultation"]
    start(client, consultation)
    start(client, consultation)
    done = the_job(app)
    run(app, done)
    with app.test_request_context("/admin/export/"):
        login_user(setting["admin"])
        view = next(v for v in app.extensions["admin"][0]._views
                    if getattr(v, "endpoint", "") == "exports_page")
        app.preprocess_request()
        html = render_template_string("{% include 'exports/_jobs.html' %}", admin_view=view,
                                      consultation=consultation,
                                      offers=offers(consultation, setting["admin"]))
    assert 'action="/admin/export/job"' in html and 'name="csrf_token"' in html
    assert html.count("<progress") == 2 and 'aria-live="polite"' in html
    assert f'for="cp-job-{done.id}"' in html and f'id="cp-job-{done.id}"' in html
    assert f"/admin/export/job/{done.token}/file" in html
    assert "export-jobs.js" in html and "<script>" not in html
    script = fetch(client, "/open-data/static/export-jobs.js")
    assert script.status_code == 200 and b"setTimeout(poll" in script.data


def test_a_moderators_file_holds_only_their_own_sessions(app):
    with app.app_context():
        world = helpers.build()
    client = app.test_client()
    login(client, world.moderator)
    start(client, world.consultation, dataset="expertarena_insights", fmt="csv")
    job = the_job(app)
    assert run(app, job) == DONE
    body = fetch(client, f"/admin/export/job/{job.token}/file").get_data(as_text=True)
    assert "Eigen inzicht 1" in body and "Eigen inzicht 2" in body
    assert "Ander inzicht" not in body

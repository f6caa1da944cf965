"""Open data: administrators publish aggregate datasets on a consultation's public page,
where anyone downloads them under the configured licence; nothing else is ever published
or served (checked by the service and again at every download).

The app here offers open data in the test plugin's ``tsv`` format too (the setting
``EXPORTS_OPEN_FORMATS``), so the mechanics are tested before the CSV and JSON Lines
formats are installed; ``test_csv_and_json_lines_are_offered_when_installed`` covers those.
"""

from __future__ import annotations

import pytest
from flask import render_template
from flask_login import login_user

from consultplatform.api import (
    AGGREGATE,
    PERSONAL,
    AuditLog,
    Consultation,
    DatasetColumn,
    ExportDataset,
    PluginSetting,
    hookimpl,
)
from consultplatform.api import plugin_registry as registry
from consultplatform.testing import (
    assert_flat_statements,
    csrf_from,
    factories,
    forget_caches,
    fresh_app,
    login,
    make_staff,
)
from consultplatform_exports import catalogue
from consultplatform_exports.models import ExportsPublication
from consultplatform_exports.public import DOWNLOAD_RATE_LIMIT
from consultplatform_exports.publishing import (
    NOT_AGGREGATE,
    NOT_ALLOWED,
    UNKNOWN,
    PublishError,
    publish,
    unpublish,
)

FORMATS = ["tsv", "csv", "jsonl"]


@pytest.fixture
def app(migrated, instance_dir):
    with fresh_app(migrated, instance_dir, EXPORTS_OPEN_FORMATS=FORMATS) as application:
        yield application


class Sensitive:
    """A plugin with a personal dataset and one whose sensitivity a test changes (as
    a new release of a plugin could)."""

    def __init__(self) -> None:
        self.changing = AGGREGATE

    @hookimpl
    def cp_export_datasets(self, consultation):
        columns = [DatasetColumn("name", "Naam")]
        return [ExportDataset(key="opendatatest_people", label="Mensen", columns=columns,
                              rows=lambda scope: [["Jan Jansen"]], count=lambda scope: 1,
                              sensitivity=PERSONAL),
                ExportDataset(key="opendatatest_changing", label="Wisselend", columns=columns,
                              rows=lambda scope: [["Jan Jansen"]], count=lambda scope: 1,
                              sensitivity=self.changing)]


@pytest.fixture
def sensitive(app):
    plugin = Sensitive()
    registry(app).pm.register(plugin, name="opendatatest")
    registry(app).forget_state()
    return plugin


@pytest.fixture
def parent(app):
    consultation = factories.consultation(slug="open-data", organiser="Gemeente Noordoostpolder",
                                         formats=["general", "expertarena"])
    sector = factories.sector(consultation, "Landbouw")
    for side in ("entrepreneur", "entrepreneur", "government"):
        factories.participant(consultation, sector=sector, side=side)
    return consultation


def _post(client, view: str, consultation, key: str):
    csrf = csrf_from(client.get("/admin/").get_data(as_text=True))
    return client.post(f"/admin/export/{consultation.id}/open-data/{view}",
                       data={"csrf_token": csrf, "dataset": key})


def _in(app, change, *args):
    """A service call as the command line or a worker makes it: in an app context."""
    with app.app_context():
        return change(*args)


def _page(app, slug: str = "open-data") -> str:
    return app.test_client().get(f"/c/{slug}").get_data(as_text=True)


def test_a_published_dataset_is_on_the_public_page_and_anyone_can_download_it(
        app, admin_client, admin_user, parent):
    assert "/open-data/" not in _page(app)
    response = _post(admin_client, "publiceren", parent, "participation")
    assert response.status_code == 303
    (entry,) = AuditLog.select().where(AuditLog.action == "export.publish")
    assert entry.details == {"dataset": "participation"} and entry.actor_id == admin_user.id
    assert ExportsPublication.get().published_by_id == admin_user.id

    html = _page(app)  # an anonymous visitor, in Dutch
    assert "Open data" in html and "Deelnemers per sector en groep" in html
    assert "https://creativecommons.org/publicdomain/zero/1.0/deed.nl" in html
    assert "CC0 1.0: geen rechten voorbehouden" in html
    assert 'href="/open-data/open-data/participation.tsv"' in html

    visitor = app.test_client()
    download = visitor.get("/open-data/open-data/participation.tsv")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith(
        'attachment; filename="open-data-participation-')
    assert download.headers["Cache-Control"] == "public, max-age=300"
    lines = download.get_data(as_text=True).splitlines()
    assert lines[0] == "sector\tside\tparticipants"
    assert sorted(lines[1:]) == ["Landbouw\tOndernemer\t2", "Landbouw\tOverheid\t1"]
    # Publishing again changes nothing (and writes no second audit row).
    assert _in(app, publish, parent.id, "participation", admin_user.id) is False
    assert AuditLog.select().where(AuditLog.action == "export.publish").count() == 1


def test_datasets_about_people_are_refused_by_the_service_and_the_route(
        app, admin_client, admin_user, parent, sensitive):
    for key in ("expertarena_insights", "opendatatest_people"):  # pseudonymous, personal
        with pytest.raises(PublishError, match="kan niet worden gepubliceerd") as refused:
            _in(app, publish, parent.id, key, admin_user.id)
        assert refused.value.reason == NOT_AGGREGATE
        response = _post(admin_client, "publiceren", parent, key)
        assert response.status_code == 409
        assert "kan niet worden gepubliceerd" in response.get_data(as_text=True)
    with pytest.raises(PublishError) as refused:
        _in(app, publish, parent.id, "no_such_dataset", admin_user.id)
    assert refused.value.reason == UNKNOWN
    assert _post(admin_client, "publiceren", parent, "no_such_dataset").status_code == 404
    assert _post(admin_client, "publiceren", parent, "x" * 61).status_code == 400
    assert admin_client.post(f"/admin/export/{parent.id}/open-data/publiceren",
                             data={"dataset": "participation"}).status_code == 400  # no CSRF
    assert ExportsPublication.select().count() == 0
    assert not AuditLog.select().where(AuditLog.action == "export.publish").exists()


def test_viewers_and_moderators_cannot_publish(app, parent):
    for role in ("viewer", "moderator"):
        staff = make_staff(role)
        client = app.test_client()
        login(client, staff)
        assert _post(client, "publiceren", parent, "participation").status_code == 403
        assert _post(client, "intrekken", parent, "participation").status_code == 403
        with pytest.raises(PublishError) as refused:
            _in(app, publish, parent.id, "participation", staff.id)
        assert refused.value.reason == NOT_ALLOWED
    assert app.test_client().post(
        f"/admin/export/{parent.id}/open-data/publiceren").status_code in (302, 400)
    assert ExportsPublication.select().count() == 0


def test_unpublishing_takes_it_off_the_page_and_stops_the_downloads(
        app, admin_client, admin_user, parent):
    _in(app, publish, parent.id, "participation", admin_user.id)
    _in(app, publish, parent.id, "sessions", admin_user.id)
    assert "participation.tsv" in _page(app)
    assert _post(admin_client, "intrekken", parent, "participation").status_code == 303
    html = _page(app)
    assert "participation.tsv" not in html and "sessions.tsv" in html
    assert app.test_client().get("/open-data/open-data/participation.tsv").status_code == 404
    (entry,) = AuditLog.select().where(AuditLog.action == "export.unpublish")
    assert entry.details == {"dataset": "participation"}
    assert _in(app, unpublish, parent.id, "participation", admin_user.id) is False
    _in(app, unpublish, parent.id, "sessions", admin_user.id)
    assert "/open-data/" not in _page(app)


def test_only_what_is_published_open_and_aggregate_is_served(app, admin_user, parent, sensitive):
    _in(app, publish, parent.id, "participation", admin_user.id)
    _in(app, publish, parent.id, "opendatatest_changing", admin_user.id)
    visitor = app.test_client()
    assert visitor.get("/open-data/open-data/opendatatest_changing.tsv").status_code == 200
    for path in ("/open-data/open-data/no_such.tsv", "/open-data/open-data/sessions.tsv",
                 "/open-data/open-data/participation.xlsx", "/open-data/open-data/participation",
                 "/open-data/elders/participation.tsv", "/open-data/open-data/.tsv"):
        assert visitor.get(path).status_code == 404, path
    # A plugin's new release makes the dataset personal: no longer listed nor served.
    sensitive.changing = PERSONAL
    forget_caches(app)
    assert "opendatatest_changing" not in _page(app)
    assert visitor.get("/open-data/open-data/opendatatest_changing.tsv").status_code == 404
    # A consultation back to draft: its page and its downloads are gone.
    parent.status = "draft"
    parent.save()
    assert visitor.get("/open-data/open-data/participation.tsv").status_code == 404
    # Switching the plugin off takes the downloads away too.
    Consultation.update(status="closed").where(Consultation.id == parent.id).execute()
    assert visitor.get("/open-data/open-data/participation.tsv").status_code == 200
    with app.test_request_context():
        registry().set_enabled("exports", False)
    assert visitor.get("/open-data/open-data/participation.tsv").status_code == 404
    assert "/open-data/" not in _page(app)


def test_the_licence_follows_the_settings(app, admin_user, parent):
    _in(app, publish, parent.id, "participation", admin_user.id)
    assert "publicdomain/zero/1.0/deed.nl" in _page(app)  # cached now
    setting = PluginSetting.create(plugin="exports", consultation=None,
                                   data={"licence": "cc-by", "attribution": ""})
    html = _page(app)  # a settings change renews the cached page
    assert "https://creativecommons.org/licenses/by/4.0/deed.nl" in html
    assert "CC BY 4.0: naamsvermelding" in html
    assert "Noem als bron: Gemeente Noordoostpolder." in html
    PluginSetting.create(plugin="exports", consultation=parent,
                         data={"licence": "cc-by", "attribution": "Open Data Noord"})
    assert "Noem als bron: Open Data Noord." in _page(app)
    setting.data = {"licence": "gpl"}  # no longer offered: CC0
    setting.save()
    PluginSetting.delete().where(PluginSetting.consultation == parent.id).execute()
    assert "publicdomain/zero/1.0/deed.nl" in _page(app)
    english = app.test_client()
    english.set_cookie("lang", "en")
    html = english.get("/c/open-data").get_data(as_text=True)
    assert "publicdomain/zero/1.0/deed.en" in html and "CC0 1.0: no rights reserved" in html


def test_the_public_page_reads_the_open_data_in_a_fixed_number_of_statements(
        app, admin_user, parent):
    _in(app, publish, parent.id, "participation", admin_user.id)
    more = iter(["sessions", "expertarena_matrix", "expertarena_attendance"])

    def grow() -> None:
        for key in more:
            _in(app, publish, parent.id, key, admin_user.id)
        for _ in range(5):
            factories.participant(parent)
    client = app.test_client()
    assert_flat_statements(client, "/c/open-data", grow)
    assert_flat_statements(client, "/open-data/open-data/participation.tsv",
                           lambda: [factories.participant(parent) for _ in range(5)])


def test_downloads_are_rate_limited(app, admin_user, parent):
    _in(app, publish, parent.id, "participation", admin_user.id)
    visitor = app.test_client()
    limit = int(DOWNLOAD_RATE_LIMIT.split()[0])
    codes = [visitor.get("/open-data/open-data/participation.tsv").status_code
             for _ in range(limit + 1)]
    assert codes[:limit] == [200] * limit and codes[-1] == 429


def test_the_admin_block_lists_aggregate_datasets_with_their_buttons(app, admin_user, parent,
                                                                     sensitive):
    _in(app, publish, parent.id, "participation", admin_user.id)
    (view,) = [v for v in app.extensions["admin"][0]._views if v.endpoint == "exports_page"]
    with app.test_request_context("/admin/export/"):
        login_user(admin_user)
        html = render_template("exports/_publish.html", admin_view=view, consultation=parent,
                               offers=catalogue.offers(parent, admin_user))
    assert "Open data" in html and 'name="csrf_token"' in html
    assert "Publiceren stoppen: Deelnemers per sector en groep" in html
    assert "http://localhost/open-data/open-data/participation.tsv" in html
    assert "Publiceren: Bijeenkomsten met bezetting" in html
    assert "opendatatest_people" not in html and "Mensen" not in html  # personal: not offered
    assert "Inzichten uit Expertarena" not in html  # pseudonymous: not offered
    viewer = make_staff("viewer")
    with app.test_request_context("/admin/export/"):
        login_user(viewer)
        html = render_template("exports/_publish.html", admin_view=view, consultation=parent,
                               offers=catalogue.offers(parent, viewer))
    assert "<section" not in html and "Open data" not in html


def test_csv_and_json_lines_are_offered_when_installed(migrated, instance_dir, admin_user):
    """With the plugin's own setting (no EXPORTS_OPEN_FORMATS): plain CSV and JSON Lines,
    whichever are installed; none installed, no block (no links that lead nowhere)."""
    with fresh_app(migrated, instance_dir) as application:
        admin = make_staff("admin")
        parent = factories.consultation(slug="open-formats")
        factories.participant(parent)
        _in(application, publish, parent.id, "participation", admin.id)
        with application.app_context():
            installed = [key for key in ("csv", "jsonl") if key in catalogue.exporters()]
        visitor = application.test_client()
        html = visitor.get("/c/open-formats").get_data(as_text=True)
        assert "participation.tsv" not in html
        if not installed:
            assert "/open-data/" not in html
        for key in installed:
            with application.app_context():
                exporter = catalogue.exporters()[key]
            url = f"/open-data/open-formats/participation.{exporter.extension}"
            assert url in html
            download = visitor.get(url)
            assert download.status_code == 200
            assert download.mimetype == exporter.mimetype.split(";")[0]
            assert "participants" in download.get_data(as_text=True)

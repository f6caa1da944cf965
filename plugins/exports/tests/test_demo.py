"""`make run`'s demo: every dataset on the export page, open data on the public page."""

from __future__ import annotations

import csv
import io

from consultplatform.api import Consultation, load_demo
from consultplatform.api import plugin_registry as registry
from consultplatform.testing import choose_consultation, login, make_staff
from consultplatform_exports.models import ExportsPublication
from consultplatform_exports.publishing import DEMO_OPEN_DATA

from . import helpers

DEMO = "sociaal-economische-agenda"


def test_the_demo_publishes_its_open_data_and_offers_every_dataset(app):
    with app.app_context():
        report = load_demo(registry())
        assert report["exports.open datasets"] == len(DEMO_OPEN_DATA)
        assert sorted(p.dataset for p in ExportsPublication.select()) == sorted(DEMO_OPEN_DATA)
    visitor = app.test_client()
    page = visitor.get(f"/c/{DEMO}").get_data(as_text=True)
    assert "Open data" in page and f"/open-data/{DEMO}/expertarena_matrix.csv" in page
    matrix = visitor.get(f"/open-data/{DEMO}/expertarena_matrix.csv")
    assert matrix.status_code == 200
    rows = list(csv.reader(io.StringIO(matrix.get_data(as_text=True))))
    assert rows[0][:3] == ["sector", "theme", "insights"] and len(rows) > 10
    admin = app.test_client()
    login(admin, make_staff("admin"))
    with app.app_context():
        demo = Consultation.get(Consultation.slug == DEMO)
        choose_consultation(admin, demo)
    html = admin.get("/admin/export/").get_data(as_text=True)
    assert helpers.keys_on(html, demo.id) >= {
        "sessions", "registrations", "attendance", "participation", "themes",
        "expertarena_insights", "expertarena_matrix", "expertarena_attendance"}

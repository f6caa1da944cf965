"""The new-consultation wizard (issue 11, point 3): from a copy, a template file or an
upload; a preview of what will be made; one click makes the draft and opens it."""

from __future__ import annotations

import datetime as dt
import io
import json

from consultplatform.demo import load_demo
from consultplatform.models import Consultation, ConsultationSession, StaffWorkspace
from consultplatform.plugins import registry
from consultplatform.structure.export import export_structure
from consultplatform.testing import csrf_from, login, make_staff

URL = "/admin/nieuwe-consultatie/"


def _fields(client, **values) -> dict:
    token = csrf_from(client.get(URL).get_data(as_text=True))
    fields = {"csrf_token": token, "source": "copy", "title": "Retailvisie Centrum Emmeloord",
              "slug": "", "organiser": "Gemeente Noordoostpolder", "first_day": "2031-03-03",
              "retention_until": "2032-12-31"}
    fields.update(values)
    return fields


def test_copying_the_demo_shows_what_will_be_made_then_makes_it(app, admin_client):
    with app.app_context():
        load_demo(registry())
    demo = Consultation.get()
    page = admin_client.get(f"{URL}?kopie={demo.id}").get_data(as_text=True)
    assert f'<option selected value="{demo.id}"' in page or f'value="{demo.id}" selected' in page
    fields = _fields(admin_client, consultation=str(demo.id))
    preview = admin_client.post(URL, data=fields)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Wat er gemaakt wordt" in html
    assert "12 bijeenkomsten" in html and "maandag 3 maart 2031" in html
    assert Consultation.select().count() == 1  # nothing made yet
    made = admin_client.post(URL, data={**fields, "confirm": "1"})
    assert made.status_code == 303 and made.headers["Location"] == "/admin/"
    copy = Consultation.get(Consultation.slug == "retailvisie-centrum-emmeloord")
    assert copy.status == "draft" and copy.retention_until == dt.date(2032, 12, 31)
    assert ConsultationSession.select().where(ConsultationSession.consultation == copy).count() == 12
    assert StaffWorkspace.get().consultation_id == copy.id  # opened at once
    dashboard = admin_client.get("/admin/").get_data(as_text=True)
    assert "Retailvisie Centrum Emmeloord" in dashboard and "is als concept gemaakt" in dashboard


def test_from_the_demo_template_file_and_from_an_upload(app, admin_client):
    fields = _fields(admin_client, source="file", template="0", slug="uit-bestand")
    assert admin_client.post(URL, data={**fields, "confirm": "1"}).status_code == 303
    first = Consultation.get(Consultation.slug == "uit-bestand")
    with app.app_context():
        raw = json.dumps(export_structure(first.id)).encode()
    fields = _fields(admin_client, source="upload", slug="opgestuurd")
    preview = admin_client.post(URL, data={**fields, "upload": (io.BytesIO(raw), "t.json")},
                                content_type="multipart/form-data")
    assert preview.status_code == 200 and "Wat er gemaakt wordt" in preview.get_data(as_text=True)
    # The file rides along in the form: confirming needs no second upload.
    kept = csrf_from(preview.get_data(as_text=True))
    assert kept
    made = admin_client.post(URL, data={**fields, "uploaded": raw.decode(), "confirm": "1"})
    assert made.status_code == 303
    assert Consultation.get(Consultation.slug == "opgestuurd").status == "draft"


def test_a_bad_upload_or_a_taken_address_is_said_on_its_field(app, admin_client):
    fields = _fields(admin_client, source="upload", slug="mislukt")
    bad = admin_client.post(URL, data={**fields, "confirm": "1",
                                       "upload": (io.BytesIO(b'{"format": 1'), "t.json")},
                            content_type="multipart/form-data")
    assert bad.status_code == 422 and "geen leesbare JSON" in bad.get_data(as_text=True)
    none = admin_client.post(URL, data={**fields, "confirm": "1"})
    assert none.status_code == 422 and "sjabloonbestand" in none.get_data(as_text=True)
    fields = _fields(admin_client, source="file", template="0", slug="dubbel")
    assert admin_client.post(URL, data={**fields, "confirm": "1"}).status_code == 303
    again = admin_client.post(URL, data={**fields, "confirm": "1"})
    assert again.status_code == 422 and "heeft dit webadres al" in again.get_data(as_text=True)
    odd = admin_client.post(URL, data={**_fields(admin_client), "source": "file",
                                       "template": "9" * 5000, "confirm": "1"})
    assert odd.status_code == 422
    assert Consultation.select().count() == 1


def test_only_administrators_make_consultations(app):
    viewer = app.test_client()
    login(viewer, make_staff("viewer"))
    assert viewer.get(URL).status_code == 403
    assert viewer.post(URL, data={"source": "file", "template": "0"}).status_code in (400, 403)

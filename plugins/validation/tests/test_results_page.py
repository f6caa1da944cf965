"""The staff results page and its downloads: the turnout only before closing (unless
interim results are on, then marked), the frozen results after; an accessible
table and chart per item; the CSV's cells neutralised; the SVG a valid file; other
consultations' rounds and bad ids refused with a 4xx."""

from __future__ import annotations

import csv
import io
import re
from xml.etree import ElementTree

import pytest

from consultplatform.api import Sector
from consultplatform.testing import choose_consultation, factories
from consultplatform_validation.models import ValidationRound
from consultplatform_validation.rounds import close_round

from . import results_world


@pytest.fixture
def made(app):
    return results_world.build(app)


def staff_client(app, made, role: str = "admin"):
    return results_world.staff_client(app, made["consultation"], role)


def close(app, made) -> None:
    with app.test_request_context():
        close_round(made["round"].id)


def url(made, tail: str = "") -> str:
    return f"/admin/validation-results/{made['round'].id}/{tail}"


def test_before_closing_only_the_turnout(app, made):
    client = staff_client(app, made)
    page = client.get(url(made)).get_data(as_text=True)
    assert "Turnout" in page and "Invited and voted, per sector and side" in page
    assert "Vakmensen opleiden" not in page and "<svg" not in page
    assert "Meer stageplekken" not in page
    for tail in ("results.csv", "chart.svg"):
        assert client.get(url(made, tail)).status_code == 409


def test_interim_results_are_marked(app, made):
    ValidationRound.update(show_interim=True).where(
        ValidationRound.id == made["round"].id).execute()
    client = staff_client(app, made)
    page = client.get(url(made)).get_data(as_text=True)
    assert "(interim)" in page and "Interim results" in page
    assert "Vakmensen opleiden" in page
    assert client.get(url(made, "results.csv")).status_code == 200


def test_after_closing_the_frozen_results(app, made):
    close(app, made)
    client = staff_client(app, made, "viewer")
    response = client.get(url(made))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    first = made["items"][0].id
    # The table: a caption, headers with their scope.
    assert f'id="table-{first}"' in page
    assert f'<caption id="table-{first}-caption">Verdicts on “Vakmensen opleiden”' in page
    assert '<th scope="row">Landbouw (entrepreneurs)</th>' in page
    assert '<th scope="row">Other sectors (entrepreneurs)</th>' in page
    assert '<th scope="row">Other sectors (public side)</th>' in page
    # The chart: an image with a title, a description in words, the table as details.
    chart = re.search(rf'<svg[^>]*aria-details="table-{first}"[^>]*>.*?</svg>', page, re.S)
    assert chart and 'role="img"' in chart.group(0)
    assert f'<title id="chart-{first}-title">' in chart.group(0)
    assert "Landbouw (entrepreneurs) (n=4): Agree 50%, Agree with changes 25%, Disagree 25%" \
        in chart.group(0)
    # The flags as words, the texts grouped, the priorities ranked.
    assert "Divergent sectors" in page and "Consensus in every sector" in page
    assert "Meer stageplekken" in page and "Vakmensen opleiden en behouden" in page
    assert page.index("Vakmensen opleiden</th>") < page.index("Woningen voor werknemers</th>")
    assert "aandacht voor starters" in page
    assert "Persoon F0" not in page  # nobody named


def test_the_csv_is_neutralised_and_for_dutch_excel(app, made):
    Sector.update(name="=HYPERLINK(1)").where(Sector.id == made["sectors"]["farm"].id).execute()
    close(app, made)
    client = staff_client(app, made)
    response = client.get(url(made, "results.csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][:3] == ["Item", "Title", "Group"]
    farm = [row for row in rows if "HYPERLINK" in row[2]]
    assert farm and all(row[2].startswith("'=") for row in farm)
    overall = rows[1]
    assert overall[:8] == ["1", "Vakmensen opleiden", "All verdicts", "6", "1", "5", "2", "14"]
    assert overall[-3:] == ["58.3", "no", "yes"]


def test_the_svg_file(app, made):
    close(app, made)
    response = staff_client(app, made).get(url(made, "chart.svg"))
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    root = ElementTree.fromstring(response.get_data())  # noqa: S314 - our own output
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "Vakmensen opleiden" in response.get_data(as_text=True)


def test_refusals(app, made):
    close(app, made)
    client = staff_client(app, made)
    other = factories.consultation()
    assert client.get("/admin/validation-results/999999/").status_code == 404
    assert client.get("/admin/validation-results/abc/").status_code == 404
    assert client.get("/admin/validation-results/99999999999999999999/").status_code == 404
    choose_consultation(client, other)
    assert client.get(url(made)).status_code == 404
    assert client.get(url(made, "results.csv")).status_code == 404
    choose_consultation(client, "all")
    assert client.get(url(made)).status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(url(made)).status_code in (302, 403)


def test_the_list_of_rounds(app, made):
    close(app, made)
    client = staff_client(app, made)
    page = client.get("/admin/validation-results/").get_data(as_text=True)
    rid = made["round"].id
    assert f'href="/admin/validation-results/{rid}/"' in page
    assert f'href="/admin/validation-decisions/{rid}/"' in page
    choose_consultation(client, "all")
    page = client.get("/admin/validation-results/").get_data(as_text=True)
    assert "Choose the consultation in the switcher" in page


def test_results_frozen_in_an_older_form_still_show(app, made):
    ValidationRound.update(status="closed", results={"ballots": 27, "items": []}).where(
        ValidationRound.id == made["round"].id).execute()
    client = staff_client(app, made)
    response = client.get(url(made))
    assert response.status_code == 200
    assert "Invited and voted, per sector and side" in response.get_data(as_text=True)
    assert client.get(url(made, "results.csv")).status_code == 200

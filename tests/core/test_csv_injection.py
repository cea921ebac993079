"""CSV formula injection: a text typed in a form never reaches a spreadsheet as a formula.

Every CSV the application writes goes through ``core.tables.csv_stream``; these tests drive it
directly (each dangerous first character) and through the real export URLs.
"""

import csv
import io

import pytest
from openpyxl import load_workbook

from murporteur.core.tables import Cents, csv_cell, csv_stream
from murporteur.extensions import db
from murporteur.submissions.models import Dossier
from tests.conftest import login
from tests.reporting.test_services import build_world
from tests.triage.test_dashboard import _submit

FORMULA = '=HYPERLINK("http://x","y")'


def _rows(body: str) -> list[list[str]]:
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


@pytest.mark.parametrize("text", [FORMULA, "+33 6 12 34 56 78", "-2+3", "@SUM(A1:A2)",
                                  "\t=1+1", "\r=1+1"])
def test_a_text_starting_like_a_formula_is_written_behind_a_quote(text):
    assert csv_cell(text) == "'" + text
    rows = _rows("".join(csv_stream(["Titre"], [[text]])))
    assert rows[1] == ["'" + text]


@pytest.mark.parametrize("text", ["Café solidaire", "1 rue des Lilas", "a=b", "mail@x.fr", ""])
def test_ordinary_texts_are_written_as_they_are(text):
    assert csv_cell(text) == text


def test_numbers_and_amounts_stay_numbers_even_when_negative():
    assert csv_cell(Cents(-1234)) == "-12,34"
    assert csv_cell(Cents(800050)) == "8000,50"
    assert csv_cell(-3) == -3
    assert csv_cell(None) == ""
    rows = _rows("".join(csv_stream(["Montant", "Nombre"], [[Cents(-1234), -3]])))
    assert rows[1] == ["-12,34", "-3"]


def test_the_dossiers_export_neutralises_a_title_typed_as_a_formula(animator_client):
    _submit(FORMULA, town="@Lyon", financing_amount_cents=800050)
    response = animator_client.get("/instruction/export.csv?tab=all&column=title"
                                   "&column=town&column=financing_amount")
    assert response.status_code == 200
    rows = _rows(response.get_data(as_text=True))
    assert rows[1] == ["'" + FORMULA, "'@Lyon", "8000,50"]
    # The XLSX writes the title as a string (never a formula) and the amount as a number.
    response = animator_client.get("/instruction/export.xlsx?tab=all&column=title"
                                   "&column=financing_amount")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[2]] == [FORMULA, 8000.5]
    assert sheet["A2"].data_type == "s"


def test_the_reporting_exports_neutralise_texts_typed_as_formulas(app):
    world = build_world()
    dossier = db.session.scalar(db.select(Dossier).where(Dossier.title == "Café solidaire"))
    dossier.title = FORMULA
    dossier.structure_name = "-1+1"
    db.session.flush()
    browser = app.test_client()
    login(browser, world.animator)
    conventions = _rows(browser.get("/rapports/conventions.csv?year=2025")
                        .get_data(as_text=True))
    mine = [row for row in conventions if row[1] == "'" + FORMULA]
    assert mine and all(row[2] == "'-1+1" for row in mine)
    assert not any(cell.startswith(("=", "-1+")) for row in conventions for cell in row)
    payments = _rows(browser.get("/rapports/versements.csv?year=2025").get_data(as_text=True))
    assert any(row[1] == "'" + FORMULA for row in payments)
    assert not any(row[1] == FORMULA for row in payments)

"""The XLSX a spreadsheet user expects (issue 17): dates as dates, amounts as numbers in
euros, a frozen header, an autofilter, columns as wide as their contents."""

import io
from datetime import date, datetime

from openpyxl import load_workbook

from murporteur.core.tables import WIDTH_MAX, Cents, csv_cell, xlsx_file


def _sheet(headers, rows):
    return load_workbook(io.BytesIO(xlsx_file("Dossiers", headers, rows).read())).active


def test_dates_and_amounts_are_typed_under_a_frozen_filtered_header():
    sheet = _sheet(["Numéro", "Reçu le", "Versé le", "Montant"], [
        ["MP-2026-0001", datetime(2026, 3, 1, 10, 5), date(2026, 4, 2), Cents(123456)],  # noqa: DTZ001 (a spreadsheet has no time zone)
        ["MP-2026-0002", "", date(2026, 5, 3), Cents(-5)]])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D3"
    assert sheet["B2"].value == datetime(2026, 3, 1, 10, 5)  # noqa: DTZ001 (a spreadsheet has no time zone)
    assert sheet["B2"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet["C2"].value == datetime(2026, 4, 2) and sheet["C2"].number_format == "dd/mm/yyyy"  # noqa: DTZ001 (a spreadsheet has no time zone)
    assert sheet["D2"].value == 1234.56 and "€" in sheet["D2"].number_format
    assert sheet["A1"].font.b


def test_columns_fit_their_contents_within_bounds():
    sheet = _sheet(["N°", "Idée", "Résumé"], [["1", "Une ressourcerie de quartier", "x" * 500]])
    widths = {k: v.width for k, v in sheet.column_dimensions.items()}
    assert widths["A"] < widths["B"] < widths["C"]
    assert widths["B"] >= len("Une ressourcerie de quartier")
    assert widths["C"] <= WIDTH_MAX + 1


def test_an_empty_table_still_has_its_header():
    sheet = _sheet(["Numéro"], [])
    assert sheet["A1"].value == "Numéro" and sheet.freeze_panes == "A2"


def test_the_csv_keeps_its_text_dates():
    assert csv_cell(datetime(2026, 3, 1, 10, 5)) == "2026-03-01 10:05"  # noqa: DTZ001 (a spreadsheet has no time zone)
    assert csv_cell(date(2026, 3, 1)) == "2026-03-01"


def test_the_dossiers_export_gives_the_reception_as_a_date(animator_client):
    from tests.factories import submitted_dossier

    dossier = submitted_dossier(title="Café solidaire")
    response = animator_client.get("/instruction/export.xlsx?tab=all&column=number"
                                   "&column=submitted_at")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet["A2"].value == dossier.number
    assert isinstance(sheet["B2"].value, datetime)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:B2"

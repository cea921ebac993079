"""Tables sent as files: CSV streamed a chunk at a time, XLSX written in constant memory.

Rows are lists of strings, ``Cents`` for amounts and dates or (naive, Paris) datetimes:
``1234,56`` and ``2026-03-01 10:00`` in the CSV (for spreadsheets set to French: UTF-8 with a
BOM, ``;`` between columns); in the XLSX a number formatted in euros and a real date (so that a
spreadsheet adds them up and sorts them), under a frozen header with an autofilter, in columns
as wide as their contents.

Every CSV the application writes goes through ``csv_stream``, which neutralises text cells a
spreadsheet would read as a formula (OWASP's rule, see ``csv_cell``). The XLSX needs nothing
of the kind: its text cells are written as strings, never as formulas.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from itertools import islice

import xlsxwriter
from flask import Response, abort, send_file, stream_with_context

BATCH = 500
FORMATS = ("csv", "xlsx")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Cents(int):
    """An amount in a row of a table."""


def euros_text(cents: int | None) -> str:
    """``800050`` → ``8000,50``, ``-1234`` → ``-12,34`` (an amount for a CSV cell)."""
    if cents is None:
        return ""
    sign = "-" if int(cents) < 0 else ""
    euros, rest = divmod(abs(int(cents)), 100)
    return f"{sign}{euros},{rest:02d}"


#: What a spreadsheet takes for the start of a formula (or a cell it will shift into one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str | int | float:
    """The cell as written to a CSV: an amount in euros, a number as it is, and a text that
    starts like a formula behind a single quote, so that ``=HYPERLINK(…)`` typed in a form
    is shown as text and never run (OWASP, "CSV injection")."""
    if value is None:
        return ""
    if isinstance(value, Cents):
        return euros_text(value)  # a number written by us: "-12,34" stays a number
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return csv_text(str(value))


def csv_text(text: str | None) -> str:
    """A text cell as ``csv_cell`` writes it (``None`` is empty): for a writer that knows a
    column holds texts, and turns each of its cells itself (see ``csv_stream``'s ``ready``)."""
    if not text:
        return ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_stream(headers: Iterable, rows: Iterable[list], *, ready: bool = False) -> Iterator[str]:
    """The CSV, a chunk of BATCH rows at a time. Each cell goes through ``csv_cell``, unless
    the rows are ``ready``: made by a writer that turned each cell by its column's kind
    (texts through ``csv_text``, amounts through ``euros_text``…), without a test per cell
    (the dossiers' export: 100,000 rows)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    buffer.write("\ufeff")
    writer.writerow([csv_cell(str(h)) for h in headers])
    lines = iter(rows) if ready else ([csv_cell(v) for v in row] for row in rows)
    while batch := list(islice(lines, BATCH)):
        writer.writerows(batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


#: Column widths (in characters) the XLSX keeps between: readable, never a whole page wide.
WIDTH_MIN, WIDTH_MAX = 8, 60


def _width(value) -> int:
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date | Cents):
        return 12
    return max((len(line) for line in str(value or "").splitlines()), default=0)


def xlsx_file(sheet_name, headers: Iterable, rows: Iterable[list]):
    """The XLSX in a temporary file, ready to be sent (``send_file`` closes it)."""
    target = tempfile.TemporaryFile()  # noqa: SIM115
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet(str(sheet_name))
    bold = workbook.add_format({"bold": True, "bottom": 1})
    amount = workbook.add_format({"num_format": '#,##0.00 "€"'})
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    instant = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    titles = [str(h) for h in headers]
    widths = [len(t) + 3 for t in titles]  # room for the autofilter's arrow
    sheet.write_row(0, 0, titles, bold)
    sheet.freeze_panes(1, 0)
    last = 0
    for index, row in enumerate(rows, 1):
        last = index
        for column, value in enumerate(row):
            if type(value) is str:  # most cells; on one line, a text is as wide as it is long
                sheet.write_string(index, column, value)
                width = len(value) if value.isprintable() else _width(value)
            else:
                if isinstance(value, Cents):
                    sheet.write_number(index, column, int(value) / 100, amount)
                elif isinstance(value, datetime):
                    sheet.write_datetime(index, column, value.replace(tzinfo=None), instant)
                elif isinstance(value, date):
                    sheet.write_datetime(index, column, value, day)
                else:
                    sheet.write_string(index, column, "" if value is None else str(value))
                width = _width(value)
            if column < len(widths) and width > widths[column]:
                widths[column] = width
    if titles:
        sheet.autofilter(0, 0, max(last, 1), len(titles) - 1)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, min(max(width + 1, WIDTH_MIN), WIDTH_MAX))
    workbook.close()
    target.seek(0)
    return target


def send_table(fmt: str, filename: str, sheet_name, headers: Iterable, rows: Iterable[list], *,
               csv_ready: bool = False):
    """The response that downloads the table as ``filename`` (.csv streamed, or .xlsx);
    ``csv_ready``: the rows of a CSV are made of CSV cells already (``csv_stream``)."""
    if fmt not in FORMATS:
        abort(404)
    if fmt == "csv":
        response = Response(stream_with_context(csv_stream(headers, rows, ready=csv_ready)),
                            mimetype="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return send_file(xlsx_file(sheet_name, headers, rows), as_attachment=True,
                     download_name=filename, mimetype=XLSX_MIMETYPE)

"""The export of the whole tab reads every dossier in one statement of plain values (100,000
dossiers in seconds, streamed a batch at a time): each of its cells still says what the
dashboard's table reads for that column, in the CSV and the XLSX, whatever the batches."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from murporteur.core import tables
from murporteur.core.db import utcnow
from murporteur.core.lifecycle import apply_transition
from murporteur.core.tables import Cents, csv_cell
from murporteur.extensions import db
from murporteur.submissions import services as submissions
from murporteur.triage import columns, dashboard, exports, keyset
from murporteur.triage import services as triage
from murporteur.triage.models import Label
from tests.factories import AnimatorFactory, DraftFactory

ALL = "&".join(f"column={key}" for key in columns.ORDER)


def _submit(when: datetime, **answers):
    draft = DraftFactory(**answers)
    submissions.submit_dossier(draft, draft.holder, now=when)
    return draft


@pytest.fixture
def dossiers(app, animator, monkeypatch):
    """Dossiers with every kind of value, read in batches of two (several per export)."""
    monkeypatch.setattr(exports, "BATCH", 2)
    monkeypatch.setattr(tables, "BATCH", 2)
    # Received at 23:30 UTC in winter: 00:30 the next day in Paris (UTC+1).
    winter = _submit(datetime(2026, 1, 15, 23, 30, tzinfo=UTC),
                     title='=HYPERLINK("http://exemple.org")', financing_amount_cents=123456,
                     support_kinds=["premises", "unknown-kind"])
    winter.holder.contact_email = "tapee@exemple.org"
    winter.assigned_to = AnimatorFactory(full_name="Léa Martin")
    first, second = Label(name="Zèbre-rows"), Label(name="Abeille-rows")
    db.session.add_all([first, second])
    db.session.flush()
    winter.labels.extend([second, first])  # put on in the other order than created
    triage.save_qualification(winter, {"themes": ["reuse", "early_childhood"],
                                       "opinion": "Solide", "stage": "emergence"}, animator)
    # At 22:15 UTC in summer: 00:15 the next day in Paris (UTC+2); called, nothing else.
    summer = _submit(datetime(2025, 7, 1, 22, 15, tzinfo=UTC), title="Atelier vélo",
                     structure_name="-Coop du quartier")
    # Answers a form sends no more (the lists changed): nothing to show.
    summer.legal_form = summer.priority_area = summer.stage = None
    summer.support_kinds = []
    summer.assigned_to = AnimatorFactory(full_name="")  # shown by their address
    summer.first_call_at = datetime(2025, 7, 3, 8, 5, tzinfo=UTC)
    # Not called, and asked a question long ago: both deadlines passed.
    waiting = _submit(utcnow() - timedelta(days=60), title="Question sans réponse")
    apply_transition(waiting, "request_info", animator, "Un budget ?",
                     at=utcnow() - timedelta(days=40))
    others = [_submit(utcnow() - timedelta(days=k), title=f"Idée {k}") for k in (1, 2)]
    db.session.commit()
    return {"winter": winter, "summer": summer, "waiting": waiting, "others": others}


def _csv(client, query: str) -> list[list[str]]:
    response = client.get("/instruction/export.csv?" + query)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))


def test_every_cell_of_the_csv_says_what_the_table_reads(animator_client, animator, dossiers):
    header, *rows = _csv(animator_client, "tab=all&" + ALL)
    assert header == [str(label) for _key, label in columns.offered()]
    # Every dossier of the tab once, in the dashboard's order, across the batches.
    filters = dashboard.Filters(tab="all")
    shown = db.session.scalars(keyset.ordered(dashboard.dossier_query(filters, animator),
                                                 filters)).all()
    assert [row[0] for row in rows] == [d.number for d in shown]
    db.session.expire_all()
    by_number = {d.number: d for d in shown}
    for row in rows:
        dossier = by_number[row[0]]
        for key, cell in zip(columns.ORDER, row, strict=True):
            if key not in ("labels", "deadlines", "call"):
                assert cell == csv_cell(columns.value(key, dossier)), (dossier.title, key)
    cells = {row[0]: dict(zip(columns.ORDER, row, strict=True)) for row in rows}
    winter, summer = cells[dossiers["winter"].number], cells[dossiers["summer"].number]
    # What the table shows its own way, or where the rule matters, said outright.
    assert winter["title"] == "'=HYPERLINK(\"http://exemple.org\")"  # never run as a formula
    assert summer["structure_name"] == "'-Coop du quartier"
    assert winter["submitted_at"] == "2026-01-16 00:30"
    assert summer["submitted_at"] == "2025-07-02 00:15"
    assert summer["first_call_at"] == "2025-07-03 10:05" and winter["first_call_at"] == ""
    assert winter["email"] == "tapee@exemple.org"
    assert winter["assigned_to"] == "Léa Martin"
    assert summer["assigned_to"] == dossiers["summer"].assigned_to.email
    assert winter["labels"] == "Zèbre-rows, Abeille-rows"  # in the order they were created
    assert summer["labels"] == ""
    assert winter["q_themes"] == "Petite enfance, Réemploi et économie circulaire"
    assert winter["q_stage"].startswith("Émergence") and summer["q_stage"] == ""
    assert winter["support_kinds"] == ("Un local d'activité (par exemple un rez-de-chaussée), "
                                       "unknown-kind")
    assert winter["financing_amount"] == "1234,56" and summer["financing_amount"] == ""
    assert summer["legal_form"] == summer["stage"] == summer["priority_area"] == ""
    assert cells[dossiers["waiting"].number]["deadlines"] == ("Premier appel en retard, "
                                                              "Sans réponse du porteur")
    assert winter["deadlines"] == "Premier appel en retard"
    assert summer["deadlines"] == "Dans les temps"
    assert {row["call"] for row in cells.values()} == {""}


def test_every_cell_of_the_xlsx_says_what_the_table_reads(animator_client, dossiers):
    response = animator_client.get("/instruction/export.xlsx?tab=all&sort=number&direction=asc&"
                                   + ALL)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    by_number = {d.number: d for d in [dossiers["winter"], dossiers["summer"],
                                       dossiers["waiting"], *dossiers["others"]]}
    assert [row[0] for row in rows] == sorted(by_number)
    db.session.expire_all()
    for row in rows:
        dossier = by_number[row[0]]
        for key, got in zip(columns.ORDER, row, strict=True):
            expected = columns.value(key, dossier)
            if key in ("labels", "deadlines", "call"):
                continue
            if isinstance(expected, datetime):  # a date the spreadsheet sorts (to the second)
                assert abs(got - expected) < timedelta(seconds=1), (dossier.title, key)
            elif isinstance(expected, Cents):  # a number, in euros
                assert got == expected / 100, (dossier.title, key)
            else:
                assert (got or "") == expected, (dossier.title, key)
    winter = dict(zip(columns.ORDER, rows[sorted(by_number).index(
        dossiers["winter"].number)], strict=True))
    assert winter["submitted_at"] == datetime(2026, 1, 16, 0, 30)  # noqa: DTZ001 (Paris time, as a spreadsheet shows it)
    assert winter["title"] == '=HYPERLINK("http://exemple.org")'  # a text cell, not a formula
    assert winter["labels"] == "Zèbre-rows, Abeille-rows"

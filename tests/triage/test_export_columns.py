"""The export reads plain rows (no ORM objects, for 100,000 dossiers in seconds): every column
still says what the dossier page says, and the statements do not grow with the rows."""

import csv
import io

from murporteur.triage import exports
from murporteur.triage import services as triage
from murporteur.triage.models import Label
from tests.core.test_query_counts import counting
from tests.factories import AnimatorFactory, submitted_dossier


def _export(client, columns):
    url = "/instruction/export.csv?tab=all&sort=number&direction=asc&" + "&".join(
        f"column={c}" for c in columns)
    response = client.get(url)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))


def test_every_column_of_an_assigned_labelled_qualified_dossier(animator_client, animator):
    dossier = submitted_dossier(title="Ressourcerie petite enfance", town="Bron")
    other = submitted_dossier(title="Atelier vélo")
    assignee = AnimatorFactory(full_name="Léa Martin")
    dossier.assigned_to = assignee
    dossier.labels.extend([Label(name="Urgent-export"), Label(name="À présenter-export")])
    triage.save_qualification(dossier, {"themes": ["reuse", "early_childhood"],
                                        "opinion": "Solide", "stage": "emergence"}, animator)
    rows = _export(animator_client, list(exports.COLUMNS))
    header, first, second = rows
    by_key = dict(zip(exports.COLUMNS, first, strict=True))
    assert by_key["number"] == dossier.number
    assert by_key["email"] == dossier.holder.email
    assert by_key["assigned_to"] == "Léa Martin"
    assert sorted(by_key["labels"].split(", ")) == ["Urgent-export", "À présenter-export"]
    assert by_key["q_themes"] == "Petite enfance, Réemploi et économie circulaire"
    assert by_key["q_opinion"] == "Solide"
    assert by_key["q_stage"].startswith("Émergence")
    assert by_key["legal_form"] == "SCIC (société coopérative d'intérêt collectif)"
    assert by_key["support_kinds"] == "Un local d'activité (par exemple un rez-de-chaussée)"
    second_by_key = dict(zip(exports.COLUMNS, second, strict=True))
    assert second_by_key["number"] == other.number
    assert second_by_key["assigned_to"] == "" and second_by_key["q_themes"] == ""


def test_export_statements_do_not_grow_with_the_rows(animator_client, animator):
    def add(n):
        for k in range(n):
            d = submitted_dossier(title=f"Dossier {k}")
            d.labels.append(Label(name=f"export-{d.id}"))
            triage.save_qualification(d, {"themes": ["food"]}, animator)

    def statements():
        _export(animator_client, list(exports.COLUMNS))  # also sends the receipts queued
        with counting() as executed:
            rows = _export(animator_client, list(exports.COLUMNS))
        return len(executed), len(rows)

    add(2)
    small, small_rows = statements()
    add(6)
    large, large_rows = statements()
    assert (small_rows, large_rows) == (3, 9)
    assert large == small

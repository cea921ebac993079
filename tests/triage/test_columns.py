"""The dashboard's columns (issue 17, item 4): each animator chooses them with the « Colonnes »
control (kept as their default view, saved with a saved view), the number and the title always
shown; the exports write the columns shown; names the dashboard does not know are ignored."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

from sqlalchemy import select

from murporteur.extensions import db
from murporteur.triage import columns, exports
from murporteur.triage import services as triage
from murporteur.triage.models import Label, SavedView
from tests.conftest import login
from tests.core.test_query_counts import _dossier_with_everything, queries
from tests.factories import AnimatorFactory, submitted_dossier
from tests.helpers import text


def _headers(html: str) -> list[str]:
    head = html[html.index('<table class="data-table dossier-table">'):html.index("</thead>")]
    cells = re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", head, re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>|[▲▼]", " ", c)).split()) for c in cells][1:]


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))


def _export_form(html: str) -> str:
    """The query the dashboard's « export the whole tab » form sends."""
    form = html[html.index('class="export-form"'):]
    form = form[:form.index("</form>")]
    pairs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)
    return "&".join(f"{name}={value}" for name, value in pairs)


def test_every_column_is_offered_and_exportable():
    assert set(columns.ORDER) == set(exports.COLUMNS)
    assert set(columns.DEFAULT) <= set(columns.ORDER)
    assert columns.ORDER[:2] == columns.ALWAYS


def test_the_default_columns_and_the_control_listing_them(animator_client):
    submitted_dossier(title="Café solidaire")
    html = animator_client.get("/instruction/").get_data(as_text=True)
    assert _headers(html) == ["Numéro", "Titre", "Structure", "Commune", "Reçu le", "État",
                              "Confié à", "Délais", "Étiquettes"]
    control = html[html.index('class="columns-box"'):html.index('class="filters"')]
    assert "<summary>Colonnes (9)</summary>" in control
    for key, label in columns.offered():
        assert f'id="show-{key}"' in control and str(label) in control
    # The number and the title cannot be unticked: always sent, shown ticked and disabled.
    assert '<input type="checkbox" id="show-number" checked disabled' in control
    assert '<input type="hidden" name="column" value="title">' in control
    assert 'name="columns_chosen" value="1"' in control


def test_a_choice_is_the_animator_s_default_view_and_nobody_else_s(app, animator_client):
    dossier = submitted_dossier(title="Café solidaire", town="Bron")
    chosen = animator_client.get(
        "/instruction/?tab=all&column=town&column=email&column=call&columns_chosen=1")
    assert _headers(chosen.get_data(as_text=True)) == ["Numéro", "Titre", "Commune",
                                                       "Appel", "Adresse e-mail"]
    page = animator_client.get("/instruction/?tab=all").get_data(as_text=True)
    assert _headers(page) == ["Numéro", "Titre", "Commune", "Appel", "Adresse e-mail"]
    assert dossier.holder.mail_address in page
    other = app.test_client()
    login(other, AnimatorFactory())
    assert _headers(other.get("/instruction/?tab=all").get_data(as_text=True))[2] == "Structure"


def test_unknown_column_names_are_ignored_without_a_word(animator_client):
    submitted_dossier()
    response = animator_client.get("/instruction/?column=%3Cscript%3E&column=nope&column=")
    assert response.status_code == 200 and "<script>" not in response.get_data(as_text=True)
    assert _headers(response.get_data(as_text=True))[:3] == ["Numéro", "Titre", "Structure"]
    mixed = animator_client.get("/instruction/?column=town&column=évier&columns_chosen=1")
    assert _headers(mixed.get_data(as_text=True)) == ["Numéro", "Titre", "Commune"]
    assert animator_client.get("/instruction/export.csv?column=nope").status_code == 200


def test_a_saved_view_keeps_its_columns_without_changing_the_default(animator_client,
                                                                     animator):
    submitted_dossier(title="Café solidaire", town="Bron")
    response = animator_client.post("/instruction/vues", data={
        "query": "tab=all&column=town&column=phone", "name": "Téléphones"})
    assert "column=number&column=title&column=town&column=phone" in response.headers["Location"]
    view = db.session.scalars(select(SavedView)).one()
    assert view.columns == ["number", "title", "town", "phone"]
    opened = animator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert _headers(opened) == ["Numéro", "Titre", "Commune", "Téléphone"]
    # Its tabs, sorts and filters keep its columns.
    assert 'href="/instruction/?tab=waiting&amp;sort=submitted&amp;direction=desc&amp;column=' \
           'number&amp;column=title&amp;column=town&amp;column=phone"' in opened
    # The default view is the animator's own still.
    default = animator_client.get("/instruction/?tab=all").get_data(as_text=True)
    assert _headers(default)[2] == "Structure"
    # Saved from the dashboard, a view takes the columns it shows.
    html = animator_client.get("/instruction/?tab=all&column=labels").get_data(as_text=True)
    query = re.search(r'name="query" value="([^"]*)"', html).group(1).replace("&amp;", "&")
    animator_client.post("/instruction/vues", data={"query": query, "name": "Étiquettes"})
    labelled = db.session.scalars(select(SavedView).where(SavedView.name == "Étiquettes")).one()
    assert labelled.columns == ["number", "title", "labels"]


def test_the_exports_write_the_columns_shown(animator_client, animator):
    dossier = submitted_dossier(title="Café solidaire", town="Bron")
    dossier.labels.append(Label(name="Urgent-col"))
    triage.save_qualification(dossier, {"themes": ["food"]}, animator)
    db.session.commit()
    html = animator_client.get(
        "/instruction/?tab=all&column=town&column=q_themes&column=deadlines&column=activity"
        "&column=labels").get_data(as_text=True)
    rows = _csv(animator_client.get("/instruction/export.csv?" + _export_form(html)))
    assert rows[0] == ["Numéro", "Titre", "Commune", "Thèmes (qualification)",
                       "Dernière activité", "Délais", "Étiquettes"]
    assert rows[1][:4] == [dossier.number, "Café solidaire", "Bron", "Alimentation"]
    assert rows[1][5] in ("Dans les temps", "Premier appel en retard")
    assert rows[1][6] == "Urgent-col"
    # The ticked dossiers too.
    bulk = html[html.index('id="bulk"'):]
    sent = re.findall(r'<input type="hidden" name="column" value="([^"]+)">',
                      bulk[:bulk.index("<table")])
    assert sent == ["number", "title", "town", "q_themes", "activity", "deadlines", "labels"]
    selection = animator_client.post("/instruction/lot", data={
        "dossier": [dossier.id], "action": "export", "format": "csv", "column": sent})
    assert _csv(selection)[0] == rows[0]


def test_the_call_column_names_the_call_answered(app, animator_client, animator):
    from tests.calls.test_calls import _sent, make_call

    call = make_call(animator, title="Rez-de-chaussée rue Pasteur")
    dossier = _sent(app.test_client(), call, "a@example.org")
    page = animator_client.get("/instruction/?tab=all&column=call")
    html = page.get_data(as_text=True)
    assert "Rez-de-chaussée rue Pasteur" in text(page)
    rows = _csv(animator_client.get("/instruction/export.csv?tab=all&column=number"
                                    "&column=call"))
    assert [dossier.number, "Rez-de-chaussée rue Pasteur"] in rows
    assert 'title="Rez-de-chaussée rue Pasteur"' in html


def test_every_column_at_once_runs_the_same_queries_whatever_the_dossiers(app):
    animator = AnimatorFactory()
    label = Label(name="Urgent-cols", colour="red")
    db.session.add(label)
    db.session.flush()
    client = app.test_client()
    login(client, animator)
    url = "/instruction/?tab=all&" + "&".join(f"column={key}" for key in columns.ORDER)
    for k in range(2):
        _dossier_with_everything(animator, label, k)
    small = queries(client, url)
    for k in range(2, 6):
        _dossier_with_everything(animator, label, k)
    assert queries(client, url) == small
    page = client.get(url)
    assert _headers(page.get_data(as_text=True)) == [str(label) for _k, label in
                                                     columns.offered()]
    assert "Café solidaire 5 coopératif" in text(page)

"""The dashboard: tabs with counts, filters kept in the URL, search, sort, deadlines, bulk."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from murporteur.core.db import utcnow
from murporteur.core.lifecycle import apply_transition
from murporteur.extensions import db
from murporteur.submissions import services as submissions
from murporteur.triage import dashboard, dashboard_rows
from murporteur.triage import services as triage
from tests.conftest import login
from tests.factories import (
    AdminFactory,
    AnimatorFactory,
    DraftFactory,
    HolderFactory,
    MemberFactory,
    submitted_dossier,
)
from tests.helpers import text


def _submit(title, when=None, **kw):
    draft = DraftFactory(title=title, **kw)
    submissions.submit_dossier(draft, draft.holder,
                               now=when or datetime(2026, 3, 1, 9, tzinfo=UTC))
    return draft


def _numbers(page_text, dossiers):
    return [d.title for d in dossiers if d.title in page_text]


def test_tabs_hold_the_right_dossiers_with_live_counts(animator_client, animator):
    other = AnimatorFactory()
    _submit("Idée nouvelle")
    mine = _submit("Idée qui m'est confiée")
    triage.assign(mine, animator, animator)
    waiting = _submit("Idée en attente")
    triage.decide(waiting, "request_info", other, "Un budget ?")
    retained = _submit("Idée retenue")
    retained.state = "retained"
    finished = _submit("Idée refusée")
    triage.decide(finished, "decline", other, "Hors champ.")
    DraftFactory(title="Brouillon invisible")
    page = text(animator_client.get("/instruction/"))
    # « À qualifier » holds what its badge says: received dossiers, assigned or not.
    assert "À qualifier (2)" in page and "Mes dossiers (1)" in page
    assert "En attente du porteur (1)" in page and "Retenus (1)" in page
    assert "Terminés (1)" in page and "Tous (5)" in page
    assert "Idée nouvelle" in page and "Idée retenue" not in page  # the default tab
    assert "Idée qui m'est confiée" in text(animator_client.get("/instruction/?tab=mine"))
    assert "Idée en attente" in text(animator_client.get("/instruction/?tab=waiting"))
    assert "Idée refusée" in text(animator_client.get("/instruction/?tab=finished"))
    everything = text(animator_client.get("/instruction/?tab=all"))
    assert "Brouillon invisible" not in everything and "Idée retenue" in everything


def test_filters_combine_and_stay_in_the_links(animator_client, animator):
    _submit("Café des Minguettes", neighbourhoods="Les Minguettes", stage="emergence")
    _submit("Atelier vélo", neighbourhoods="Les Minguettes", stage="mature")
    _submit("Repair café", neighbourhoods="La Duchère", stage="emergence")
    response = animator_client.get(
        "/instruction/?tab=all&neighbourhood=minguettes&stage=emergence")
    page = text(response)
    assert "Café des Minguettes" in page
    assert "Atelier vélo" not in page and "Repair café" not in page
    html = response.get_data(as_text=True)
    # Tabs and sort links keep the filters.
    assert "neighbourhood=minguettes" in html and "stage=emergence" in html


def test_filter_by_theme_assigned_label_priority_area_and_dates(animator_client, animator):
    old = _submit("Ancienne idée", when=datetime(2025, 6, 1, 9, tzinfo=UTC),
                  priority_area="no")
    new = _submit("Idée récente", when=datetime(2026, 6, 1, 9, tzinfo=UTC))
    triage.save_qualification(new, {"themes": ["food", "culture"]}, animator)
    triage.assign(new, animator, animator)
    label = triage.create_label("Prioritaire", "red", animator)
    triage.add_label([old], label, animator)
    cases = {
        "theme=food": ["Idée récente"],
        f"assigned={animator.id}": ["Idée récente"],
        "assigned=none": ["Ancienne idée"],
        f"label={label.id}": ["Ancienne idée"],
        "priority_area=no": ["Ancienne idée"],
        "submitted_from=2026-01-01": ["Idée récente"],
        "submitted_to=2025-12-31": ["Ancienne idée"],
    }
    for query, expected in cases.items():
        page = text(animator_client.get(f"/instruction/?tab=all&{query}"))
        assert _numbers(page, [old, new]) == list(expected), query


def test_stage_area_and_themes_filters_read_the_qualification_else_the_holder(
        animator_client, animator):
    qualified = _submit("Idée qualifiée", stage="emergence", priority_area="no")
    holders = _submit("Idée du porteur", stage="emergence", priority_area="yes")

    def found(query):
        page = text(animator_client.get(f"/instruction/?tab=all&{query}"))
        return _numbers(page, [qualified, holders])

    assert found("stage=emergence") == ["Idée qualifiée", "Idée du porteur"]
    activity = qualified.updated_at
    triage.save_qualification(qualified, {"stage": "mature", "themes": ["food"]}, animator)
    db.session.refresh(qualified)
    assert qualified.updated_at == activity  # the dossier's last activity stays
    assert found("stage=emergence") == ["Idée du porteur"]
    assert found("stage=mature") == ["Idée qualifiée"]
    assert found("priority_area=no") == ["Idée qualifiée"]  # the qualification is silent
    assert found("theme=food") == ["Idée qualifiée"]
    # Qualified again: the filters and the tab counts follow at once.
    triage.save_qualification(qualified, {"priority_area": "yes", "themes": ["culture"]},
                              animator)
    assert found("priority_area=yes") == ["Idée qualifiée", "Idée du porteur"]
    assert found("priority_area=no") == []
    assert found("theme=food") == []
    assert found("theme=food&theme=culture") == ["Idée qualifiée"]
    assert "Tous (1)" in text(animator_client.get("/instruction/?tab=all&theme=culture"))


def test_a_bad_date_is_explained_and_ignored(animator_client):
    _submit("Idée")
    response = animator_client.get("/instruction/?tab=all&submitted_from=31/02/2026")
    assert response.status_code == 200
    assert "La date « 31/02/2026 » n'est pas comprise" in text(response)
    assert "Idée" in text(response)


def test_search_finds_the_number_first_then_words_without_accents(animator_client):
    creche = _submit("Crèche parentale des Buers", structure_name="Les Petits Lutins")
    other = _submit("Atelier vélo")
    assert "Crèche parentale" in text(animator_client.get(
        f"/instruction/?tab=all&q={creche.number.lower()}"))
    page = text(animator_client.get("/instruction/?tab=all&q=creche"))
    assert "Crèche parentale des Buers" in page and "Atelier vélo" not in page
    page = text(animator_client.get("/instruction/?tab=all&q=petits lutins"))
    assert "Crèche parentale des Buers" in page and "Atelier vélo" not in page
    page = text(animator_client.get(f"/instruction/?tab=all&q={other.holder.email}"))
    assert "Atelier vélo" in page and "Crèche parentale" not in page


def test_sorting_by_a_column_both_ways(animator_client):
    _submit("Bbb", town="Bron")
    _submit("Aaa", town="Villeurbanne")
    _submit("Ccc", town="Lyon")
    asc = text(animator_client.get("/instruction/?tab=all&sort=title&direction=asc"))
    assert asc.index("Aaa") < asc.index("Bbb") < asc.index("Ccc")
    desc = text(animator_client.get("/instruction/?tab=all&sort=town&direction=desc"))
    assert desc.index("Villeurbanne") < desc.index("Lyon") < desc.index("Bron")
    # An unknown column falls back to the submission date.
    assert animator_client.get("/instruction/?sort=drop table").status_code == 200


def test_pages_of_fifty(animator_client, monkeypatch):
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 2)
    for i in range(5):
        _submit(f"Idée {i}")
    assert "Page 1 sur 3" in text(animator_client.get("/instruction/?tab=all"))
    assert "Page 3 sur 3" in text(animator_client.get("/instruction/?tab=all&page=3"))
    assert animator_client.get("/instruction/?page=abc").status_code == 200


def test_each_row_says_its_age_and_names_its_checkbox_in_the_reader_s_language(
        animator_client):
    dossier = _submit("Atelier vélo", when=utcnow() - timedelta(days=3))
    response = animator_client.get("/instruction/?tab=all")
    assert f'aria-label="Sélectionner {dossier.number}"' in response.get_data(as_text=True)
    assert "· il y a 3 j" in text(response)
    animator_client.post("/langue", data={"locale": "en"})
    response = animator_client.get("/instruction/?tab=all")
    assert f'aria-label="Select {dossier.number}"' in response.get_data(as_text=True)
    assert "· 3 d ago" in text(response)


def test_deadline_badges(animator_client, animator):
    now = utcnow()
    _submit("Pas encore appelé", when=now - timedelta(days=11))
    _submit("Arrivé hier", when=now - timedelta(days=1))
    waiting = _submit("Question sans réponse", when=now - timedelta(days=40))
    triage.record_call(waiting, animator, "reached", "", at=now - timedelta(days=35))
    apply_transition(waiting, "request_info", animator, "Un budget ?",
                     at=now - timedelta(days=22))
    rows, _total = dashboard_rows.dashboard_page(dashboard.Filters(tab="all"), animator, now)
    badges = {r.dossier.title: (r.overdue_call, r.overdue_answer, r.age_days) for r in rows}
    assert badges["Pas encore appelé"][:2] == (True, False)
    assert badges["Pas encore appelé"][2] in (10, 11, 12)
    assert badges["Arrivé hier"][:2] == (False, False)
    assert badges["Question sans réponse"][:2] == (False, True)
    page = text(animator_client.get("/instruction/?tab=all"))
    assert "Premier appel en retard" in page and "Sans réponse du porteur" in page


def test_bulk_assign_and_label(animator_client, animator):
    a, b, c = _submit("Un"), _submit("Deux"), _submit("Trois")
    triage.ensure_default_labels()
    urgent = next(lb for lb in triage.all_labels() if lb.name == "Urgent")
    response = animator_client.post("/instruction/lot", data={
        "dossier": [a.id, b.id], "action": "assign", "animator": "me",
        "back": "/instruction/?tab=all"})
    assert response.headers["Location"] == "/instruction/?tab=all"
    assert "2 dossier(s) confié(s)." in text(animator_client.get(response.headers["Location"]))
    animator_client.post("/instruction/lot", data={
        "dossier": [b.id, c.id], "action": "label", "label": urgent.id})
    db.session.expire_all()
    assert a.assigned_to_id == b.assigned_to_id == animator.id and c.assigned_to_id is None
    assert sorted(d.title for d in urgent.dossiers) == ["Deux", "Trois"]


def test_bulk_actions_explain_what_is_missing(animator_client):
    a = _submit("Un")
    response = animator_client.post("/instruction/lot", data={"action": "assign"})
    assert "Cochez au moins un dossier." in text(animator_client.get(
        response.headers["Location"]))
    response = animator_client.post("/instruction/lot", data={
        "dossier": [a.id], "action": "label", "label": "999999"})
    assert "Choisissez l'étiquette à ajouter." in text(animator_client.get(
        response.headers["Location"]))
    response = animator_client.post("/instruction/lot", data={
        "dossier": [a.id], "action": "assign", "animator": "424242"})
    assert "Choisissez une personne de l'équipe." in text(animator_client.get(
        response.headers["Location"]))
    response = animator_client.post("/instruction/lot", data={
        "dossier": [a.id], "action": "assign", "animator": "me", "back": "https://evil.example"})
    assert response.headers["Location"] == "/instruction/"


def test_export_of_the_current_filter_as_csv_with_chosen_columns(animator_client, animator):
    a = _submit("Café solidaire", town="Vénissieux", support_kinds=["financing"],
                financing_amount_cents=800050)
    triage.save_qualification(a, {"themes": ["food"], "opinion": "Très prometteur"}, animator)
    _submit("Atelier vélo", town="Bron")
    response = animator_client.get(
        "/instruction/export.csv?tab=all&q=solidaire&column=number&column=title&column=town"
        "&column=financing_amount&column=q_themes&column=q_opinion&column=submitted_at")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert rows[0] == ["Numéro", "Titre", "Commune", "Financement recherché (€)",
                       "Thèmes (qualification)", "Avis de l'animation", "Reçu le"]
    assert rows[1][:6] == [a.number, "Café solidaire", "Vénissieux", "8000,50", "Alimentation",
                           "Très prometteur"]
    assert rows[1][6] == "2026-03-01 10:00"  # 9:00 UTC shown in Paris time
    assert len(rows) == 2
    # Without columns asked for, the export writes those of the animator's dashboard.
    animator_client.get("/instruction/?column=town&column=q_themes&columns_chosen=1")
    again = animator_client.get("/instruction/export.csv?tab=all")
    assert again.get_data(as_text=True).lstrip("\ufeff").splitlines()[0] \
        == "Numéro;Titre;Commune;Thèmes (qualification)"


def test_export_as_xlsx(animator_client):
    a = _submit("Café solidaire")
    response = animator_client.get("/instruction/export.xlsx?tab=all&column=number"
                                   "&column=title")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == ["Numéro", "Titre"]
    assert [c.value for c in sheet[2]] == [a.number, "Café solidaire"]


def test_export_of_a_selection(animator_client):
    _submit("Un")
    b = _submit("Deux")
    response = animator_client.post("/instruction/lot", data={
        "dossier": [b.id], "action": "export", "format": "csv", "column": ["title"]})
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines == ["Titre", "Deux"]


def test_unknown_export_format_is_not_found(animator_client):
    assert animator_client.get("/instruction/export.pdf").status_code == 404


@pytest.mark.parametrize("factory", [HolderFactory, MemberFactory, AdminFactory])
def test_nobody_else_sees_the_dashboard_or_exports(app, factory):
    submitted_dossier()
    user = factory(password_hash=AnimatorFactory().password_hash)
    client = app.test_client()
    login(client, user)
    for url in ("/instruction/", "/instruction/export.csv", "/instruction/etiquettes"):
        assert client.get(url).status_code == 403
    assert client.post("/instruction/lot", data={"action": "export"}).status_code == 403


def test_labels_are_created_once_by_name(animator_client):
    response = animator_client.post("/instruction/etiquettes",
                                    data={"name": "Jeunesse", "colour": "blue"})
    assert response.status_code == 302
    again = animator_client.post("/instruction/etiquettes",
                                 data={"name": "jeunesse", "colour": "red"})
    assert again.status_code == 422 and "existe déjà" in text(again)
    empty = animator_client.post("/instruction/etiquettes", data={"name": " ", "colour": "red"})
    assert "Donnez un nom à l'étiquette." in text(empty)


def test_a_label_is_renamed_and_its_dossiers_keep_it(animator_client, animator):
    from murporteur.triage.models import Label

    dossier = _submit("Idée étiquetée")
    jeunesse = triage.create_label("Jeunesse", "blue", animator)
    seniors = triage.create_label("Seniors", "blue", animator)
    triage.add_label([dossier], jeunesse, animator)
    db.session.commit()
    page = animator_client.get(f"/instruction/etiquettes/{jeunesse.id}/modifier")
    assert 'value="Jeunesse"' in page.get_data(as_text=True)
    taken = animator_client.post(f"/instruction/etiquettes/{jeunesse.id}/modifier",
                                 data={"name": "seniors", "colour": "green"})
    assert taken.status_code == 422 and "existe déjà" in text(taken)
    assert 'value="seniors"' in taken.get_data(as_text=True)  # what was typed is kept
    bad = animator_client.post(f"/instruction/etiquettes/{jeunesse.id}/modifier",
                               data={"name": "Jeunes", "colour": "plaid"})
    assert bad.status_code == 422
    saved = animator_client.post(f"/instruction/etiquettes/{jeunesse.id}/modifier",
                                 data={"name": "Jeunes", "name_en": "Youth", "colour": "green"})
    assert saved.status_code == 302
    label = db.session.get(Label, jeunesse.id)
    db.session.refresh(label)
    assert (label.name, label.name_en, label.colour) == ("Jeunes", "Youth", "green")
    assert [lb.name for lb in db.session.get(type(dossier), dossier.id).labels] == ["Jeunes"]
    assert seniors.name == "Seniors"


def test_filter_by_an_organisation_that_showed_interest_in_committee(animator_client, animator):
    from murporteur.committee import services as committee
    from murporteur.committee.models import Stance
    from tests.factories import OrganisationFactory

    keen, cold = OrganisationFactory(name="Dynacité"), OrganisationFactory(name="Vilogia")
    session = committee.create_session(animator, starts_at=datetime(2026, 12, 1, 13, tzinfo=UTC),
                                       place="Lyon", organisations=[keen, cold])
    liked, ignored = _submit("Idée soutenue"), _submit("Idée ignorée")
    for dossier in (liked, ignored):
        dossier.state = "retained"
        committee.add_item(session, dossier, animator)
    first, second = session.items
    committee.record_position(first, MemberFactory(organisation=keen), stance=Stance.SUPPORTS,
                              offer_kinds=[], amount_cents=None, comment="",
                              expected_version=None)
    committee.record_position(second, MemberFactory(organisation=cold),
                              stance=Stance.NOT_CONCERNED, offer_kinds=[], amount_cents=None,
                              comment="", expected_version=None)
    page = text(animator_client.get(f"/instruction/?tab=all&interested={keen.id}"))
    assert "Idée soutenue" in page and "Idée ignorée" not in page
    page = text(animator_client.get(f"/instruction/?tab=all&interested={cold.id}"))
    assert "Idée soutenue" not in page and "Idée ignorée" not in page

"""The reporting pages, exports and yearly report, as animators and members use them: the
numbers they read agree with the hand count of tests/reporting/test_services.py."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from murporteur.accounts.models import Role
from murporteur.core.timeutil import paris_today
from murporteur.reporting.services import Period, collective_stats, figures
from tests.conftest import login
from tests.factories import UserFactory
from tests.helpers import text
from tests.reporting.test_services import EXPECTED_2025, build_world

YEAR_ARGS = "?year=2025"


def _plain(value: str) -> str:
    return value.replace("\u202f", " ").replace("\xa0", " ")


def figure(response, name: str) -> str:
    """The number a page shows for ``name`` (its data-figure cell), spaces made plain."""
    match = re.search(rf'data-figure="{name}">([^<]*)<', response.get_data(as_text=True))
    assert match, name
    return _plain(match.group(1)).strip()


@pytest.fixture
def world(app):
    return build_world()


@pytest.fixture
def animator_browser(app, world):
    client = app.test_client()
    login(client, world.animator)
    return client


@pytest.fixture
def lmh_browser(app, world):
    client = app.test_client()
    login(client, world.members[world.lmh])
    return client


def test_the_dashboard_shows_the_hand_counted_figures(animator_browser):
    response = animator_browser.get("/rapports/" + YEAR_ARGS)
    assert response.status_code == 200
    shown = {name: figure(response, name) for name in (
        "received", "qualified", "retained", "presented", "supported", "conventioned",
        "sessions_held", "conventions", "committed", "paid", "in_kind", "crossed_share",
        "median_first_call", "median_committee", "median_convention")}
    assert shown == {
        "received": "7", "qualified": "5", "retained": "4", "presented": "3",
        "supported": "2", "conventioned": "2", "sessions_held": "1", "conventions": "4",
        "committed": "14 000 €", "paid": "11 000 €", "in_kind": "3 000 €",
        "crossed_share": "50 %", "median_first_call": "10 jours",
        "median_committee": "46 jours", "median_convention": "161,5 jours"}
    page = _plain(text(response))
    assert "Lyon Métropole Habitat 2 2 12 000 € 9 000 € 0 €" in page
    assert "Café solidaire" in page and "Atelier vélo" in page  # the supported projects
    assert "Période : 2025" in page


def test_the_page_agrees_with_the_stats_of_the_api(animator_browser):
    stats = collective_stats(2025)
    response = animator_browser.get("/rapports/" + YEAR_ARGS)
    for step in ("received", "qualified", "retained", "presented", "supported",
                 "conventioned"):
        assert figure(response, step) == str(stats[step])
    assert figure(response, "committed") == "14 000 €" and stats["committed_cents"] == 1_400_000
    assert figure(response, "crossed_share") == f"{round(stats['crossed_share'] * 100)} %"


def test_every_chart_is_an_image_with_a_title_next_to_its_table(animator_browser):
    html = animator_browser.get("/rapports/" + YEAR_ARGS).get_data(as_text=True)
    charts = re.findall(r"(<svg[^>]*>)<title>[^<]+</title>", html)
    assert len(charts) == html.count("<svg") == 4
    assert all('role="img"' in c and "aria-label=" in c for c in charts)
    assert html.count("<desc>Les mêmes chiffres sont dans le tableau qui suit.</desc>") == 4
    assert " style=" not in html[html.index("<main"):]  # the CSP allows no inline style
    # Drawn by the server: no script of the page's own (the site's shared ones aside).
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert "chart" not in " ".join(re.findall(r'<script[^>]*src="([^"]+)"', html))
    assert "Du dépôt de l&#39;idée à la convention, 2025" in html
    assert html.count("<table") >= 7


def test_a_quarter_chosen_in_the_url(animator_browser):
    response = animator_browser.get("/rapports/?year=2025&quarter=1")
    assert [figure(response, s) for s in ("received", "qualified", "conventioned")] == \
        ["5", "4", "0"]
    assert "Période : 2025-Q1" in text(response)
    assert 'href="/rapports/conventions.csv?year=2025&amp;quarter=1"' in \
        response.get_data(as_text=True)


def test_a_custom_range(animator_browser):
    response = animator_browser.get("/rapports/?from=2025-01-01&to=2025-01-31")
    # A, B and H (1 January in Paris) were received in January.
    assert figure(response, "received") == "3"
    assert "Période : 01/01/2025 – 31/01/2025" in _plain(text(response))


def test_an_unreadable_period_is_explained_and_the_current_year_shown(animator_browser):
    response = animator_browser.get("/rapports/?year=2025&quarter=7")
    assert response.status_code == 200
    page = text(response)
    year = paris_today().year
    assert "Le trimestre « 7 » n'est pas compris (par exemple 2026-Q4)." in page
    assert f"Les chiffres affichés sont ceux de l'année {year}." in page
    assert f"Période : {year}" in page
    reversed_dates = animator_browser.get("/rapports/?from=2025-05-01&to=2025-01-01")
    assert "La date de début de la période est après sa date de fin." in text(reversed_dates)


def test_animators_look_at_one_organisation(animator_browser, world):
    response = animator_browser.get(f"/rapports/?year=2025&organisation={world.vilogia.id}")
    assert figure(response, "org-in_kind") == "3 000 €"
    assert figure(response, "org-backed") == "1"
    assert figure(response, "committed") == "14 000 €"  # the collective's, alongside
    unknown = animator_browser.get("/rapports/?year=2025&organisation=999999")
    assert "Cette organisation n'existe pas" in text(unknown)
    assert figure(unknown, "committed") == "14 000 €"


def test_a_member_sees_their_organisation_and_the_collective_totals_only(lmh_browser, world):
    # Even when the URL names another organisation.
    response = lmh_browser.get(f"/rapports/?year=2025&organisation={world.dynacite.id}")
    assert response.status_code == 200
    assert (figure(response, "org-committed"), figure(response, "org-paid"),
            figure(response, "org-conventions"), figure(response, "org-backed")) == (
        "12 000 €", "9 000 €", "2", "2")
    assert (figure(response, "committed"), figure(response, "paid")) == ("14 000 €",
                                                                        "11 000 €")
    page = text(response)
    assert "Votre organisation : Lyon Métropole Habitat" in page
    for other in ("Vilogia", "Dynacité", "Café solidaire", "Atelier vélo"):
        assert other not in page, other
    assert "rapport-2025" not in response.get_data(as_text=True)


# --- Exports -------------------------------------------------------------------------------

def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def _cents(text_amount: str) -> int:
    euros, _, cents = text_amount.partition(",")
    return int(euros) * 100 + int(cents or 0)


def test_the_conventions_csv_adds_up_to_the_figures(animator_browser):
    rows = _csv(animator_browser.get("/rapports/conventions.csv" + YEAR_ARGS))
    header, lines = rows[0], rows[1:]
    assert header[:4] == ["Dossier", "Projet", "Porteur", "Organisation"]
    assert header[7] == "Signée le" and header[10] == "Montant engagé (€)"
    money = figures(Period.of_year(2025)).collective
    assert len(lines) == money.conventions == 4
    assert sum(_cents(line[10]) for line in lines) == money.committed_cents
    assert sum(_cents(line[11]) for line in lines) == money.in_kind_cents
    first = lines[0]
    assert (first[1], first[3], first[7], first[10], first[12]) == (
        "Ludothèque", "Dynacité", "2025-01-20", "2000,00", "2000,00")
    assert {line[5] for line in lines} == {"Signée"}


def test_the_payments_xlsx_adds_up_to_the_figures(animator_browser):
    response = animator_browser.get("/rapports/versements.xlsx" + YEAR_ARGS)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        "attachment; filename=versements-2025.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Dossier", "Projet", "Organisation", "Référence de la convention")
    lines = rows[1:]
    # Three payments made in 2025, one planned for December and not made yet.
    assert len(lines) == 4
    paid = sum(round(line[7] * 100) for line in lines if line[6])
    assert paid == figures(Period.of_year(2025)).collective.paid_cents == 1_100_000
    assert next(line for line in lines if not line[6])[4:6] == ("2025-12-15", 3000)


def test_the_conventions_xlsx_and_the_payments_csv(animator_browser):
    sheet = load_workbook(io.BytesIO(animator_browser.get(
        "/rapports/conventions.xlsx" + YEAR_ARGS).data)).active
    committed = [row[10] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert round(sum(committed) * 100) == 1_400_000
    rows = _csv(animator_browser.get("/rapports/versements.csv" + YEAR_ARGS))
    assert sum(_cents(line[7]) for line in rows[1:] if line[7]) == 1_100_000


def test_a_member_exports_only_their_organisations_rows(lmh_browser, world):
    rows = _csv(lmh_browser.get(
        f"/rapports/conventions.csv?year=2025&organisation={world.vilogia.id}"))
    assert {line[3] for line in rows[1:]} == {"Lyon Métropole Habitat"}
    assert sum(_cents(line[10]) for line in rows[1:]) == 1_200_000
    sheet = load_workbook(io.BytesIO(lmh_browser.get(
        "/rapports/versements.xlsx" + YEAR_ARGS).data)).active
    assert {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
        "Lyon Métropole Habitat"}


def test_an_animator_exports_one_organisation(animator_browser, world):
    rows = _csv(animator_browser.get(
        f"/rapports/conventions.csv?year=2025&organisation={world.dynacite.id}"))
    assert [line[3] for line in rows[1:]] == ["Dynacité"]


def test_the_table_by_organisation_in_full(animator_browser, lmh_browser, world):
    rows = _csv(animator_browser.get("/rapports/organisations.csv" + YEAR_ARGS))
    assert rows[0] == ["Organisation", "Projets soutenus", "Conventions signées",
                       "Montant engagé (€)", "Montant versé (€)", "Valorisation en nature (€)"]
    assert ["Lyon Métropole Habitat", "2", "2", "12000,00", "9000,00", "0,00"] in rows
    assert sum(_cents(line[3]) for line in rows[1:]) == 1_400_000
    # A member: their organisation's row only, whatever the URL says.
    sheet = load_workbook(io.BytesIO(lmh_browser.get(
        f"/rapports/organisations.xlsx?year=2025&organisation={world.vilogia.id}").data)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Lyon Métropole Habitat"]


def test_the_supported_projects_in_full(animator_browser, lmh_browser):
    rows = _csv(animator_browser.get("/rapports/projets-soutenus.csv" + YEAR_ARGS))
    assert rows[0][:4] == ["Dossier", "Projet", "Porteur", "Soutenu le"]
    assert [(line[1], line[3], line[4]) for line in rows[1:]] == [
        ("Café solidaire", "2025-03-12", "Lyon Métropole Habitat, Vilogia"),
        ("Atelier vélo", "2025-03-12", "Lyon Métropole Habitat")]
    assert lmh_browser.get("/rapports/projets-soutenus.csv" + YEAR_ARGS).status_code == 403


def test_a_long_list_of_organisations_shows_the_most_engaged(animator_browser):
    from tests.factories import OrganisationFactory

    for n in range(12):
        OrganisationFactory(name=f"Fondation n°{n:02d}")
    response = animator_browser.get("/rapports/" + YEAR_ARGS)
    page = _plain(text(response))
    table = page[page.index("Conventions et montants par organisation, 2025"):
                 page.index("Par trimestre")]
    assert "Lyon Métropole Habitat 2 2 12 000 € 9 000 € 0 €" in table
    assert "Fondation n°00" not in table  # nothing this year: in the export
    assert ("Les 3 organisations les plus engagées sur la période ; le tableau des 15 "
            "organisations : CSV · XLSX") in table
    assert 'href="/rapports/organisations.xlsx?year=2025"' in response.get_data(as_text=True)


def test_an_unknown_export_format_is_not_found(animator_browser):
    assert animator_browser.get("/rapports/conventions.pdf").status_code == 404


# --- The yearly report -----------------------------------------------------------------------

def yearly_report(browser, year: int):
    """Ask for the yearly report: its job's page (the job runs in-process here)."""
    response = browser.post(f"/rapports/rapport-{year}")
    assert response.status_code == 303, response.status_code
    job_url = response.headers["Location"]
    assert re.fullmatch(r"/taches/\d+", job_url), job_url
    return job_url


def test_the_yearly_report_pdf(animator_browser):
    job_url = yearly_report(animator_browser, 2025)
    page = text(animator_browser.get(job_url))
    assert "Rapport annuel 2025" in page and "Le rapport annuel 2025 est prêt." in page
    assert "Télécharger « rapport-mur-porteur-2025.pdf »" in page
    response = animator_browser.get(f"{job_url}/fichier")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"] == \
        'attachment; filename=rapport-mur-porteur-2025.pdf'
    pdf = " ".join(_plain("\n".join(page.extract_text() for page in PdfReader(
        io.BytesIO(response.data)).pages)).split())
    for expected in ("Rapport d'impact 2025", "14 000 €", "11 000 €", "3 000 €", "50 %",
                     "161,5 jours", "Café solidaire", "Atelier vélo",
                     "Lyon Métropole Habitat, Vilogia", "Dynacité", "2025-Q1"):
        assert expected in pdf, expected
    numbers = re.search(r"Idées reçues (\d+) Idées qualifiées (\d+)", pdf)
    assert numbers and numbers.groups() == (str(EXPECTED_2025["received"]),
                                            str(EXPECTED_2025["qualified"]))


def test_the_yearly_report_speaks_the_readers_language(animator_browser):
    animator_browser.post("/langue", data={"locale": "en", "next": "/rapports/"})
    job_url = yearly_report(animator_browser, 2025)
    page = text(animator_browser.get(job_url))
    assert "Yearly report 2025" in page and "The 2025 yearly report is ready." in page
    pdf = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        animator_browser.get(f"{job_url}/fichier").data)).pages)
    assert "Ideas received" in " ".join(pdf.split())


def test_a_year_out_of_range_has_no_report(animator_browser):
    assert animator_browser.post("/rapports/rapport-1999").status_code == 404


# --- Access ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/rapports/", "/rapports/conventions.csv",
                                  "/rapports/versements.xlsx"])
def test_anonymous_visitors_are_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    response = client.post("/rapports/rapport-2025", data={"csrf_token": client.csrf_token()})
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/rapports/", "/rapports/conventions.csv",
                                  "/rapports/versements.csv"])
@pytest.mark.parametrize("role", [Role.HOLDER, Role.ADMIN])
def test_holders_and_admins_are_refused(app, path, role):
    client = app.test_client()
    login(client, UserFactory(role=role))
    assert client.get(path).status_code == 403
    assert client.post("/rapports/rapport-2025").status_code == 403


def test_members_may_not_download_the_yearly_report(lmh_browser, animator_browser):
    assert lmh_browser.post("/rapports/rapport-2025").status_code == 403
    assert lmh_browser.get("/rapports/").status_code == 200
    # Nor the one an animator asked for: its page and its file are not theirs to see.
    job_url = yearly_report(animator_browser, 2025)
    assert lmh_browser.get(job_url).status_code == 404
    assert lmh_browser.get(f"{job_url}/fichier").status_code == 404
    assert lmh_browser.get(f"{job_url}/progression").status_code == 404


def test_an_empty_period_still_reads_well(animator_browser):
    response = animator_browser.get("/rapports/?year=2023")
    assert response.status_code == 200
    assert figure(response, "received") == "0" and figure(response, "crossed_share") == "—"
    assert "Aucun projet soutenu sur la période." in text(response)
    job_url = yearly_report(animator_browser, 2023)
    assert animator_browser.get(f"{job_url}/fichier").data.startswith(b"%PDF")


def test_export_dates_are_days_in_paris(animator_browser, world):
    convention = next(c for c in world.dossiers["F"].conventions
                      if c.organisation_id == world.dynacite.id)
    convention.signed_at = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)  # 1 January in Paris
    rows = _csv(animator_browser.get(
        f"/rapports/conventions.csv?year=2025&organisation={world.dynacite.id}"))
    assert [line[7] for line in rows[1:]] == ["2025-01-01"]


def test_a_member_without_an_organisation_sees_the_collective_totals_only(app, world):
    client = app.test_client()
    login(client, UserFactory(role=Role.MEMBER, organisation=None))
    response = client.get("/rapports/" + YEAR_ARGS)
    assert response.status_code == 200 and figure(response, "committed") == "14 000 €"
    page = text(response)
    for name in ("Lyon Métropole Habitat", "Vilogia", "Dynacité"):
        assert name not in page
    assert _csv(client.get("/rapports/conventions.csv" + YEAR_ARGS))[1:] == []

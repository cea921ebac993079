"""The staff's search from the header: numbers and parts of them, holders, structures, towns
and words, across every tab; an exact number opens the dossier; suggestions while typing."""

from datetime import UTC, datetime

from murporteur.directory.models import StructureKind, SupportStructure
from murporteur.extensions import db
from murporteur.submissions import services as submissions
from murporteur.triage import services as triage
from tests.conftest import login
from tests.factories import DraftFactory, HolderFactory, MemberFactory
from tests.helpers import text


def _submit(title, **kw):
    draft = DraftFactory(title=title, **kw)
    submissions.submit_dossier(draft, draft.holder, now=datetime(2026, 3, 1, 9, tzinfo=UTC))
    return draft


def test_an_exact_number_opens_the_dossier_whatever_its_tab(animator_client, animator):
    dossier = _submit("Jardin partagé")
    triage.decide(dossier, "decline", animator, "Hors champ.")  # in "Terminés", not the default
    answer = animator_client.get(f"/instruction/recherche?q={dossier.number.lower()}")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/instruction/dossiers/{dossier.number}")


def test_part_of_a_number_finds_the_dossier_in_any_tab(animator_client, animator):
    dossier = _submit("Atelier vélo")
    triage.decide(dossier, "decline", animator, "Hors champ.")  # no longer in "À qualifier"
    other = _submit("Épicerie")
    tail = dossier.number[-4:]
    page = text(animator_client.get(f"/instruction/recherche?q={tail}"))
    assert dossier.number in page and "Atelier vélo" in page
    assert other.number not in page
    short = text(animator_client.get(f"/instruction/recherche?q={int(tail)}"))
    assert dossier.number in short


def test_a_town_a_holder_a_structure_and_words_are_found(animator_client):
    holder = HolderFactory(full_name="Josiane Brûlé")
    found = _submit("Ressourcerie", town="Villeurbanne", structure_name="Les Mains Vertes",
                    holder=holder)
    _submit("Autre idée", town="Bron", structure_name="Autre")
    for query in ("villeurbanne", "mains vertes", "brule", "ressourcerie"):
        page = text(animator_client.get(f"/instruction/recherche?q={query}"))
        assert found.number in page, query
        assert "Autre idée" not in page, query


def test_structures_of_the_directory_are_found_by_name_or_territory(animator_client):
    db.session.add(SupportStructure(name="Pôle ESS du Rhône", kind=StructureKind.LOCAL_ESS_NETWORK,
                                    territory="Métropole de Lyon"))
    db.session.flush()
    page = text(animator_client.get("/instruction/recherche?q=metropole"))
    assert "Pôle ESS du Rhône" in page


def test_nothing_found_says_so_and_no_query_explains(animator_client):
    page = text(animator_client.get("/instruction/recherche?q=zzzzzz"))
    assert "Rien ne correspond à « zzzzzz », dans aucun onglet." in page
    page = text(animator_client.get("/instruction/recherche"))
    assert "Tapez un numéro" in page


def test_suggestions_are_a_fragment_of_links(animator_client):
    dossier = _submit("Conciergerie solidaire")
    answer = animator_client.get("/instruction/recherche/suggestions?q=concierg",
                                 headers={"HX-Request": "true"})
    assert answer.status_code == 200
    body = answer.get_data(as_text=True)
    assert "<html" not in body
    assert f'href="/instruction/dossiers/{dossier.number}"' in body
    assert "Aucune suggestion." in text(animator_client.get(
        "/instruction/recherche/suggestions?q=qqqqq"))
    # One letter is too little to suggest anything: nothing is shown.
    assert animator_client.get("/instruction/recherche/suggestions?q=c").get_data(
        as_text=True).strip() == ""


def test_the_search_box_is_in_the_header_of_staff_pages_only(animator_client, client, app):
    for page in ("/instruction/", "/conventions/", "/instruction/structures/",
                 "/instruction/comites/"):
        assert 'id="staff-search"' in animator_client.get(page).get_data(as_text=True), page
    assert 'id="staff-search"' not in client.get("/").get_data(as_text=True)
    member_client = app.test_client()
    login(member_client, MemberFactory())
    assert member_client.get("/instruction/recherche?q=1").status_code in (302, 403, 404)


def test_hostile_queries_give_no_error(animator_client):
    for query in ("%", "_", "\\", "' OR 1=1 --", "MP-", "-", "é" * 300):
        assert animator_client.get("/instruction/recherche", query_string={"q": query}
                                   ).status_code in (200, 302), query
        assert animator_client.get("/instruction/recherche/suggestions",
                                   query_string={"q": query}).status_code == 200, query


def test_the_dashboard_search_without_a_tab_looks_in_every_tab(animator_client, animator):
    dossier = _submit("Recyclerie")
    triage.decide(dossier, "decline", animator, "Hors champ.")  # out of the default tab
    page = text(animator_client.get("/instruction/?q=recyclerie"))
    assert "Recyclerie" in page
    assert "Recyclerie" not in text(
        animator_client.get("/instruction/?tab=to_qualify&q=recyclerie"))


def test_the_to_qualify_tab_holds_every_dossier_with_its_badge(animator_client, animator):
    assigned = _submit("Idée confiée")
    triage.assign(assigned, animator, animator)
    page = text(animator_client.get("/instruction/"))
    assert "Idée confiée" in page and "À qualifier (1)" in page

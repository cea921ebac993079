"""The directory of support structures: animators add, edit, filter, archive and restore
structures, and see the dossiers redirected to each one."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from murporteur.core.errors import DomainError
from murporteur.directory import services
from murporteur.directory.models import StructureKind, SupportStructure
from murporteur.directory.seed import seed_structures
from murporteur.extensions import db
from murporteur.triage.services import decide
from tests.conftest import login
from tests.factories import (
    AdminFactory,
    AnimatorFactory,
    MemberFactory,
    UserFactory,
    submitted_dossier,
)
from tests.helpers import text

BASE = "/instruction/structures"


@pytest.fixture
def animator_client(app):
    client = app.test_client()
    login(client, AnimatorFactory(full_name="Camille Dubois"))
    return client


def _structure(name="Incubateur Solidaire Lyonnais", kind=StructureKind.INCUBATOR, **fields):
    return services.save_structure(None, name=name, kind=kind, **fields)


def _form(**overrides):
    data = {"name": "Fabrique à initiatives de Vénissieux", "kind": "incubator",
            "territory": "Vénissieux", "contact_name": "Sarah Nguyen",
            "contact_email": "sarah@fabrique.example", "contact_phone": "04 72 00 11 22",
            "website": "https://www.fabrique.example",
            "description": "Part d'un besoin local pour faire naître une entreprise."}
    data.update(overrides)
    return data


def _field_error(html: str, field: str) -> str:
    """The error message shown right next to ``field``, as a screen reader announces it."""
    match = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html, re.DOTALL)
    assert match, f"no error next to {field}"
    assert re.search(rf'<[^>]+id="{field}"[^>]*aria-invalid="true"|'
                     rf'<[^>]+aria-invalid="true"[^>]*id="{field}"', html), field
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def _value_of(html: str, field: str) -> str:
    tag = re.search(rf'<input[^>]*id="{field}"[^>]*>', html).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)


# --- creating and editing ---------------------------------------------------------------

def test_an_animator_adds_a_structure_and_lands_on_its_page(animator_client):
    response = animator_client.post(f"{BASE}/nouvelle", data=_form())
    assert response.status_code == 302
    structure = db.session.scalar(select(SupportStructure).where(
        SupportStructure.name == "Fabrique à initiatives de Vénissieux"))
    assert response.headers["Location"].endswith(f"{BASE}/{structure.id}")
    assert structure.kind == StructureKind.INCUBATOR and structure.active
    page = text(animator_client.get(response.headers["Location"]))
    assert "La structure « Fabrique à initiatives de Vénissieux » a été ajoutée" in page
    assert "Incubateur" in page and "sarah@fabrique.example" in page
    assert "https://www.fabrique.example" in page and "Vénissieux" in page


def test_the_new_structure_form_is_in_french_with_every_kind(animator_client):
    response = animator_client.get(f"{BASE}/nouvelle")
    assert response.status_code == 200
    page = text(response)
    assert "Ajouter une structure à l'annuaire" in page
    for label in ("Incubateur", "Finance solidaire", "Union de coopératives",
                  "Réseau local de l'ESS", "Accès au foncier", "Entrepreneuriat des femmes",
                  "Coopérative d'activité et d'emploi", "Autre"):
        assert label in page


def test_errors_are_shown_next_to_their_fields_and_the_answers_kept(animator_client):
    response = animator_client.post(f"{BASE}/nouvelle", data=_form(
        name="", kind="", contact_email="pas-une-adresse", website="www.sans-protocole.fr",
        territory="Bron, Parilly"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert _field_error(html, "name") == "Erreur : Indiquez le nom de la structure."
    assert "Choisissez le type de structure." in _field_error(html, "kind")
    assert "Cette adresse e-mail ne semble pas valide" in _field_error(html, "contact_email")
    assert "commence par http:// ou https://" in _field_error(html, "website")
    assert "Votre formulaire n'est pas encore complet" in text(response)
    assert _value_of(html, "territory") == "Bron, Parilly"
    assert _value_of(html, "contact_email") == "pas-une-adresse"
    assert _value_of(html, "website") == "www.sans-protocole.fr"
    assert db.session.scalar(select(SupportStructure).where(
        SupportStructure.territory == "Bron, Parilly")) is None


@pytest.mark.parametrize("website", ["ftp://fichiers.example", "javascript:alert(1)",
                                     "https://sans point", "http://localhost"])
def test_only_web_addresses_are_accepted_as_websites(animator_client, website):
    response = animator_client.post(f"{BASE}/nouvelle", data=_form(website=website))
    assert response.status_code == 422
    assert "commence par http:// ou https://" in _field_error(
        response.get_data(as_text=True), "website")


def test_a_name_already_in_the_directory_is_refused_with_a_clear_message(animator_client):
    _structure("Réseau ESS Rhône Solidaire", StructureKind.LOCAL_ESS_NETWORK)
    response = animator_client.post(f"{BASE}/nouvelle", data=_form(
        name="réseau ESS Rhône solidaire", territory="Givors"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Une structure s'appelle déjà « réseau ESS Rhône solidaire » dans l'annuaire" in \
        _field_error(html, "name")
    assert _value_of(html, "territory") == "Givors"
    assert len(services.list_structures(include_archived=True)) == 1


def test_an_animator_edits_a_structure(animator_client):
    structure = _structure(territory="Lyon", contact_email="ancien@incubateur.example")
    form_page = animator_client.get(f"{BASE}/{structure.id}/modifier")
    assert form_page.status_code == 200
    assert _value_of(form_page.get_data(as_text=True), "contact_email") == \
        "ancien@incubateur.example"
    response = animator_client.post(f"{BASE}/{structure.id}/modifier", data=_form(
        name="Incubateur Solidaire Lyonnais", kind="incubator",
        territory="Métropole de Lyon", contact_email="nouveau@incubateur.example"))
    assert response.status_code == 302
    page = text(animator_client.get(f"{BASE}/{structure.id}"))
    assert "Les informations de « Incubateur Solidaire Lyonnais » ont été enregistrées." in page
    assert "Métropole de Lyon" in page and "nouveau@incubateur.example" in page
    assert "ancien@incubateur.example" not in page


def test_a_structure_cannot_take_the_name_of_another_one(animator_client):
    _structure("Garantie Solidaire Rhône-Alpes", StructureKind.SOLIDARITY_FINANCE)
    other = _structure("Épargne Citoyenne du Rhône", StructureKind.SOLIDARITY_FINANCE)
    response = animator_client.post(f"{BASE}/{other.id}/modifier", data=_form(
        name="Garantie Solidaire Rhône-Alpes", kind="solidarity_finance",
        contact_email="bad@"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    # The form's own errors come first; the name rule is checked once they are fixed.
    assert "Cette adresse e-mail ne semble pas valide" in _field_error(html, "contact_email")
    response = animator_client.post(f"{BASE}/{other.id}/modifier", data=_form(
        name="Garantie Solidaire Rhône-Alpes", kind="solidarity_finance"))
    assert response.status_code == 422
    assert "Une structure s'appelle déjà" in _field_error(response.get_data(as_text=True),
                                                          "name")
    db.session.expire_all()
    assert db.session.get(SupportStructure, other.id).name == "Épargne Citoyenne du Rhône"


def test_saving_a_structure_under_its_own_name_is_fine(app):
    structure = _structure(territory="Lyon")
    services.save_structure(structure, name="Incubateur Solidaire Lyonnais",
                            kind="incubator", territory="Lyon 7e")
    assert structure.territory == "Lyon 7e"
    with pytest.raises(DomainError):
        _structure("INCUBATEUR solidaire lyonnais", StructureKind.OTHER)


# --- listing, filtering, archiving --------------------------------------------------------

def test_the_directory_lists_structures_by_name_and_filters_by_kind(animator_client):
    _structure("Terres Nourricières Rhône-Alpes", StructureKind.LAND_ACCESS,
               territory="Rhône, Ain, Loire")
    _structure("Banque Coopérative des Communs", StructureKind.SOLIDARITY_FINANCE)
    _structure("Prêt d'Honneur Lyon Métropole", StructureKind.SOLIDARITY_FINANCE)
    page = text(animator_client.get(f"{BASE}/"))
    assert "Annuaire des structures (3)" in page
    assert page.index("Banque Coopérative") < page.index("Prêt d'Honneur") < \
        page.index("Terres Nourricières")
    assert "Rhône, Ain, Loire" in page and "Accès au foncier" in page
    finance = text(animator_client.get(f"{BASE}/?kind=solidarity_finance"))
    assert "Annuaire des structures (2)" in finance
    assert "Banque Coopérative" in finance and "Terres Nourricières" not in finance
    unknown = animator_client.get(f"{BASE}/?kind=n-importe-quoi")
    assert unknown.status_code == 200 and "Annuaire des structures (3)" in text(unknown)
    empty = text(animator_client.get(f"{BASE}/?kind=womens_entrepreneurship"))
    assert "Aucune structure ne correspond à ce choix." in empty


def test_an_archived_structure_leaves_the_list_and_comes_back_when_restored(animator_client):
    structure = _structure("Pôle ESS de l'Est lyonnais", StructureKind.LOCAL_ESS_NETWORK)
    _structure("Union des Scop et Scic Rhône-Alpes", StructureKind.COOPERATIVE_UNION)
    response = animator_client.post(f"{BASE}/{structure.id}/archiver")
    assert response.status_code == 302
    shown = text(animator_client.get(response.headers["Location"]))
    assert "est archivée" in shown and "Remettre dans l'annuaire" in shown
    listed = text(animator_client.get(f"{BASE}/"))
    assert "Pôle ESS de l'Est lyonnais" not in listed and "Union des Scop" in listed
    with_archives = text(animator_client.get(f"{BASE}/?archives=1"))
    assert "Pôle ESS de l'Est lyonnais Archivée" in with_archives
    assert "Masquer les structures archivées" in with_archives
    animator_client.post(f"{BASE}/{structure.id}/restaurer")
    listed = text(animator_client.get(f"{BASE}/"))
    assert "Pôle ESS de l'Est lyonnais" in listed and "Archivée" not in listed
    db.session.expire_all()
    assert db.session.get(SupportStructure, structure.id).active


def test_an_unknown_structure_is_not_found(animator_client):
    for url in (f"{BASE}/999999", f"{BASE}/999999/modifier"):
        assert animator_client.get(url).status_code == 404
    for url in (f"{BASE}/999999/archiver", f"{BASE}/999999/restaurer"):
        assert animator_client.post(url).status_code == 404


# --- the dossiers redirected to a structure ----------------------------------------------

def test_the_structure_page_lists_the_dossiers_redirected_to_it(animator_client):
    structure = _structure()
    assert services.dossiers_redirected_to(structure) == []
    page = text(animator_client.get(f"{BASE}/{structure.id}"))
    assert "Aucun dossier n'a encore été orienté vers cette structure." in page
    redirected = submitted_dossier(title="Jardin partagé des Minguettes",
                                   structure_name="Les Jardiniers du Plateau")
    decide(redirected, "redirect", AnimatorFactory(), "Voyez avec eux.", structure=structure)
    submitted_dossier(title="Idée orientée ailleurs")
    assert services.dossiers_redirected_to(structure) == [redirected]
    response = animator_client.get(f"{BASE}/{structure.id}")
    page = text(response)
    assert "Dossiers orientés vers cette structure (1)" in page
    assert "Jardin partagé des Minguettes" in page and "Les Jardiniers du Plateau" in page
    assert "Idée orientée ailleurs" not in page
    assert f'href="/instruction/dossiers/{redirected.number}"' in response.get_data(
        as_text=True)


# --- who may enter ------------------------------------------------------------------------

ROUTES = [("GET", ""), ("GET", "/nouvelle"), ("POST", "/nouvelle"), ("GET", "/{id}"),
          ("GET", "/{id}/modifier"), ("POST", "/{id}/modifier"), ("POST", "/{id}/archiver"),
          ("POST", "/{id}/restaurer")]


@pytest.mark.parametrize("who", ["anonymous", "holder", "member", "admin"])
def test_only_animators_enter_the_directory(app, who):
    structure = _structure()
    client = app.test_client()
    if who != "anonymous":
        login(client, {"holder": UserFactory, "member": MemberFactory,
                       "admin": AdminFactory}[who]())
    for method, path in ROUTES:
        url = BASE + (path.format(id=structure.id) or "/")
        data = {"csrf_token": client.csrf_token(), **_form(name="Intrus")} \
            if method == "POST" else None
        response = client.open(url, method=method, data=data)
        if who == "anonymous":
            assert response.status_code == 302, url
            assert "/connexion" in response.headers["Location"], url
        else:
            assert response.status_code == 403, (method, url)
    db.session.expire_all()
    assert db.session.get(SupportStructure, structure.id).active
    assert services.list_structures(include_archived=True) == [structure]


def test_every_directory_endpoint_is_guarded_in_this_test(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.startswith("directory.")}
    assert endpoints == {"directory.list_structures", "directory.new_structure",
                         "directory.show_structure", "directory.edit_structure",
                         "directory.archive_structure", "directory.restore_structure"}
    assert len(ROUTES) == 8  # every endpoint, and both methods of the forms


# --- demo data ----------------------------------------------------------------------------

def test_the_demo_directory_is_varied_and_seeding_twice_adds_nothing(app):
    structures = seed_structures()
    assert len(structures) >= 8
    assert len({s.kind for s in structures}) >= 5
    assert all(s.active and s.contact_email.endswith(".example")
               and s.website.startswith("https://") for s in structures)
    again = seed_structures()
    assert [s.id for s in again] == [s.id for s in structures]
    assert len(services.list_structures()) == len(structures)

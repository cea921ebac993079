"""The premises pages through HTTP: the catalogue form (photos, bad input kept at the field),
the public list and its map's CSP, the unit's page and its idea link, the matches shown to
the animators and members, the figures and their exports."""

import io

from PIL import Image
from sqlalchemy import select

from murporteur.extensions import db
from murporteur.premises import services
from murporteur.premises.models import PremisesUnit, PremisesWish
from murporteur.submissions.models import Dossier
from tests import files
from tests.conftest import login, make_app
from tests.helpers import sent_back, text
from tests.premises.conftest import unit_values
from tests.submissions.test_idea_form import answers


def big_photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (3000, 2000), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


def form(**changes):
    data = {"title": "Ancienne boulangerie", "address": "3 place Grandclément",
            "town": "Villeurbanne", "neighbourhood": "Grandclément", "qpv": "y",
            "surface_m2": "1 20", "floor": "0", "step_free": "y", "uses": ["food", "shop"],
            "rent": "350", "lease_types": ["precarious"], "available_from": "",
            "description": "Vitrine sur la place.", "visibility": "public",
            "latitude": "45,7560", "longitude": "4,8890"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_a_member_adds_a_unit_with_a_photo_resized_and_reencoded(app, world):
    client = _client(app, world["a"])
    response = client.post("/locaux/catalogue/nouveau", data=form(
        photos=[files.upload(big_photo(), "vitrine.png")]), content_type="multipart/form-data")
    assert response.status_code == 302, text(response)
    unit = db.session.scalar(select(PremisesUnit).where(PremisesUnit.title ==
                                                        "Ancienne boulangerie"))
    assert unit.organisation == world["org_a"] and unit.surface_m2 == 120
    assert unit.rent_cents == 35000 and unit.latitude == 45.756
    (photo,) = unit.photos
    assert (photo.width, photo.height) == (1600, 1067)
    served = app.test_client().get(f"/locaux/{unit.id}/photos/{photo.id}.jpg")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.data[:3] == b"\xff\xd8\xff"


def test_a_file_that_is_not_an_image_is_refused_at_the_field_and_nothing_typed_is_lost(
        app, world):
    client = _client(app, world["a"])
    response = client.post("/locaux/catalogue/nouveau", data=form(
        photos=[files.upload(files.jpeg(), "photo.jpg")]), content_type="multipart/form-data")
    assert response.status_code == 422
    page = text(response)
    assert "n'est pas une image lisible" in page
    assert 'value="3 place Grandclément"' in response.get_data(as_text=True)
    assert db.session.scalar(select(PremisesUnit).where(
        PremisesUnit.title == "Ancienne boulangerie")) is None


def test_bounds_and_the_address_are_said_at_their_fields(app, world):
    client = _client(app, world["a"])
    response = client.post("/locaux/catalogue/nouveau", data=form(
        address="", surface_m2="3", rent="douze", latitude="", floor="40"))
    assert response.status_code == 422
    page = text(response)
    for message in ("Indiquez l'adresse du local.", "un nombre entier de 5 à 5000",
                    "Indiquez un montant en euros", "Indiquez un étage de -3 à 30"):
        assert message in page
    assert 'value="Villeurbanne"' in response.get_data(as_text=True)
    response = client.post("/locaux/catalogue/nouveau", data=form(rent="", free=None))
    assert "cochez « Mis à disposition gratuitement »" in text(response)
    response = client.post("/locaux/catalogue/nouveau", data=form(rent="99999999"))
    assert "Le loyer mensuel va de 0 à 50 000 €." in text(response)


def test_a_member_cannot_open_another_organisations_unit_to_edit_it(app, world):
    unit = world["unit"]
    assert _client(app, world["b"]).get(f"/locaux/{unit.id}/modifier").status_code == 404
    other = _client(app, world["b"])
    assert other.post(f"/locaux/{unit.id}/etat/withdraw",
                      data={"csrf_token": other.csrf_token()}).status_code == 404
    keeper = _client(app, world["a"])
    assert keeper.post(f"/locaux/{unit.id}/etat/withdraw",
                       data={"csrf_token": keeper.csrf_token()}).status_code == 302
    assert unit.state == "withdrawn"
    assert _client(app, world["animator"]).get(f"/locaux/{unit.id}/modifier").status_code == 200


def test_the_public_list_filters_by_town_surface_use_and_qpv(app, world):
    services.save_unit(None, world["b"], None, **unit_values(
        title="Bureau Part-Dieu", town="Lyon", qpv=False, surface_m2=30, uses=["office"]))
    services.save_unit(None, world["b"], None, **unit_values(
        title="Local privé", visibility="collective"))
    client = app.test_client()
    page = text(client.get("/locaux/"))
    assert "Local d'angle" in page and "Bureau Part-Dieu" in page and "Local privé" not in page
    assert "Bureau Part-Dieu" not in text(client.get("/locaux/?commune=V%C3%A9nissieux"))
    assert "Local d'angle" not in text(client.get("/locaux/?surface_max=50"))
    assert "Local d'angle" not in text(client.get("/locaux/?usage=office"))
    assert "Bureau Part-Dieu" not in text(client.get("/locaux/?qpv=1"))
    assert client.get("/locaux/?surface_min=abc&usage=<x>").status_code == 200


def test_the_landing_page_leads_to_the_list(client):
    assert "/locaux/" in client.get("/").get_data(as_text=True)


def test_the_map_is_off_without_a_tile_server_and_the_csp_names_only_its_host(
        app, world, database_url, tmp_path):
    response = app.test_client().get("/locaux/")
    assert "leaflet.js" not in response.get_data(as_text=True)
    assert "img-src 'self' data:;" in response.headers["Content-Security-Policy"]
    mapped = make_app(database_url, tmp_path,
                      PREMISES_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png")
    with mapped.app_context():
        response = mapped.test_client().get("/locaux/")
    assert "leaflet.js" in response.get_data(as_text=True)
    csp = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://tiles.example.org;" in csp
    assert "script-src 'self';" in csp
    # Elsewhere the tile host is not allowed.
    with mapped.app_context():
        other = mapped.test_client().get("/")
    assert "tiles.example.org" not in other.headers["Content-Security-Policy"]


def test_a_collective_only_unit_is_hidden_from_the_public(app, world):
    hidden = services.save_unit(None, world["a"], None, **unit_values(visibility="collective"))
    assert app.test_client().get(f"/locaux/{hidden.id}").status_code == 404
    assert _client(app, world["b"]).get(f"/locaux/{hidden.id}").status_code == 200


def test_proposing_an_idea_for_a_unit_keeps_the_wish_with_the_dossier(app, world, client):
    unit = world["unit"]
    page = client.get(f"/locaux/{unit.id}").get_data(as_text=True)
    assert "Proposer une idée pour ce local" in page and f"/deposer?local={unit.id}" in page
    form_page = text(client.get(f"/deposer?local={unit.id}"))
    assert "Le local que vous cherchez" in form_page and "Local d'angle" in form_page
    response = sent_back(client, client.post(f"/deposer?local={unit.id}", data=answers(
        local=str(unit.id), local_surface_min="60", local_surface_max="40",
        local_towns="Vénissieux"), content_type="multipart/form-data"))
    assert "La surface maximale est plus petite que la minimale." in text(response)
    assert 'value="Vénissieux"' in response.get_data(as_text=True)
    response = client.post(f"/deposer?local={unit.id}", data=answers(
        local=str(unit.id), local_surface_min="40", local_surface_max="100",
        local_towns="Vénissieux, Saint-Fons"), content_type="multipart/form-data")
    assert response.status_code == 302, text(response)
    wish = db.session.scalar(select(PremisesWish))
    assert (wish.unit_id, wish.surface_min, wish.surface_max) == (unit.id, 40, 100)
    assert wish.town_list == ["Vénissieux", "Saint-Fons"]
    dossier = db.session.get(Dossier, wish.dossier_id)
    page = text(_client(app, world["animator"]).get(f"/instruction/dossiers/{dossier.number}"))
    assert "Locaux compatibles" in page and "choisi par le porteur" in page
    assert dossier.title in text(_client(app, world["animator"]).get(f"/locaux/{unit.id}"))


def test_an_unknown_unit_in_the_idea_form_is_said(client):
    response = sent_back(client, client.post(
        "/deposer?local=999999", data=answers(local="999999"),
        content_type="multipart/form-data"))
    assert "Ce local n'est plus proposé" in text(response)


def test_the_figures_page_and_its_exports(app, world):
    client = _client(app, world["animator"])
    assert "Bilan des locaux" in text(client.get("/locaux/bilan?annee=2026"))
    csv = client.get("/locaux/bilan.csv?annee=2026")
    assert csv.status_code == 200 and "Valeur en nature" in csv.get_data(as_text=True)
    xlsx = client.get("/locaux/bilan.xlsx?annee=2026")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get("/locaux/bilan.pdf").status_code == 404
    assert app.test_client().get("/locaux/bilan").status_code == 302


def test_the_reporting_page_has_the_premises_section_of_the_members_organisation(app, world):
    from tests.premises.test_services import _let_by_convention

    _let_by_convention(world)
    page = text(_client(app, world["a"]).get("/rapports/"))
    assert "Locaux (" in page and "Est Métropole Habitat" in page
    assert "Est Métropole Habitat" not in text(_client(app, world["b"]).get("/rapports/"))


def test_a_member_offers_their_unit_from_the_item_page(app, world):
    from tests.premises.test_services import _item

    unit, item = world["unit"], _item(world)
    client = _client(app, world["a"])
    url = f"/comite/seances/{item.session_id}/points/{item.id}"
    page = client.get(url).get_data(as_text=True)
    assert f'<option value="{unit.id}"' in page
    response = client.post(url, data={"csrf_token": client.csrf_token(), "stance": "supports",
                                      "offer_kinds": ["premises"], "premises_unit": str(unit.id),
                                      "organisation": str(world["org_a"].id), "version": "",
                                      "version_for": ""})
    assert response.status_code == 302, text(response)
    assert unit.state == "under_discussion"
    other = _client(app, world["b"])
    response = other.post(url, data={"csrf_token": other.csrf_token(), "stance": "supports",
                                     "offer_kinds": ["premises"], "premises_unit": str(unit.id),
                                     "organisation": str(world["org_b"].id)})
    assert response.status_code == 422
    assert "Choisissez un des locaux proposés." in text(response)


def test_only_an_https_tile_host_without_placeholders_enters_the_csp():
    from murporteur.premises.views import tile_host

    assert tile_host("https://tiles.example.org:8443/{z}/{x}/{y}.png") == \
        "https://tiles.example.org:8443"
    assert tile_host("http://tiles.example.org/{z}/{x}/{y}.png") is None
    assert tile_host("https://{s}.tile.example.org/{z}/{x}/{y}.png") is None
    assert tile_host(None) is None and tile_host("") is None

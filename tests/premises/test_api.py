"""GET /api/v1/premises: the public units without a token, the organisation's with one."""

from murporteur.api.services import create_token
from murporteur.premises import services
from tests.premises.conftest import unit_values


def _ids(response):
    assert response.status_code == 200, response.get_json()
    return {row["id"] for row in response.get_json()["data"]}


def test_public_units_without_a_token_and_the_organisations_with_one(app, world):
    hidden = services.save_unit(None, world["a"], None, **unit_values(visibility="collective"))
    others = services.save_unit(None, world["b"], None, **unit_values(visibility="collective"))
    client = app.test_client()
    assert _ids(client.get("/api/v1/premises")) == {world["unit"].id}
    _token, plain = create_token(world["a"], "test")
    mine = _ids(client.get("/api/v1/premises", headers={"Authorization": f"Bearer {plain}"}))
    assert mine == {world["unit"].id, hidden.id} and others.id not in mine
    row = client.get("/api/v1/premises").get_json()["data"][0]
    assert row["rent"] == {"cents": 45000, "euros": "450.00"} and row["qpv"] is True
    assert row["organisation"]["name"] == "Est Métropole Habitat"


def test_a_wrong_token_or_parameter_is_refused_and_the_route_is_documented(app, world):
    client = app.test_client()
    assert client.get("/api/v1/premises",
                      headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/api/v1/premises?town=Lyon").status_code == 400
    assert "/premises" in str(client.get("/api/v1/openapi.json").get_json()["paths"])

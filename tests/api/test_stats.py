"""/api/v1/stats: the collective's figures, public, per year."""

from __future__ import annotations

import sys
import types
from decimal import Decimal

import pytest

from murporteur.core.timeutil import paris_today
from tests.factories import submitted_dossier

REPORTING = "murporteur.reporting.services"


@pytest.fixture
def fake_reporting(monkeypatch):
    """The reporting's figures stand-in, so that the API's part is tested on its own."""
    calls = []

    def collective_stats(year: int) -> dict:
        calls.append(year)
        return {"ideas_received": 10, "committed_cents": 3000000,
                "supported_share": Decimal("0.5"), "by_quarter": {"Q1": 3}}

    module = types.ModuleType(REPORTING)
    module.collective_stats = collective_stats
    monkeypatch.setitem(sys.modules, REPORTING, module)
    return calls


def test_the_figures_of_a_year_need_no_token(client, fake_reporting):
    response = client.get("/api/v1/stats?year=2025")
    assert response.status_code == 200
    assert response.get_json() == {"year": 2025, "data": {
        "ideas_received": 10, "committed_cents": 3000000, "committed_euros": "30000.00",
        "supported_share": "0.5", "by_quarter": {"Q1": 3}}}
    assert fake_reporting == [2025]
    assert "public" in response.headers["Cache-Control"]


def test_the_current_year_by_default(client, fake_reporting):
    assert client.get("/api/v1/stats").get_json()["year"] == paris_today().year
    assert fake_reporting == [paris_today().year]


@pytest.mark.parametrize("query", ["year=abc", "year=1850", "year=20266", "month=3"])
def test_a_bad_year_answers_400(client, fake_reporting, query):
    response = client.get(f"/api/v1/stats?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_parameter"
    assert fake_reporting == []


def test_without_the_reporting_the_figures_are_unavailable(client, monkeypatch):
    monkeypatch.setitem(sys.modules, REPORTING, None)  # the import fails
    response = client.get("/api/v1/stats")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"


def test_the_real_figures_carry_no_personal_data(app, client):
    try:
        from murporteur.reporting.services import collective_stats  # noqa: F401
    except ImportError:
        pytest.xfail("reporting in progress")
    dossier = submitted_dossier()
    response = client.get(f"/api/v1/stats?year={paris_today().year}")
    assert response.status_code == 200
    assert isinstance(response.get_json()["data"], dict)
    body = response.get_data(as_text=True)
    for personal in (dossier.holder.email, dossier.contact_name, dossier.phone):
        assert personal not in body

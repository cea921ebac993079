"""/api/v1/stats: the collective's figures of a year, public, against a collective built through
the real services and counted by hand."""

from __future__ import annotations

import sys
from datetime import date

import pytest

from murporteur.api import services as api
from murporteur.committee.models import Decision
from murporteur.core.timeutil import paris_today
from murporteur.extensions import db
from tests.api.test_endpoints import bearer
from tests.api.test_openapi import PREFIX, document, schema_pointer, validate  # noqa: F401
from tests.factories import (
    AnimatorFactory,
    DraftFactory,
    MemberFactory,
    OrganisationFactory,
    submitted_dossier,
)
from tests.reporting.test_services import Builder, World, at

REPORTING = "murporteur.reporting.services"


@pytest.fixture
def collective(app):
    """In 2025: A and B submitted, qualified, retained, supported at the March session and
    signed (A by two organisations: a crossed intervention); C qualified then declined; D only
    submitted. F was submitted in 2024; a draft counts nowhere."""
    lmh, vilogia = OrganisationFactory(name="LMH"), OrganisationFactory(name="Vilogia")
    w = World(AnimatorFactory(), lmh, vilogia, OrganisationFactory(name="Dynacité"),
              {o: MemberFactory(organisation=o) for o in (lmh, vilogia)})
    b = Builder(w)
    a = b.submit("A", "Café solidaire", at(2025, 1, 10))
    b.qualify(a, at(2025, 1, 20), ["food"])
    b.decide(a, "retain", at(2025, 2, 1))
    bike = b.submit("B", "Atelier vélo", at(2025, 1, 25))
    b.qualify(bike, at(2025, 2, 8), ["mobility"])
    b.decide(bike, "retain", at(2025, 2, 20))
    c = b.submit("C", "Repair café", at(2025, 2, 1))
    b.qualify(c, at(2025, 2, 5), ["reuse"])
    b.decide(c, "decline", at(2025, 3, 1), "Hors du champ du collectif.")
    b.submit("D", "Jardin partagé", at(2025, 11, 20))
    b.submit("F", "Ludothèque", at(2024, 6, 1))
    DraftFactory(title="Brouillon")
    session = b.session(at(2025, 3, 12, 13), [a, bike])
    b.hold(session, {a: (Decision.SUPPORTED, {lmh: ("financing", 800_000),
                                              vilogia: ("premises", 300_000)}),
                     bike: (Decision.SUPPORTED, {lmh: ("financing", 400_000)})})
    a_lmh = b.sign(a, lmh, at(2025, 4, 15))
    b.pay(a_lmh, date(2025, 6, 1), 500_000, date(2025, 6, 1))
    b.pay(a_lmh, date(2025, 12, 15), 300_000)  # planned, not paid: not counted as paid
    b.sign(a, vilogia, at(2025, 5, 20))
    b.pay(b.sign(bike, lmh, at(2025, 9, 10)), date(2025, 10, 1), 400_000, date(2025, 10, 5))
    db.session.flush()
    return w


# Counted by hand from the collective above.
FIGURES_2025 = {
    "received": 4, "qualified": 3, "retained": 2, "presented": 2, "supported": 2,
    "conventioned": 2,
    # Signed in 2025: A-LMH 8 000 € and B-LMH 4 000 € of financing, A-Vilogia 3 000 € in kind.
    "committed_cents": 1_200_000, "committed_euros": "12000.00",
    "in_kind_cents": 300_000, "in_kind_euros": "3000.00",
    # Paid in 2025: 5 000 € (A) and 4 000 € (B); the 3 000 € planned for December are not.
    "paid_cents": 900_000, "paid_euros": "9000.00",
    # A is backed by two organisations, B by one.
    "crossed_share": 0.5,
}
FIGURES_2024 = {"received": 1, "qualified": 0, "retained": 0, "presented": 0, "supported": 0,
                "conventioned": 0, "committed_cents": 0, "committed_euros": "0.00",
                "in_kind_cents": 0, "in_kind_euros": "0.00", "paid_cents": 0,
                "paid_euros": "0.00", "crossed_share": 0.0}


def test_the_figures_of_a_year_are_counted_by_hand(collective, client, document):  # noqa: F811
    response = client.get(f"{PREFIX}/stats?year=2025")
    assert response.status_code == 200
    assert response.get_json() == {"year": 2025, "data": FIGURES_2025}
    validate(document, schema_pointer(document, "/stats", 200), response.get_json())
    assert "public" in response.headers["Cache-Control"]
    assert client.get(f"{PREFIX}/stats?year=2024").get_json() == {"year": 2024,
                                                                  "data": FIGURES_2024}


def test_a_token_sees_the_same_figures(collective, client):
    member = collective.members[collective.lmh]
    token = api.create_token(member, "tests")[1]
    response = client.get(f"{PREFIX}/stats?year=2025", headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json()["data"] == FIGURES_2025  # the collective's, not LMH's own


def test_the_current_year_by_default(collective, client):
    assert client.get(f"{PREFIX}/stats").get_json()["year"] == paris_today().year


@pytest.mark.parametrize("query", ["year=abc", "year=1850", "year=20266", "month=3"])
def test_a_bad_year_answers_400(client, document, query):  # noqa: F811
    response = client.get(f"{PREFIX}/stats?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_parameter"
    validate(document, schema_pointer(document, "/stats", 400), response.get_json())


def test_without_the_reporting_the_figures_are_unavailable(client, monkeypatch):
    monkeypatch.setitem(sys.modules, REPORTING, None)  # the import fails
    response = client.get(f"{PREFIX}/stats")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"


def test_the_figures_carry_no_personal_data(app, client):
    dossier = submitted_dossier()
    response = client.get(f"{PREFIX}/stats?year={paris_today().year}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    for personal in (dossier.holder.email, dossier.contact_name, dossier.phone, dossier.title):
        assert personal not in body

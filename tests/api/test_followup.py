"""Issue 18: a convention's follow-up in the API — its indicators with their targets and the
values reported, its reporting dates and the holder's reports — for a token whose user may
see the convention; 404 for anyone else, and every answer as openapi.json describes it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from murporteur.conventions import followup
from murporteur.conventions import followup_changes as changes
from murporteur.conventions.models import IndicatorKind
from murporteur.core.timeutil import paris_today
from tests import files
from tests.api.test_endpoints import bearer, world  # noqa: F401  (the shared fixture)
from tests.api.test_openapi import PREFIX, schema_pointer, validate

PATH = "/conventions/{convention_id}/followup"


@pytest.fixture
def followed(world):  # noqa: F811
    """A's signed convention followed up: two indicators (one archived later), a report sent
    with a supporting document, a date overdue and one to come."""
    convention = world["conventions"]["a"]
    animator, holder = world["users"]["animator"], convention.dossier.holder
    today = paris_today()
    people = followup.add_indicator(convention, animator, IndicatorKind.PEOPLE, 150)
    hours = followup.add_indicator(convention, animator, IndicatorKind.HOURS, 800)
    reported = followup.add_reporting_date(convention, animator, today - timedelta(days=40))
    overdue = followup.add_reporting_date(convention, animator, today - timedelta(days=5))
    upcoming = followup.add_reporting_date(convention, animator, today + timedelta(days=60))
    report = followup.submit_report(
        reported, holder, {people.id: 35, hours.id: 140}, "Premiers ateliers.",
        [files.upload_storage(files.pdf(), "feuille-de-presence.pdf")])
    changes.acknowledge_report(report, world["users"]["a"])
    changes.archive_indicator(hours, animator)
    return {"convention": convention, "people": people, "hours": hours, "report": report,
            "dates": (reported, overdue, upcoming)}


def _get(client, world, who, convention_id):  # noqa: F811
    headers = bearer(world["tokens"][who]) if who else {}
    return client.get(f"{PREFIX}/conventions/{convention_id}/followup", headers=headers)


def test_the_follow_up_as_the_organisation_sees_it(client, world, followed):  # noqa: F811
    response = _get(client, world, "a", followed["convention"].id)
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert data["convention_id"] == followed["convention"].id and data["state"] == "signed"
    people, hours = data["indicators"]
    assert (people["name"], people["target"], people["reported"]) == (
        "Personnes touchées", 150, 35)
    assert people["archived_at"] is None and hours["archived_at"] is not None
    assert [d["status"] for d in data["reporting_dates"]] == ["submitted", "overdue",
                                                              "upcoming"]
    report = data["reporting_dates"][0]["report"]
    assert report["text"] == "Premiers ateliers." and report["acknowledged_at"]
    assert {v["indicator_id"]: v["value"] for v in report["values"]} == {
        followed["people"].id: 35, followed["hours"].id: 140}
    assert [d["name"] for d in report["documents"]] == ["feuille-de-presence.pdf"]
    assert data["reporting_dates"][1]["report"] is None


def test_only_who_may_see_the_convention_gets_it(client, world, followed):  # noqa: F811
    ident = followed["convention"].id
    assert _get(client, world, "animator", ident).status_code == 200
    for who in ("b", "c"):
        refused = _get(client, world, who, ident)
        assert refused.status_code == 404 and refused.get_json()["error"]["code"] == \
            "not_found"
    assert _get(client, world, None, ident).status_code == 401
    assert _get(client, world, "animator", 999999).status_code == 404
    # B's member sees B's own convention (no follow-up yet: empty lists).
    own = _get(client, world, "b", world["conventions"]["b"].id)
    assert own.status_code == 200
    assert own.get_json()["data"]["indicators"] == []


@pytest.mark.parametrize("who,status", [("animator", 200), ("a", 200), ("b", 404)])
def test_the_follow_up_answers_validate_against_the_document(client, world, followed,  # noqa: F811
                                                             who, status):
    document = client.get(f"{PREFIX}/openapi.json").get_json()
    assert PATH in document["paths"]
    response = _get(client, world, who, followed["convention"].id)
    assert response.status_code == status
    validate(document, schema_pointer(document, PATH, status), response.get_json())
    unauthorised = _get(client, world, None, followed["convention"].id)
    validate(document, schema_pointer(document, PATH, 401), unauthorised.get_json())
    bad = client.get(f"{PREFIX}/conventions/{followed['convention'].id}/followup?x=1",
                     headers=bearer(world["tokens"]["a"]))
    assert bad.status_code == 400
    validate(document, schema_pointer(document, PATH, 400), bad.get_json())

"""The audit's bad numbers and dates (issue 13, finding 3), one by one: each once gave a
server error or was accepted. Unicode digits pass ``str.isdigit()`` and then ``int()``
fails; integers beyond a column's range reach the database; far dates overflow Python's
datetime; business dates outside any plausible range were kept."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from murporteur.committee.models import CommitteeSession
from murporteur.conventions.models import Payment
from murporteur.extensions import db
from murporteur.triage.models import PhoneCall as Call
from tests.core.test_access_matrix import world  # noqa: F401
from tests.fuzz.test_forms import _client
from tests.helpers import text

SUPERSCRIPT = "²"  # str.isdigit() says yes, int() says no
HUGE = "9" * 25  # beyond PostgreSQL's bigint, and SQLite's integer
RANGE = "Indiquez une date entre le 01/01/2000 et le 31/12/2100."

# (role, URL): each must answer a page (200) or "not found" (404), never a server error.
GETS = [
    ("animator", "/instruction/?page=²"),
    ("animator", "/instruction/?label=²"),
    ("animator", "/instruction/?interested=²"),
    ("animator", "/instruction/?assigned=²"),
    ("animator", f"/instruction/?page={HUGE}"),
    ("animator", f"/instruction/?label={HUGE}&interested={HUGE}&assigned={HUGE}"),
    ("animator", "/instruction/?submitted_from=0001-01-01"),
    ("animator", "/instruction/?submitted_to=9999-12-31"),
    ("animator", "/instruction/export.csv?submitted_from=0001-01-01&label=²"),
    ("animator", "/conventions/?organisation=²"),
    ("animator", f"/conventions/?organisation={HUGE}"),
    ("animator", "/rapports/?organisation=²"),
    ("animator", "/rapports/conventions.csv?organisation=²"),
    ("animator", "/rapports/versements.csv?organisation=²"),
    ("member", "/comite/seances/{session}/points/{item}?organisation=²"),
    ("holder", f"/notifications?page={HUGE}"),
    ("admin", f"/admin/outbox/?page={HUGE}"),
    ("admin", "/admin/outbox/?page=²"),
]
# Addresses with an id out of every column's range: "not found", like any unknown id.
NOT_FOUND = [
    ("animator", f"/conventions/{HUGE}"),
    ("animator", f"/conventions/{{convention}}/versements/{HUGE}/paye"),
    ("animator", f"/instruction/comites/{HUGE}"),
    ("animator", f"/instruction/comites/{HUGE}/grille"),
    ("animator", f"/instruction/structures/{HUGE}"),
    ("animator", "/instruction/structures/2147483648"),  # one past PostgreSQL's integer
    ("member", f"/comite/seances/{HUGE}"),
    ("member", f"/comite/seances/{HUGE}/points/{HUGE}"),
    ("member", f"/comite/seances/{{session}}/points/{HUGE}"),
    ("admin", f"/admin/outbox/{HUGE}"),
    ("animator", f"/rapports/rapport-{HUGE}"),  # asked for with a POST (issue 17, jobs)
    ("animator", f"/taches/{HUGE}"),
    ("animator", f"/taches/{HUGE}/progression"),
    ("animator", f"/taches/{HUGE}/fichier"),
    ("animator", f"/taches/{HUGE}/reessayer"),
]


@pytest.mark.parametrize(("role", "url"), GETS, ids=[u for _r, u in GETS])
def test_a_bad_number_or_date_in_a_query_is_not_a_server_error(app, world, role, url):  # noqa: F811
    users, values = world
    response = _client(app, users, role).get(url.format(**values))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]


@pytest.mark.parametrize(("role", "url"), NOT_FOUND, ids=[u for _r, u in NOT_FOUND])
def test_an_id_out_of_range_in_an_address_is_not_found(app, world, role, url):  # noqa: F811
    users, values = world
    client = _client(app, users, role)
    url = url.format(**values)
    method = "POST" if url.endswith(("/paye", "/reessayer")) or "/rapport-" in url else "GET"
    response = client.open(url, method=method, data={"csrf_token": client.csrf_token()})
    assert response.status_code == 404
    assert "Page introuvable" in text(response)


def test_a_far_date_filter_is_dropped_and_said(app, world):  # noqa: F811
    users, _values = world
    page = text(_client(app, users, "animator").get(
        "/instruction/?submitted_from=0001-01-01&submitted_to=9999-12-31"))
    assert "0001-01-01" in page and "9999-12-31" in page  # named in the message
    assert "entre 1900 et 2200" in page


# --- Forms ----------------------------------------------------------------------------------

def test_unicode_digits_in_the_bulk_action_are_ignored(app, world):  # noqa: F811
    users, values = world
    client = _client(app, users, "animator")
    for data in ({"dossier": SUPERSCRIPT, "action": "assign", "animator": "me"},
                 {"dossier": HUGE, "action": "assign", "animator": "me"},
                 {"dossier": "1", "action": "assign", "animator": SUPERSCRIPT},
                 {"dossier": "1", "action": "assign", "animator": HUGE},
                 {"dossier": "1", "action": "label", "label": SUPERSCRIPT},
                 {"dossier": "1", "action": "label", "label": HUGE}):
        response = client.post("/instruction/lot", data=data)
        assert response.status_code == 302, data


def test_a_redirects_structure_in_unicode_digits_is_refused(app, world):  # noqa: F811
    users, values = world
    client = _client(app, users, "animator")
    for structure in (SUPERSCRIPT, HUGE):
        response = client.post(f"/instruction/dossiers/{values['number']}/decision/redirect",
                               data={"redirect-structure": structure,
                                     "redirect-comment": "Vers une autre structure"})
        assert response.status_code == 422, structure


def test_a_position_version_in_unicode_digits_is_no_server_error(app, world):  # noqa: F811
    users, values = world
    client = _client(app, users, "member")
    organisation = users["member"].organisation_id
    response = client.post(f"/comite/seances/{values['session']}/points/{values['item']}",
                           data={"stance": "supports", "organisation": organisation,
                                 "version_for": organisation, "version": SUPERSCRIPT})
    assert response.status_code in (302, 409, 422)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
def test_a_call_on_an_implausible_day_is_refused_at_the_field(app, world, day):  # noqa: F811
    users, values = world
    client = _client(app, users, "animator")
    before = db.session.scalar(select(func.count(Call.id)))
    response = client.post(f"/instruction/dossiers/{values['number']}/appels/planifier",
                           data={"day": day, "hour": "23:30"})
    assert response.status_code == 422
    assert RANGE in text(response)
    response = client.post(f"/instruction/dossiers/{values['number']}/appels",
                           data={"outcome": "reached", "day": day, "hour": "23:30"})
    assert response.status_code == 422
    assert RANGE in text(response)
    assert db.session.scalar(select(func.count(Call.id))) == before


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_session_on_an_implausible_day_is_refused_at_the_field(app, world, day):  # noqa: F811
    users, values = world
    client = _client(app, users, "animator")
    before = db.session.scalar(select(func.count(CommitteeSession.id)))
    response = client.post("/instruction/comites/nouvelle", data={
        "day": day, "hour": "23:30", "slot_minutes": "180", "place": "Lyon",
        "organisations": users["member"].organisation_id})
    assert response.status_code == 422
    assert RANGE in text(response)
    assert db.session.scalar(select(func.count(CommitteeSession.id))) == before
    response = client.post(f"/instruction/comites/{values['session']}/modifier", data={
        "day": day, "hour": "23:30", "slot_minutes": "180", "place": "Lyon",
        "organisations": users["member"].organisation_id})
    assert response.status_code == 422
    assert RANGE in text(response)


def test_a_session_kept_at_the_end_of_time_still_shows(app, world):  # noqa: F811
    """A session stored before the range was checked (or by a script) breaks nothing: its
    pages, its convening and the API's sessions for every invited organisation."""
    users, values = world
    session = db.session.get(CommitteeSession, values["session"])
    session.starts_at = datetime(9999, 12, 31, 22, 30, tzinfo=UTC)
    session.slot_minutes = 180
    db.session.flush()
    animator = _client(app, users, "animator")
    member = _client(app, users, "member")
    for client, url in ((animator, f"/instruction/comites/{session.id}"),
                        (animator, f"/instruction/comites/{session.id}/grille"),
                        (animator, "/instruction/comites/"),
                        (member, "/comite/"),
                        (member, f"/comite/seances/{session.id}"),
                        (member, f"/comite/seances/{session.id}/points/{values['item']}")):
        assert client.get(url).status_code == 200, url
    assert animator.post(f"/instruction/comites/{session.id}/convoquer").status_code == 302
    from murporteur.api.services import create_token

    _token, plain = create_token(users["member"], "far")
    response = app.test_client().get("/api/v1/sessions",
                                     headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 200
    assert response.get_json()["data"][0]["ends_at"].startswith("9999-12-")


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_payment_on_an_implausible_day_is_refused_at_the_field(app, world, day):  # noqa: F811
    users, values = world
    client = _client(app, users, "animator")
    before = db.session.scalar(select(func.count(Payment.id)))
    response = client.post(f"/conventions/{values['convention']}/versements",
                           data={"planned_date": day, "amount": "100"})
    assert response.status_code == 422
    assert RANGE in text(response)
    assert db.session.scalar(select(func.count(Payment.id))) == before
    prefix = f"pay{values['payment']}"
    response = client.post(f"/conventions/{values['convention']}/versements/"
                           f"{values['payment']}/paye", data={f"{prefix}-paid_date": day})
    assert response.status_code == 422
    assert RANGE in text(response)
    assert db.session.get(Payment, values["payment"]).paid_date is None


def test_a_convention_on_an_implausible_day_is_refused_at_the_field(app, world):  # noqa: F811
    users, values = world
    client = _client(app, users, "animator")
    response = client.post(f"/conventions/{values['convention']}/modifier", data={
        "kind": "financing", "committed": "5000", "in_kind": "0",
        "start_date": "0001-01-01", "end_date": "9999-12-31"})
    assert response.status_code == 422
    assert RANGE in text(response)


def test_payments_and_sessions_out_of_range_are_refused_by_the_rules_too(app, world):  # noqa: F811
    from murporteur.committee import services as committee
    from murporteur.conventions import services as conventions
    from murporteur.conventions.models import Convention
    from murporteur.core.errors import DomainError

    users, values = world
    convention = db.session.get(Convention, values["convention"])
    with pytest.raises(DomainError):
        conventions.schedule_payment(convention, users["animator"], date(1, 1, 1), 100)
    with pytest.raises(DomainError):
        committee.create_session(users["animator"], place="Lyon",
                                 starts_at=datetime(9999, 12, 31, 22, 30, tzinfo=UTC),
                                 organisations=[users["member"].organisation])


def test_a_submission_key_too_long_is_not_a_server_error(app):
    client = app.test_client()
    for key in ("k" * 65, "k" * 500):
        response = client.post("/deposer", data={
            "submission_key": key, "action": "save", "email": "long.key@example.org",
            "full_name": "Clé Longue", "title": "Une idée"})
        assert response.status_code < 500, key


# --- The API --------------------------------------------------------------------------------

def _bearer(users):
    from murporteur.api.services import create_token

    _token, plain = create_token(users["animator"], "numbers")
    return {"Authorization": f"Bearer {plain}"}


@pytest.mark.parametrize(("query", "found"), [
    ("updated_since=0001-01-01T00:00:00%2B14:00", True),  # since the beginning: all
    ("updated_since=0001-01-01T00:00:00-14:00", True),
    ("updated_since=9999-12-31T23:59:59-14:00", False)])  # since after the end: none
def test_a_far_instant_in_the_api_selects_all_or_nothing(app, world, query, found):  # noqa: F811
    users, _values = world
    response = app.test_client().get(f"/api/v1/dossiers?{query}", headers=_bearer(users))
    assert response.status_code == 200
    assert bool(response.get_json()["data"]) is found


@pytest.mark.parametrize("query", [
    f"cursor={base64.urlsafe_b64encode(HUGE.encode()).decode()}", f"cursor={HUGE}",
    f"cursor={base64.urlsafe_b64encode(SUPERSCRIPT.encode()).decode()}", f"limit={HUGE}",
    "limit=²"])
def test_a_huge_cursor_or_limit_in_the_api_is_a_json_400(app, world, query):  # noqa: F811
    users, _values = world
    response = app.test_client().get(f"/api/v1/dossiers?{query}", headers=_bearer(users))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_parameter"


def test_a_year_in_unicode_digits_is_a_json_400(app):
    for year in (SUPERSCRIPT * 4, HUGE, "-2026"):
        response = app.test_client().get(f"/api/v1/stats?year={year}")
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "invalid_parameter"

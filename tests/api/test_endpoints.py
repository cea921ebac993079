"""/api/v1 as a token's holder meets it: what each role sees, pagination, filters, errors."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from murporteur.api import services as api
from murporteur.committee import services as committee
from murporteur.committee.models import Decision, Stance
from murporteur.conventions.models import Convention, ConventionKind, Payment
from murporteur.core.lifecycle import apply_transition
from murporteur.extensions import db
from tests.conftest import login
from tests.factories import (
    AnimatorFactory,
    DraftFactory,
    MemberFactory,
    OrganisationFactory,
    submitted_dossier,
)

START = datetime(2026, 12, 10, 13, 0, tzinfo=UTC)


def bearer(plain: str) -> dict:
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def world(app):
    """A collective: organisations A and B invited to a session with two dossiers on its
    agenda and a position each on the first; C invited nowhere; a dossier on no agenda, a
    draft; a supported project with one convention for A and one for B, with payments."""
    animator = AnimatorFactory()
    org_a = OrganisationFactory(name="Lyon Métropole Habitat")
    org_b = OrganisationFactory(name="Vilogia")
    org_c = OrganisationFactory(name="Dynacité")
    users = {"animator": animator, "a": MemberFactory(organisation=org_a),
             "b": MemberFactory(organisation=org_b), "c": MemberFactory(organisation=org_c)}
    session = committee.create_session(animator, starts_at=START, place="Maison de l'ESS",
                                       organisations=[org_a, org_b])
    on_agenda = []
    for title in ("Café solidaire", "Atelier vélo"):
        dossier = submitted_dossier(title=title, financing_amount_cents=1500050)
        dossier.state = "retained"
        committee.add_item(session, dossier, animator)
        on_agenda.append(dossier)
    item = session.items[0]
    committee.record_position(item, users["a"], stance=Stance.SUPPORTS,
                              offer_kinds=["financing"], amount_cents=800000,
                              comment="Un local rue Arago", expected_version=None)
    committee.record_position(item, users["b"], stance=Stance.WANTS_TO_MEET, offer_kinds=[],
                              amount_cents=None, comment="", expected_version=None)
    elsewhere = submitted_dossier(title="Recyclerie")
    draft = DraftFactory(title="Brouillon secret")
    supported = submitted_dossier(title="Jardin partagé")
    supported.state = "supported"
    conv_a = Convention(dossier=supported, organisation=org_a, kind=ConventionKind.FINANCING,
                        state="signed", committed_cents=1234567, in_kind_cents=0,
                        object="Financement du jardin", start_date=date(2027, 1, 1))
    conv_b = Convention(dossier=supported, organisation=org_b, kind=ConventionKind.FINANCING,
                        state="draft", committed_cents=500000, in_kind_cents=120000)
    db.session.add_all([conv_a, conv_b])
    db.session.flush()
    payments = {
        "a_paid": Payment(convention=conv_a, planned_date=date(2027, 1, 15),
                          amount_cents=600000, paid_date=date(2027, 1, 20),
                          paid_amount_cents=600000),
        "a_planned": Payment(convention=conv_a, planned_date=date(2027, 6, 15),
                             amount_cents=634567),
        "b_planned": Payment(convention=conv_b, planned_date=date(2027, 3, 1),
                             amount_cents=250000),
    }
    db.session.add_all(payments.values())
    db.session.flush()
    tokens = {name: api.create_token(user, "tests")[1] for name, user in users.items()}
    return {"users": users, "tokens": tokens, "session": session, "item": item,
            "on_agenda": on_agenda, "elsewhere": elsewhere, "draft": draft,
            "supported": supported, "conventions": {"a": conv_a, "b": conv_b},
            "payments": payments, "orgs": {"a": org_a, "b": org_b, "c": org_c}}


@pytest.fixture
def call(client, world):
    def get(path: str, who: str | None = None, **kwargs):
        headers = bearer(world["tokens"][who]) if who else {}
        return client.get(path, headers=headers, **kwargs)

    return get


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [row["id"] for row in response.get_json()["data"]]


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response.is_json
    assert response.get_json() == {"error": {"status": status, "code": code,
                                             "message": response.get_json()["error"]["message"]}}
    assert response.get_json()["error"]["message"]


# --- Dossiers ------------------------------------------------------------------------------

def test_an_animator_lists_every_submitted_dossier_with_the_holders_contact(world, call):
    response = call("/api/v1/dossiers", "animator")
    expected = [d.id for d in (*world["on_agenda"], world["elsewhere"], world["supported"])]
    assert ids(response) == sorted(expected)  # never the draft
    first = response.get_json()["data"][0]
    assert first["holder"] == {"name": "Amina Diallo", "phone": "06 12 34 56 78",
                               "email": world["on_agenda"][0].holder.email}
    assert first["financing_amount"] == {"cents": 1500050, "euros": "15000.50"}
    assert first["submitted_at"].endswith("Z")
    assert response.get_json()["next_cursor"] is None


def test_a_member_lists_only_the_dossiers_on_their_agenda_without_contact_details(world, call):
    response = call("/api/v1/dossiers", "a")
    assert ids(response) == [d.id for d in world["on_agenda"]]
    body = response.get_data(as_text=True)
    assert "holder" not in response.get_json()["data"][0]
    assert "06 12 34 56 78" not in body and "Amina Diallo" not in body
    assert world["on_agenda"][0].holder.email not in body
    assert ids(call("/api/v1/dossiers", "c")) == []


def test_one_dossier_by_number_only_when_the_user_may_see_it(world, call):
    dossier = world["on_agenda"][0]
    response = call(f"/api/v1/dossiers/{dossier.number}", "b")
    assert response.status_code == 200
    assert response.get_json()["data"]["title"] == "Café solidaire"
    assert_error(call(f"/api/v1/dossiers/{world['elsewhere'].number}", "b"), 404, "not_found")
    assert_error(call(f"/api/v1/dossiers/{dossier.number}", "c"), 404, "not_found")
    assert_error(call("/api/v1/dossiers/MP-1999-0001", "animator"), 404, "not_found")
    assert call(f"/api/v1/dossiers/{world['elsewhere'].number}", "animator").status_code == 200


# --- Sessions and positions ----------------------------------------------------------------

def _first_item(response) -> dict:
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"][0]["items"][0]


def test_before_the_session_is_held_a_member_sees_only_their_own_position(world, call):
    item = _first_item(call("/api/v1/sessions", "b"))
    assert [p["organisation"]["name"] for p in item["positions"]] == ["Vilogia"]
    session = call("/api/v1/sessions", "b").get_json()["data"][0]
    assert session["positions_visible"] is False
    assert [i["dossier"]["number"] for i in session["items"]] == [
        d.number for d in world["on_agenda"]]
    assert session["starts_at"] == "2026-12-10T13:00:00Z"
    assert session["items"][1]["starts_at"] == "2026-12-10T13:20:00Z"
    assert "Un local rue Arago" not in call("/api/v1/sessions", "b").get_data(as_text=True)
    assert ids(call("/api/v1/sessions", "c")) == []


def test_an_animator_sees_every_position_at_any_time(world, call):
    item = _first_item(call("/api/v1/sessions", "animator"))
    assert [(p["organisation"]["name"], p["stance"], p["amount"]) for p in item["positions"]] \
        == [("Lyon Métropole Habitat", "supports", {"cents": 800000, "euros": "8000.00"}),
            ("Vilogia", "wants_to_meet", None)]


def test_once_the_session_is_held_members_see_the_other_positions(world, call):
    animator = world["users"]["animator"]
    committee.convene(world["session"], animator)
    apply_transition(world["session"], "hold", animator)
    item = _first_item(call("/api/v1/sessions", "b"))
    assert [p["organisation"]["name"] for p in item["positions"]] == [
        "Lyon Métropole Habitat", "Vilogia"]
    assert item["positions"][0]["comment"] == "Un local rue Arago"


def test_a_pending_decision_is_for_the_animators_until_published(world, call):
    animator = world["users"]["animator"]
    committee.convene(world["session"], animator)
    committee.record_decision(world["item"], Decision.SUPPORTED, animator,
                              supporters=[world["orgs"]["a"]])
    assert _first_item(call("/api/v1/sessions", "a"))["decision"] is None
    pending = _first_item(call("/api/v1/sessions", "animator"))["decision"]
    assert pending["decision"] == "supported" and pending["published_at"] is None
    committee.publish_decisions(world["session"], animator)
    published = _first_item(call("/api/v1/sessions", "a"))["decision"]
    assert published["supporters"] == [{"id": world["orgs"]["a"].id,
                                        "name": "Lyon Métropole Habitat", "kind": "landlord"}]


# --- Conventions and payments --------------------------------------------------------------

def test_a_member_never_sees_another_organisations_conventions(world, call):
    conv_a, conv_b = world["conventions"]["a"], world["conventions"]["b"]
    assert ids(call("/api/v1/conventions", "a")) == [conv_a.id]
    assert ids(call("/api/v1/conventions", "b")) == [conv_b.id]
    assert ids(call("/api/v1/conventions", "c")) == []
    assert ids(call("/api/v1/conventions", "animator")) == [conv_a.id, conv_b.id]
    row = call("/api/v1/conventions", "a").get_json()["data"][0]
    assert row["committed"] == {"cents": 1234567, "euros": "12345.67"}
    assert row["paid"] == {"cents": 600000, "euros": "6000.00"}
    assert row["scheduled"]["cents"] == 1234567 and row["start_date"] == "2027-01-01"
    assert row["organisation"]["name"] == "Lyon Métropole Habitat"


def test_payments_follow_the_conventions_a_user_may_see(world, call):
    payments = world["payments"]
    assert ids(call("/api/v1/payments", "a")) == [payments["a_paid"].id,
                                                   payments["a_planned"].id]
    assert ids(call("/api/v1/payments", "b")) == [payments["b_planned"].id]
    assert len(ids(call("/api/v1/payments", "animator"))) == 3
    paid = call("/api/v1/payments", "a").get_json()["data"][0]
    assert paid == {"id": payments["a_paid"].id, "convention_id": world["conventions"]["a"].id,
                    "status": "paid", "planned_date": "2027-01-15",
                    "amount": {"cents": 600000, "euros": "6000.00"},
                    "paid_date": "2027-01-20",
                    "paid_amount": {"cents": 600000, "euros": "6000.00"},
                    "created_at": paid["created_at"]}


# --- Pagination and filters ----------------------------------------------------------------

def test_pagination_walks_every_page_once_in_id_order(world, call):
    for n in range(7):
        submitted_dossier(title=f"Projet {n}")
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        response = call("/api/v1/dossiers", "animator", query_string=query)
        page = ids(response)
        assert len(page) <= 3
        seen += page
        pages += 1
        cursor = response.get_json()["next_cursor"]
        if cursor is None:
            break
    assert pages == 4  # 11 dossiers, 3 by 3
    assert seen == sorted(set(seen))
    assert len(seen) == 11
    assert len(ids(call("/api/v1/dossiers", "animator"))) == 11  # the default limit is 50


def test_a_page_ends_exactly_at_the_last_row(world, call):
    response = call("/api/v1/dossiers?limit=4", "animator")
    assert len(ids(response)) == 4 and response.get_json()["next_cursor"] is None


def test_the_state_filter(world, call):
    assert ids(call("/api/v1/dossiers?state=on_agenda", "animator")) == [
        d.id for d in world["on_agenda"]]
    assert ids(call("/api/v1/conventions?state=signed", "animator")) == [
        world["conventions"]["a"].id]
    assert ids(call("/api/v1/sessions?state=planned", "a")) == [world["session"].id]
    assert ids(call("/api/v1/sessions?state=held", "a")) == []


def test_updated_since_reads_any_offset_as_utc(world, call):
    for dossier in (*world["on_agenda"], world["elsewhere"], world["supported"]):
        dossier.updated_at = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    recent = world["elsewhere"]
    recent.updated_at = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
    db.session.flush()
    # 01:30 at +02:00 is 23:30 UTC the day before: included.
    assert ids(call("/api/v1/dossiers", "animator", query_string={
        "updated_since": "2026-03-01T01:30:00+02:00"})) == [recent.id]
    # A "+" left raw in the URL arrives as a space, and is still understood.
    assert ids(call("/api/v1/dossiers?updated_since=2026-03-01T01:30:00+02:00",
                    "animator")) == [recent.id]
    assert ids(call("/api/v1/dossiers?updated_since=2026-03-01T00:00:01Z", "animator")) == []
    assert len(ids(call("/api/v1/dossiers?updated_since=2026-01-01T00:00:00Z",
                        "animator"))) == 4


@pytest.mark.parametrize("query", [
    "limit=0", "limit=201", "limit=abc", "limit=-1", "cursor=not-a-cursor!", "cursor=YWJj",
    "state=bogus", "state=signed", "updated_since=yesterday",
    "updated_since=2026-03-01T00:00:00", "colour=red",
])
def test_bad_parameters_answer_400_in_the_error_shape(world, call, query):
    assert_error(call(f"/api/v1/dossiers?{query}", "animator"), 400, "invalid_parameter")


def test_filters_an_endpoint_does_not_offer_are_refused(world, call):
    assert_error(call("/api/v1/payments?state=paid", "a"), 400, "invalid_parameter")
    assert_error(call("/api/v1/sessions?updated_since=2026-01-01T00:00:00Z", "a"), 400,
                 "invalid_parameter")
    response = call("/api/v1/conventions?state=nope", "a")
    assert "sent_for_signature" in response.get_json()["error"]["message"]


# --- Authentication and errors -------------------------------------------------------------

@pytest.mark.parametrize("header", [None, "Bearer", "Bearer mp_unknown", "Basic dXNlcjpwdw==",
                                    "Token {token}", "Bearer {token}x"])
def test_without_a_valid_token_the_api_answers_401(world, client, header):
    headers = {}
    if header is not None:
        headers["Authorization"] = header.format(token=world["tokens"]["animator"])
    response = client.get("/api/v1/dossiers", headers=headers)
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_answers_401(world, call):
    user = world["users"]["a"]
    token = api.tokens_of(user)[0]
    assert call("/api/v1/dossiers", "a").status_code == 200
    api.revoke_token(token, user)
    assert_error(call("/api/v1/dossiers", "a"), 401, "unauthorized")


def test_the_session_cookie_opens_nothing(app, world):
    browser = app.test_client()
    login(browser, world["users"]["animator"])
    assert_error(browser.get("/api/v1/dossiers"), 401, "unauthorized")


def test_using_a_token_notes_when(world, call):
    token = api.tokens_of(world["users"]["b"])[0]
    assert token.last_used_at is None
    call("/api/v1/payments", "b")
    db.session.expire_all()
    assert token.last_used_at is not None


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/", "/api/v1/dossiers/a/b",
                                  "/api/v1/dossiers/"])
def test_unknown_routes_answer_404_in_the_error_shape(world, call, path):
    assert_error(call(path, "animator"), 404, "not_found")
    assert_error(call(path), 404, "not_found")  # the same without a token


@pytest.mark.parametrize("method,path", [("POST", "/api/v1/dossiers"),
                                         ("DELETE", "/api/v1/dossiers/MP-2026-0001"),
                                         ("PUT", "/api/v1/conventions"),
                                         ("PATCH", "/api/v1/stats")])
def test_other_methods_than_get_answer_405(world, client, method, path):
    response = client.open(path, method=method, headers=bearer(world["tokens"]["animator"]))
    assert_error(response, 405, "method_not_allowed")
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_answers_are_not_cached_and_set_no_cookie(world, call):
    response = call("/api/v1/dossiers", "animator")
    assert "no-store" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers


def test_an_unexpected_error_answers_500_in_the_error_shape(app, world, call, monkeypatch):
    def broken(*_args):
        raise RuntimeError("boom")

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr("murporteur.api.views.PAYMENT_PAGE.dump", broken)
    assert_error(call("/api/v1/payments", "a"), 500, "server_error")

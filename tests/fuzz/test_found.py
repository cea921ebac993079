"""What the fuzz suite and schemathesis found, pinned down so that it stays fixed."""

from __future__ import annotations

from sqlalchemy import func, select

from murporteur.core.db import utcnow
from murporteur.extensions import db
from murporteur.submissions.models import Dossier, Message
from tests.api.test_endpoints import bearer, world  # noqa: F401
from tests.conftest import login
from tests.factories import (
    PASSWORD,
    AnimatorFactory,
    HolderFactory,
    MemberFactory,
    submitted_dossier,
)
from tests.helpers import finish_login, text


def _count(model):
    return db.session.scalar(select(func.count(model.id)))


def test_a_nul_character_in_an_address_is_a_page_not_found(client):
    # It reached PostgreSQL, which refuses NUL in text: a server error.
    response = client.get("/documents/%00")
    assert response.status_code == 404
    assert "Page introuvable" in text(response)


def test_a_nul_character_in_a_form_is_refused_whole_with_a_reason(client):
    before = _count(Dossier)
    response = client.post("/deposer", data={"email": "a@example.org", "title": "Café\x00",
                                             "action": "save"})
    assert response.status_code == 400
    assert "Envoi illisible" in text(response)
    assert "vos réponses y sont encore" in text(response)
    assert _count(Dossier) == before


def test_a_nul_character_in_an_api_query_is_a_json_400(client, world):  # noqa: F811
    response = client.get("/api/v1/dossiers?state=%00", headers=bearer(world["tokens"]["a"]))
    assert response.status_code == 400
    assert response.get_json()["error"]["message"]


def test_an_empty_api_filter_is_refused_as_the_document_says(client, world):  # noqa: F811
    headers = bearer(world["tokens"]["animator"])
    for query in ("cursor=", "updated_since=", "state="):
        response = client.get(f"/api/v1/dossiers?{query}", headers=headers)
        assert response.status_code == 400, query
        assert response.get_json()["error"]["code"] == "invalid_parameter"
    assert client.get("/api/v1/dossiers", headers=headers).status_code == 200
    assert client.get("/api/v1/stats?year=").status_code == 400
    assert client.get("/api/v1/stats").status_code == 200


def test_a_decision_before_the_session_is_convened_says_why(app):
    from murporteur.committee import services as committee

    animator = AnimatorFactory()
    member = MemberFactory()
    session = committee.create_session(animator, starts_at=utcnow(), place="Lyon",
                                       organisations=[member.organisation])
    dossier = submitted_dossier()
    dossier.state = "retained"
    item = committee.add_item(session, dossier, animator)
    client = app.test_client()
    login(client, animator, PASSWORD)
    response = client.post(f"/instruction/comites/{session.id}/decision/{item.id}",
                           data={"decision": "supported"})
    assert response.status_code == 422
    assert "Les décisions se prennent en séance, une fois convoquée." in text(response)
    db.session.refresh(item)
    assert item.decision is None


def test_a_message_to_a_withdrawn_dossier_is_refused_with_a_reason(app):
    # The page of a withdrawn dossier hides the message form: the refusal must say why.
    holder = HolderFactory(password_hash=AnimatorFactory().password_hash)
    dossier = submitted_dossier(holder=holder)
    dossier.state = "withdrawn"
    client = app.test_client()
    login(client, holder, PASSWORD)
    before = _count(Message)
    response = client.post(f"/mes-dossiers/{dossier.public_id}/messages",
                           data={"body": "Encore là ?"})
    assert response.status_code == 409
    assert "Ce dossier est retiré : il ne reçoit plus de messages." in text(response)
    assert _count(Message) == before


def test_a_line_break_in_a_return_address_is_not_followed(client):
    # Found by wapiti: "next=/\nenv;" made the Location header fail (a server error).
    for target in ("/\nenv;", "/deposer\r\nSet-Cookie: x=1", "/\x7f"):
        response = client.post("/langue", data={"locale": "en", "next": target})
        assert response.status_code == 302
        assert "\n" not in response.headers["Location"]
        assert response.headers["Location"] == "/"
    animator = AnimatorFactory()
    response = client.post("/connexion", data={"email": animator.email, "password": PASSWORD,
                                                "next": "/instruction/\nX-Evil: 1"})
    response = finish_login(client, response, animator)
    assert response.headers["Location"] == "/instruction/"


def test_an_agenda_item_with_positions_and_their_history_can_be_removed(app):
    # Found by the wapiti scan: the positions' history blocked the removal (a server error).
    from murporteur.committee import services as committee
    from murporteur.committee.models import AgendaItem, PositionChange, Stance

    animator = AnimatorFactory()
    member = MemberFactory()
    session = committee.create_session(animator, starts_at=utcnow(), place="Lyon",
                                       organisations=[member.organisation],
                                       positions_open_early=True)
    dossier = submitted_dossier()
    dossier.state = "retained"
    item = committee.add_item(session, dossier, animator)
    committee.record_position(item, member, stance=Stance.SUPPORTS, offer_kinds=[],
                              amount_cents=None, comment="", expected_version=None)
    assert _count(PositionChange) >= 1
    client = app.test_client()
    login(client, animator, PASSWORD)
    response = client.post(f"/instruction/comites/{session.id}/retirer/{item.id}")
    assert response.status_code == 302
    assert db.session.get(AgendaItem, item.id) is None
    assert _count(PositionChange) == 0

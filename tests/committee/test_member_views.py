"""The members' portal, as a landlord's or partner's representative uses it."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from murporteur.committee import services
from murporteur.committee.models import Decision, Position, PositionChange, Proxy, Stance
from murporteur.core.lifecycle import apply_transition
from murporteur.core.money import format_cents
from murporteur.extensions import db
from murporteur.submissions.services import post_message
from murporteur.submissions.uploads import store
from murporteur.triage import services as triage
from murporteur.triage.choices import CallOutcome
from tests import files
from tests.conftest import login
from tests.factories import (
    AnimatorFactory,
    HolderFactory,
    MemberFactory,
    OrganisationFactory,
    submitted_dossier,
)
from tests.helpers import text

START = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)  # 14:00 in Paris


class World:
    """Two invited organisations (A, B), one not invited, a convened session with one item."""


@pytest.fixture
def world(app, animator):
    w = World()
    w.animator = animator
    w.org_a = OrganisationFactory(name="Alliade Habitat")
    w.org_b = OrganisationFactory(name="Dynacité")
    w.org_c = OrganisationFactory(name="Bailleur non invité")
    w.a = MemberFactory(organisation=w.org_a, full_name="Alice Martin")
    w.a2 = MemberFactory(organisation=w.org_a, full_name="Aurélien Roux")
    w.b = MemberFactory(organisation=w.org_b, full_name="Bruno Petit")
    w.c = MemberFactory(organisation=w.org_c, full_name="Chloé Bernard")
    w.dossier = submitted_dossier(title="Café solidaire")
    triage.save_qualification(w.dossier, {"summary": "Un café tenu avec les habitants.",
                                          "opinion": "Projet solide, à soutenir.",
                                          "themes": ["food"]}, animator)
    w.dossier.state = "retained"
    w.document = store(files.upload_storage(files.pdf(), "plan.pdf"), dossier_id=w.dossier.id)
    w.session = services.create_session(animator, starts_at=START, place="Maison de l'ESS",
                                        organisations=[w.org_a, w.org_b])
    w.item = services.add_item(w.session, w.dossier, animator)
    services.convene(w.session, animator)
    return w


def euros(cents):
    """An amount as the page's visible text shows it (white space folded)."""
    return " ".join(format_cents(cents).split())


def as_user(app, user):
    client = app.test_client()
    login(client, user)
    return client


def item_url(w, item=None, session=None):
    return f"/comite/seances/{(session or w.session).id}/points/{(item or w.item).id}"


def session_url(w, session=None):
    return f"/comite/seances/{(session or w.session).id}"


def hidden(response, name):
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"',
                      response.get_data(as_text=True))
    assert match, name
    return match.group(1)


def position_form(client, w, speaking_for=None, **values):
    """What the member posts: the hidden fields as the page gave them, and their answers."""
    query = f"?organisation={speaking_for.id}" if speaking_for else ""
    page = client.get(item_url(w) + query)
    assert page.status_code == 200
    return {"version": hidden(page, "version"), "version_for": hidden(page, "version_for"),
            **values}


def position(organisation, item):
    db.session.expire_all()
    return db.session.scalar(select(Position).where(Position.item_id == item.id,
                                                    Position.organisation_id == organisation.id))


def test_a_member_sees_their_sessions_and_the_items_to_answer(app, world):
    client = as_user(app, world.a)
    page = text(client.get("/comite/"))
    assert "Séance du 24 novembre 2026 à 14:00" in page and "Maison de l'ESS" in page
    assert "Convoqué" in page and "À compléter : 1 position" in page
    agenda = text(client.get(session_url(world)))
    assert world.dossier.number in agenda and "Café solidaire" in agenda
    assert "14:00 – 14:20" in agenda and "Pas encore de position" in agenda
    item = text(client.get(item_url(world)))
    assert "Un café tenu avec les habitants." in item and "Projet solide, à soutenir." in item
    assert "Alimentation" in item and "Le Comptoir des Voisins" in item and "plan.pdf" in item
    assert "Intéressé, souhaite rencontrer le porteur" in item
    assert client.get(f"/documents/{world.document.public_id}").status_code == 200


def test_the_item_page_shows_nothing_private(app, world):
    triage.add_note(world.dossier, world.animator, "Note interne très confidentielle")
    triage.record_call(world.dossier, world.animator, CallOutcome.REACHED, "Appel : budget serré")
    post_message(world.dossier, world.dossier.holder, "Message privé du porteur")
    other = submitted_dossier(title="Recyclerie du quartier")
    page = text(as_user(app, world.a).get(item_url(world)))
    for secret in ("Note interne très confidentielle", "budget serré",
                   "Message privé du porteur", "Recyclerie du quartier", "Historique",
                   world.dossier.holder.email, world.dossier.phone):
        assert secret not in page
    assert other.number not in page


def test_record_a_position_with_an_amount_and_see_it_summarised(app, world):
    client = as_user(app, world.a)
    response = client.post(item_url(world), data=position_form(
        client, world, stance="supports", offer_kinds=["financing", "premises"],
        amount="8 000", comment="Nous pouvons aider."))
    assert response.status_code == 302
    saved = position(world.org_a, world.item)
    assert (saved.stance, saved.amount_cents, saved.updated_by_id) == (
        Stance.SUPPORTS, 800000, world.a.id)
    assert saved.offer_kinds == ["financing", "premises"]
    agenda = text(client.get(response.headers["Location"]))
    assert "Position enregistrée pour Alliade Habitat" in agenda
    assert "Soutient" in agenda and euros(800000) in agenda and "Un financement" in agenda
    assert "Votre organisation a donné toutes ses positions." in text(client.get("/comite/"))
    again = client.get(item_url(world))
    assert hidden(again, "version") == "1" and 'value="8000"' in again.get_data(as_text=True)


def test_a_bad_amount_or_no_stance_is_told_in_french_and_the_answers_kept(app, world):
    client = as_user(app, world.a)
    response = client.post(item_url(world), data=position_form(
        client, world, offer_kinds=["order"], amount="beaucoup", comment="Mon commentaire"))
    assert response.status_code == 422
    page = text(response)
    assert "Indiquez un montant en euros, par exemple 8 000 ou 8 000,50." in page
    assert "Indiquez la position de votre organisation." in page
    html = response.get_data(as_text=True)
    assert 'value="beaucoup"' in html and "Mon commentaire" in html
    assert re.search(r'<input checked[^>]*value="order"', html)
    assert position(world.org_a, world.item) is None


def test_an_empty_post_is_refused(app, world):
    client = as_user(app, world.a)
    assert client.post(item_url(world)).status_code == 422
    assert client.post(session_url(world) + "/procuration").status_code == 422


def test_other_organisations_see_positions_once_the_session_is_held(app, world):
    services.record_position(world.item, world.a, stance=Stance.SUPPORTS, offer_kinds=["order"],
                             amount_cents=500000, comment="Commande possible en 2027",
                             expected_version=None)
    services.record_position(world.item, world.b, stance=Stance.WANTS_TO_MEET, offer_kinds=[],
                             amount_cents=250000, comment="", expected_version=None)
    client = as_user(app, world.b)
    before = text(client.get(item_url(world)))
    assert "Commande possible en 2027" not in before and euros(500000) not in before
    assert "Alliade Habitat" not in before
    assert "seront visibles une fois la séance tenue" in before
    apply_transition(world.session, "hold", world.animator)
    after = text(client.get(item_url(world)))
    assert "Alliade Habitat" in after and "Commande possible en 2027" in after
    assert euros(750000) in after  # the sum of the amounts offered


def test_positions_may_be_opened_early(app, world):
    services.record_position(world.item, world.a, stance=Stance.SUPPORTS, offer_kinds=[],
                             amount_cents=None, comment="Avis donné tôt", expected_version=None)
    services.update_session(world.session, world.animator, positions_open_early=True)
    assert "Avis donné tôt" in text(as_user(app, world.b).get(item_url(world)))


def test_a_member_of_an_organisation_not_invited_finds_nothing(app, world):
    client = as_user(app, world.c)
    listing = text(client.get("/comite/"))
    assert "Café solidaire" not in listing and "Maison de l'ESS" not in listing
    assert client.get(session_url(world)).status_code == 404
    assert client.get(item_url(world)).status_code == 404
    assert client.post(item_url(world), data={"stance": "supports"}).status_code == 404
    assert client.post(session_url(world) + "/procuration",
                       data={"receiver": str(world.a.id)}).status_code == 404
    assert client.get(f"/documents/{world.document.public_id}").status_code == 404
    assert client.get("/comite/seances/999999").status_code == 404


def test_an_item_is_only_reached_through_its_own_session(app, world):
    other = services.create_session(world.animator, starts_at=START, place="Ailleurs",
                                    organisations=[world.org_c])
    client = as_user(app, world.a)
    assert client.get(item_url(world, session=other)).status_code == 404
    assert client.get(f"{session_url(world)}/points/999999").status_code == 404


def test_a_dossier_not_on_an_agenda_is_never_shown_to_members(app, world):
    elsewhere = submitted_dossier(title="Jardin partagé")
    elsewhere.state = "retained"
    document = store(files.upload_storage(files.pdf(), "jardin.pdf"), dossier_id=elsewhere.id)
    client = as_user(app, world.a)
    assert client.get(f"/documents/{document.public_id}").status_code == 404
    for url in ("/comite/", session_url(world), item_url(world)):
        assert "Jardin partagé" not in text(client.get(url))


@pytest.mark.parametrize("make", [HolderFactory, AnimatorFactory])
def test_holders_and_animators_are_refused_the_portal(app, world, make):
    user = make()
    if make is HolderFactory:
        user.password_hash = world.a.password_hash
    client = as_user(app, user)
    for url in ("/comite/", session_url(world), item_url(world)):
        assert client.get(url).status_code == 403
    assert client.post(item_url(world), data={"stance": "supports"}).status_code == 403
    assert client.post(session_url(world) + "/procuration").status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(app, world):
    client = app.test_client()
    for url in ("/comite/", session_url(world), item_url(world)):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_two_members_saving_at_once_the_second_is_told_and_loses_nothing(app, world):
    services.record_position(world.item, world.a, stance=Stance.WANTS_TO_MEET, offer_kinds=[],
                             amount_cents=None, comment="", expected_version=None)
    first, second = as_user(app, world.a), as_user(app, world.a2)
    first_form = position_form(first, world, stance="supports", offer_kinds=["financing"],
                               amount="5 000", comment="On finance.")
    second_form = position_form(second, world, stance="not_concerned", offer_kinds=["other"],
                                amount="", comment="Pas sur notre parc.")
    assert first_form["version"] == second_form["version"] == "1"
    assert first.post(item_url(world), data=first_form).status_code == 302

    conflict = second.post(item_url(world), data=second_form)
    assert conflict.status_code == 409
    page, html = text(conflict), conflict.get_data(as_text=True)
    assert "Alice Martin a modifié la position de votre organisation" in page
    assert hidden(conflict, "version") == "2"
    assert re.search(r'<input checked[^>]*value="supports"', html)
    assert 'value="5000"' in html and "On finance." in html
    assert "Votre saisie" in page and "Pas concerné" in page and "Pas sur notre parc." in page
    assert position(world.org_a, world.item).comment == "On finance."

    retry = second.post(item_url(world), data={**second_form, "version": "2"})
    assert retry.status_code == 302
    saved = position(world.org_a, world.item)
    assert (saved.stance, saved.comment, saved.version) == (
        Stance.NOT_CONCERNED, "Pas sur notre parc.", 3)
    changes = db.session.scalar(select(func.count(PositionChange.id)).where(
        PositionChange.position_id == saved.id))
    assert changes == 3


def test_two_first_positions_at_once_the_second_is_told(app, world):
    first, second = as_user(app, world.a), as_user(app, world.a2)
    first_form = position_form(first, world, stance="supports")
    second_form = position_form(second, world, stance="abstains")
    assert first_form["version"] == ""
    assert first.post(item_url(world), data=first_form).status_code == 302
    conflict = second.post(item_url(world), data=second_form)
    assert conflict.status_code == 409 and hidden(conflict, "version") == "1"
    assert position(world.org_a, world.item).stance == Stance.SUPPORTS


def test_a_proxy_lets_another_organisations_member_speak_for_one_session(app, world):
    later = services.create_session(world.animator, starts_at=START, place="Salle 2",
                                    organisations=[world.org_a, world.org_b])
    later_dossier = submitted_dossier(title="Atelier vélo")
    later_dossier.state = "retained"
    later_item = services.add_item(later, later_dossier, world.animator)

    giver = as_user(app, world.a)
    proxy_page = giver.get(session_url(world)).get_data(as_text=True)
    assert "Bruno Petit (Dynacité)" in proxy_page and "Aurélien Roux" not in proxy_page
    response = giver.post(session_url(world) + "/procuration", data={"receiver": world.b.id})
    assert response.status_code == 302
    assert "Vous avez donné procuration à Bruno Petit" in text(giver.get(session_url(world)))

    receiver = as_user(app, world.b)
    agenda = text(receiver.get(session_url(world)))
    assert "Alice Martin vous a donné procuration pour Alliade Habitat" in agenda
    data = position_form(receiver, world, speaking_for=world.org_a,
                         organisation=str(world.org_a.id), stance="supports", amount="3 000")
    assert receiver.post(item_url(world), data=data).status_code == 302
    saved = position(world.org_a, world.item)
    assert saved.updated_by_id == world.b.id and saved.amount_cents == 300000
    assert position(world.org_b, world.item) is None
    assert "Alliade Habitat : Soutient" in text(receiver.get(session_url(world)))

    # Not on another session.
    refused = receiver.post(item_url(world, item=later_item, session=later),
                            data={"organisation": str(world.org_a.id), "stance": "supports",
                                  "version": "", "version_for": ""})
    assert refused.status_code == 422
    assert position(world.org_a, later_item) is None


def test_a_proxy_to_a_member_of_ones_own_organisation_is_refused(app, world):
    client = as_user(app, world.a)
    response = client.post(session_url(world) + "/procuration", data={"receiver": world.a2.id})
    assert response.status_code == 422
    assert "La procuration se donne au membre d'une autre organisation." in text(response)
    assert db.session.scalar(select(func.count(Proxy.id))) == 0


def test_once_the_decision_is_published_positions_are_closed(app, world):
    services.record_decision(world.item, Decision.SUPPORTED, world.animator,
                             supporters=[world.org_a])
    services.publish_decisions(world.session, world.animator)
    client = as_user(app, world.a)
    page = client.get(item_url(world))
    assert "Les positions sur ce dossier sont closes." in text(page)
    assert 'name="stance"' not in page.get_data(as_text=True)
    refused = client.post(item_url(world), data={"stance": "supports", "version": "",
                                                 "version_for": str(world.org_a.id)})
    assert refused.status_code == 422
    assert "Les positions sur ce dossier sont closes." in text(refused)
    assert position(world.org_a, world.item) is None


def test_switching_organisation_in_the_form_never_overwrites_the_other_ones(app, world):
    services.give_proxy(world.session, world.a, world.b)
    services.record_position(world.item, world.a, stance=Stance.SUPPORTS, offer_kinds=[],
                             amount_cents=100000, comment="Avis d'Alliade",
                             expected_version=None)
    client = as_user(app, world.b)
    data = position_form(client, world, organisation=str(world.org_a.id), stance="abstains")
    assert data["version_for"] == str(world.org_b.id)  # the form was loaded for Dynacité
    response = client.post(item_url(world), data=data)
    assert response.status_code == 409
    assert hidden(response, "version") == "1" and "Avis d'Alliade" in text(response)
    assert position(world.org_a, world.item).stance == Stance.SUPPORTS


def test_a_proxy_holder_from_an_organisation_not_invited_sees_the_dossier_documents(app, world):
    services.give_proxy(world.session, world.a, world.c)
    client = as_user(app, world.c)
    assert client.get(item_url(world)).status_code == 200
    assert client.get(f"/documents/{world.document.public_id}").status_code == 200


def test_a_proxy_holder_finds_the_session_in_their_list(app, world):
    client = as_user(app, world.c)
    assert "Maison de l'ESS" not in text(client.get("/comite/"))
    services.give_proxy(world.session, world.a, world.c)
    assert "Maison de l'ESS" in text(client.get("/comite/"))

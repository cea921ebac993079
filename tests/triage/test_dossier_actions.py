"""The dossier page's actions, each as an animator does it, and what the holder then sees."""

from datetime import UTC, datetime

import pytest

from murporteur.core.db import utcnow
from murporteur.core.lifecycle import apply_transition
from murporteur.directory.seed import seed_structures
from murporteur.extensions import db
from murporteur.triage import services as triage
from murporteur.triage.tasks import remind_calls
from tests.core.test_query_counts import counting
from tests.factories import AnimatorFactory, submitted_dossier
from tests.helpers import link_in, outbox, text

COMPLETE = {"stage": "development", "themes": ["food"], "neighbourhoods": "Mas du Taureau",
            "priority_area": "yes", "legal_form": "scic", "support_kinds": ["premises"],
            "summary": "Un café coopératif.", "opinion": "À présenter."}


@pytest.fixture
def dossier(app):
    return submitted_dossier(title="Café solidaire")


def url(dossier, action=""):
    return f"/instruction/dossiers/{dossier.number}{action}"


def holder_page(app, dossier):
    """The holder's own page, reached through the latest link they were sent."""
    db.session.commit()
    from murporteur.notifications.delivery import deliver

    mails = [m for m in outbox(to=dossier.holder.email) if "/lien/" in str(m.context)]
    deliver(mails[-1].id)
    mails = [m for m in outbox(to=dossier.holder.email) if m.id == mails[-1].id]
    client = app.test_client()
    client.post(link_in(mails[0]))
    return client, text(client.get(f"/mes-dossiers/{dossier.public_id}"))


def test_a_dossier_is_found_by_its_number_with_the_people_its_page_names(animator, dossier):
    triage.assign(dossier, animator, animator)
    number, holder = dossier.number, dossier.holder.email
    db.session.flush()
    db.session.expunge_all()
    found = triage.find_dossier(number)
    with counting() as statements:
        assert (found.holder.email, found.assigned_to.email) == (holder, animator.email)
    assert statements == [] and triage.find_dossier("MP-1999-00001") is None


def test_assign_to_a_colleague_or_oneself(animator_client, animator, dossier):
    colleague = AnimatorFactory(full_name="Nicolas Faure")
    response = animator_client.post(url(dossier, "/attribuer"),
                                    data={"animator": str(colleague.id)})
    assert response.status_code == 302
    page = text(animator_client.get(url(dossier)))
    assert "Dossier confié à Nicolas Faure." in page and "Attribution : Nicolas Faure" in page
    assert triage.is_following(dossier, colleague)
    animator_client.post(url(dossier, "/attribuer"), data={"animator": "me"})
    db.session.expire_all()
    assert dossier.assigned_to_id == animator.id
    bad = animator_client.post(url(dossier, "/attribuer"), data={"animator": "999999"})
    assert bad.status_code == 422 and "Choisissez une personne de l'équipe." in text(bad)


def test_follow_and_unfollow(animator_client, animator, dossier):
    animator_client.post(url(dossier, "/suivre"))
    assert triage.is_following(dossier, animator)
    assert "Ne plus suivre ce dossier" in text(animator_client.get(url(dossier)))
    animator_client.post(url(dossier, "/suivre"))
    assert not triage.is_following(dossier, animator)


def test_followers_hear_of_the_holders_messages(app, animator, dossier):
    follower, bystander = AnimatorFactory(), AnimatorFactory()
    triage.follow(dossier, follower)
    from murporteur.submissions.services import post_message

    post_message(dossier, dossier.holder, "Une question sur le calendrier.")
    recipients = [m.recipient_email for m in outbox("message_for_staff")]
    assert recipients == [follower.email] and bystander.email not in recipients


def test_labels_on_a_dossier(animator_client, dossier):
    triage.ensure_default_labels()
    urgent = next(lb for lb in triage.all_labels() if lb.name == "Urgent")
    animator_client.post(url(dossier, "/etiquettes"), data={"labels": [urgent.id]})
    assert [lb.name for lb in dossier.labels] == ["Urgent"]
    bad = animator_client.post(url(dossier, "/etiquettes"), data={"labels": ["999999"]})
    assert bad.status_code == 422


def test_a_call_is_scheduled_and_the_animator_reminded_that_morning(animator_client, animator,
                                                                   dossier):
    response = animator_client.post(url(dossier, "/appels/planifier"),
                                    data={"day": "2026-12-03", "hour": "14:30"})
    assert response.status_code == 302
    assert "Appel prévu le 3 décembre 2026 à 14:30." in text(animator_client.get(url(dossier)))
    assert remind_calls(datetime(2026, 12, 2, 6, 30, tzinfo=UTC)) == 0
    assert remind_calls(datetime(2026, 12, 3, 6, 30, tzinfo=UTC)) == 1
    assert remind_calls(datetime(2026, 12, 3, 6, 45, tzinfo=UTC)) == 0  # once
    reminder, = outbox("call_reminder")
    assert reminder.recipient_email == animator.email
    assert reminder.context["time"] == "14:30"


def test_the_page_announces_the_soonest_planned_call_until_it_is_made(animator_client,
                                                                     dossier):
    for day in ("2026-12-10", "2026-12-03"):
        animator_client.post(url(dossier, "/appels/planifier"), data={"day": day, "hour": "09:00"})
    page = text(animator_client.get(url(dossier)))
    assert "Appel prévu le 3 décembre 2026 à 09:00." in page and "10 décembre" not in page
    animator_client.post(url(dossier, "/appels"), data={"outcome": "no_answer"})
    assert "Appel prévu le 10 décembre 2026 à 09:00." in text(animator_client.get(url(dossier)))


def test_a_call_needs_a_valid_date_and_time(animator_client, dossier):
    response = animator_client.post(url(dossier, "/appels/planifier"),
                                    data={"day": "demain", "hour": ""})
    assert response.status_code == 422
    assert "Indiquez l'heure de l'appel." in text(response)


def test_the_first_call_that_reaches_the_holder_starts_the_qualification(animator_client,
                                                                         dossier):
    animator_client.post(url(dossier, "/appels"), data={"outcome": "no_answer"})
    db.session.expire_all()
    assert dossier.state == "submitted" and dossier.first_call_at is None
    animator_client.post(url(dossier, "/appels"), data={
        "outcome": "reached", "notes": "Projet bien avancé.", "day": "2026-11-20",
        "hour": "10:00"})
    db.session.expire_all()
    assert dossier.state == "qualifying"
    assert dossier.first_call_at == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    page = text(animator_client.get(url(dossier)))
    assert "Échange réalisé" in page and "Projet bien avancé." in page
    missing = animator_client.post(url(dossier, "/appels"), data={"notes": "?"})
    assert missing.status_code == 422 and "Indiquez le résultat de l'appel." in text(missing)


def test_retaining_needs_a_complete_qualification(app, animator_client, animator, dossier):
    apply_transition(dossier, "start_qualification", animator)
    response = animator_client.post(url(dossier, "/qualification"),
                                    data={"themes": ["food"], "opinion": ""})
    assert "elle reste à compléter" in text(animator_client.get(response.headers["Location"]))
    refused = animator_client.post(url(dossier, "/decision/retain"))
    assert refused.status_code == 422
    assert "La qualification doit être complète pour retenir l'idée." in text(refused)
    animator_client.post(url(dossier, "/qualification"), data=COMPLETE)
    done = animator_client.post(url(dossier, "/decision/retain"))
    assert done.status_code == 302
    db.session.expire_all()
    assert dossier.state == "retained"
    assert dossier.qualification.themes == ["food"]
    mail = outbox("dossier_state_changed")[-1]
    assert mail.context["state_label"] == "Retenu pour un comité"
    _client, page = holder_page(app, dossier)
    assert "Retenu pour un comité" in page


def test_a_qualification_refuses_unknown_choices(animator_client, dossier):
    response = animator_client.post(url(dossier, "/qualification"),
                                    data={"themes": ["astrology"], "stage": "retired"})
    assert response.status_code == 422
    assert "Choisissez parmi les réponses proposées." in text(response)


def test_a_request_for_information_and_the_holders_answer(app, animator_client, animator,
                                                          dossier):
    triage.assign(dossier, animator, animator)
    response = animator_client.post(url(dossier, "/decision/request_info"), data={
        "request_info-comment": "Pouvez-vous nous envoyer votre budget ?"})
    assert response.status_code == 302
    mail, = outbox("dossier_state_changed")
    assert mail.context["comment"] == "Pouvez-vous nous envoyer votre budget ?"
    client, page = holder_page(app, dossier)
    assert "Informations demandées" in page
    assert "Pouvez-vous nous envoyer votre budget ?" in page  # in the thread
    client.post(f"/mes-dossiers/{dossier.public_id}/messages",
                data={"body": "Le voici : 18 000 € la première année."})
    db.session.expire_all()
    assert dossier.state == "qualifying"
    answered, = outbox("info_answered_for_staff")
    assert answered.recipient_email == animator.email
    assert "18 000 €" in answered.text_body
    assert outbox("message_for_staff") == []  # told once, not twice


def test_a_request_for_information_needs_its_question(animator_client, dossier):
    response = animator_client.post(url(dossier, "/decision/request_info"),
                                    data={"request_info-comment": "  "})
    assert response.status_code == 422
    assert "Ce message est obligatoire" in text(response)
    assert outbox("dossier_state_changed") == []


def test_redirecting_sends_the_structures_contacts(app, animator_client, animator, dossier):
    structure = seed_structures()[0]
    refused = animator_client.post(url(dossier, "/decision/redirect"),
                                   data={"redirect-comment": "Voyez avec eux."})
    assert refused.status_code == 422
    assert "Choisissez la structure vers laquelle orienter le porteur." in text(refused)
    response = animator_client.post(url(dossier, "/decision/redirect"), data={
        "redirect-comment": "Ils accompagnent les créations d'activité.",
        "redirect-structure": str(structure.id)})
    assert response.status_code == 302
    mail, = outbox("dossier_redirected")
    db.session.commit()
    from murporteur.notifications.delivery import deliver

    deliver(mail.id)
    mail, = outbox("dossier_redirected")
    assert structure.name in mail.text_body and structure.contact_email in mail.text_body
    assert "Ils accompagnent les créations d'activité." in mail.text_body
    _client, page = holder_page(app, dossier)
    assert "La structure vers laquelle nous vous orientons" in page and structure.name in page


def test_declining_needs_a_motivation_sent_to_the_holder(app, animator_client, dossier):
    refused = animator_client.post(url(dossier, "/decision/decline"), data={})
    assert refused.status_code == 422
    animator_client.post(url(dossier, "/decision/decline"),
                         data={"decline-comment": "Le projet ne concerne pas le parc social."})
    db.session.expire_all()
    assert dossier.state == "declined"
    _client, page = holder_page(app, dossier)
    assert "Non retenu" in page and "Le projet ne concerne pas le parc social." in page


def test_reopening_a_finished_dossier_needs_a_reason(animator_client, animator, dossier):
    triage.decide(dossier, "decline", animator, "Hors champ.")
    refused = animator_client.post(url(dossier, "/decision/reopen"), data={})
    assert refused.status_code == 422
    animator_client.post(url(dossier, "/decision/reopen"),
                         data={"reopen-comment": "Le porteur a précisé son projet."})
    db.session.expire_all()
    assert dossier.state == "qualifying"


def test_a_decision_out_of_turn_is_explained(animator_client, animator, dossier):
    triage.decide(dossier, "decline", animator, "Hors champ.")
    response = animator_client.post(url(dossier, "/decision/retain"))
    assert response.status_code == 422
    assert "Ce n'est plus possible" in text(response)
    assert animator_client.post(url(dossier, "/decision/fly")).status_code == 404


def test_private_notes_stay_with_the_animators(app, animator_client, dossier):
    animator_client.post(url(dossier, "/notes"), data={"body": "Porteur très motivé."})
    assert "Porteur très motivé." in text(animator_client.get(url(dossier)))
    empty = animator_client.post(url(dossier, "/notes"), data={"body": " "})
    assert empty.status_code == 422 and "Écrivez la note avant de l'enregistrer." in text(empty)
    _client, page = holder_page(app, dossier)
    assert "Porteur très motivé." not in page


def test_the_holder_timeline_shows_states_not_internal_steps(app, animator, dossier):
    triage.assign(dossier, animator, animator)
    triage.record_call(dossier, animator, "reached", "notes internes", at=utcnow())
    _client, page = holder_page(app, dossier)
    assert "En cours d'étude" in page
    assert "Attribution" not in page and "notes internes" not in page


def test_decisions_are_offered_by_state(animator_client, dossier):
    page = text(animator_client.get(url(dossier)))
    for label in ("Commencer la qualification", "Demander des informations",
                  "Orienter vers une autre structure", "Ne pas retenir"):
        assert label in page
    assert "Retenir pour un comité" not in page


def test_the_retain_comment_is_mailed_to_the_holder_and_the_form_says_so(
        app, animator_client, animator, dossier):
    # Issue 17, item 11.
    apply_transition(dossier, "start_qualification", animator)
    animator_client.post(url(dossier, "/qualification"), data=COMPLETE)
    page = animator_client.get(url(dossier)).get_data(as_text=True)
    retain_form = page[page.index('id="decision-retain"'):]
    retain_form = retain_form[:retain_form.index("</details>")]
    assert "Ce message est envoyé au porteur par e-mail et apparaît sur sa page." in retain_form
    done = animator_client.post(url(dossier, "/decision/retain"),
                                data={"retain-comment": "Bravo, présentation en mars."})
    assert done.status_code == 302
    db.session.commit()
    from murporteur.notifications.delivery import deliver

    mail = outbox("dossier_state_changed")[-1]
    deliver(mail.id)
    mail = outbox("dossier_state_changed")[-1]
    assert mail.recipient_email == dossier.holder.email
    assert "Bravo, présentation en mars." in mail.text_body

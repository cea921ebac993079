"""Each person chooses, per kind of event open to their role: an e-mail at once, the daily
digest, or nothing (holders: at once or in the digest)."""

import re

import pytest

from murporteur.extensions import db
from murporteur.notifications import services
from murporteur.notifications.models import DeliveryMode, DigestItem
from murporteur.notifications.tasks import send_digests
from murporteur.submissions.services import post_message
from tests.conftest import login
from tests.factories import (
    AdminFactory,
    AnimatorFactory,
    HolderFactory,
    MemberFactory,
    submitted_dossier,
)
from tests.helpers import outbox, text


def test_preferences_are_chosen_on_a_page_and_kept(animator_client, animator):
    page = text(animator_client.get("/compte/notifications"))
    assert "Nouveaux dossiers et retraits" in page and "Un résumé quotidien à 8 h" in page
    response = animator_client.post("/compte/notifications", data={
        "new_dossier": "none", "holder_reply": "digest", "reminders": "immediate",
        "committee_reminders": "digest", "conventions": "none", "crossed": "immediate"})
    assert response.status_code == 302
    assert services.preferences_of(animator) == {
        "new_dossier": DeliveryMode.NONE, "holder_reply": DeliveryMode.DIGEST,
        "reminders": DeliveryMode.IMMEDIATE, "committee_reminders": DeliveryMode.DIGEST,
        "conventions": DeliveryMode.NONE}
    bad = animator_client.post("/compte/notifications", data={
        "new_dossier": "pigeon", "holder_reply": "none"})
    assert bad.status_code == 422
    page = text(bad)
    assert "Choisissez comment être prévenu·e." in page
    # What was chosen before the mistake is still chosen on the page, and nothing was saved.
    assert checked(bad, "holder_reply") == "none"
    assert services.preferences_of(animator)["holder_reply"] == DeliveryMode.DIGEST


def checked(response, name: str) -> str | None:
    """The value of the radio button ``name`` the page shows as chosen."""
    for tag in re.findall(r"<input[^>]*>", response.get_data(as_text=True)):
        if f'name="{name}"' in tag and re.search(r"\bchecked\b", tag):
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


def test_nothing_means_nothing_and_receipts_still_leave(app):
    quiet = AnimatorFactory()
    loud = AnimatorFactory()
    services.set_preferences(quiet, {"new_dossier": DeliveryMode.NONE})
    dossier = submitted_dossier()
    assert [m.recipient_email for m in outbox("dossier_new_for_staff")] == [loud.email]
    assert [m.recipient_email for m in outbox("dossier_receipt")] == [dossier.holder.email]


def test_the_digest_groups_what_was_held_back(app):
    animator = AnimatorFactory()
    services.set_preferences(animator, {"holder_reply": DeliveryMode.DIGEST,
                                        "new_dossier": DeliveryMode.DIGEST})
    first, second = submitted_dossier(title="Café solidaire"), submitted_dossier(
        title="Atelier vélo")
    post_message(first, first.holder, "Une précision sur le local.")
    assert outbox("message_for_staff") == [] and outbox("dossier_new_for_staff") == []
    db.session.commit()
    send_digests.delay()
    digest, = outbox("digest")
    assert digest.recipient_email == animator.email and digest.state.value == "sent"
    assert digest.text_body.count("\n- ") == 3
    assert f"Nouveau dossier {first.number} : Café solidaire" in digest.text_body
    assert f"Nouveau dossier {second.number} : Atelier vélo" in digest.text_body
    assert f"Message du porteur du dossier {first.number}" in digest.text_body
    assert all(item.sent_at for item in db.session.query(DigestItem))
    send_digests.delay()
    assert len(outbox("digest")) == 1  # nothing new, no second digest


def _client_as(client, factory, **kwargs):
    user = factory(password_hash=AnimatorFactory().password_hash, **kwargs)
    login(client, user)
    return user


def test_members_choose_for_committee_reminders_and_conventions(client):
    member = _client_as(client, MemberFactory)
    page = text(client.get("/compte/notifications"))
    assert "Rappels avant les comités" in page and "Suivi des conventions" in page
    assert "Nouveaux dossiers et retraits" not in page  # the animators' kinds only
    assert "Quand une séance est convoquée" in page  # always sent, and said so
    response = client.post("/compte/notifications", data={
        "committee_reminders": "digest", "conventions": "none", "crossed": "immediate",
        "call_answers": "immediate"})
    assert response.status_code == 302
    assert services.preferences_of(member) == {
        "committee_reminders": DeliveryMode.DIGEST, "conventions": DeliveryMode.NONE,
        "crossed": DeliveryMode.IMMEDIATE, "call_answers": DeliveryMode.IMMEDIATE}
    # A kind of another role cannot be slipped in.
    with pytest.raises(ValueError):
        services.set_preferences(member, {"new_dossier": DeliveryMode.NONE})


def test_holders_may_hold_back_the_teams_messages_but_not_switch_them_off(client):
    holder = _client_as(client, HolderFactory)
    page = text(client.get("/compte/notifications"))
    assert "Messages de l'équipe d'animation sur mes dossiers" in page
    assert "Rien" not in page
    refused = client.post("/compte/notifications", data={"team_messages": "none"})
    assert refused.status_code == 422
    assert "Not a valid choice" not in text(refused)
    assert services.preferences_of(holder) == {"team_messages": DeliveryMode.IMMEDIATE}
    assert client.post("/compte/notifications",
                       data={"team_messages": "digest"}).status_code == 302
    dossier = submitted_dossier(holder=holder)
    post_message(dossier, AnimatorFactory(), "Quelle surface vous faut-il ?")
    db.session.commit()
    assert outbox("message_for_holder") == []
    assert [m.key for m in outbox(to=holder.email)] == ["dossier_receipt"]  # always sent
    send_digests.delay()
    digest, = outbox("digest", to=holder.email)
    assert f"Nouveau message sur votre dossier {dossier.number}" in digest.text_body


def test_admins_have_nothing_to_set(client):
    _client_as(client, AdminFactory)
    page = text(client.get("/compte/notifications"))
    assert "il n'y a rien à régler" in page


def test_the_switchable_mails_say_where_to_unsubscribe(app):
    animator = AnimatorFactory()
    submitted_dossier()
    db.session.commit()
    new, = outbox("dossier_new_for_staff", to=animator.email)
    receipt, = outbox("dossier_receipt")
    from murporteur.notifications import mailer

    switchable = mailer.build_message(new, "s", "t", "<p>h</p>")
    essential = mailer.build_message(receipt, "s", "t", "<p>h</p>")
    assert "/compte/notifications" in switchable["List-Unsubscribe"]
    assert essential["List-Unsubscribe"] is None

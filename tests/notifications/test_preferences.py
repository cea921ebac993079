"""Each animator chooses, per kind of event: an e-mail at once, the daily digest, or nothing."""

from murporteur.extensions import db
from murporteur.notifications import services
from murporteur.notifications.models import DeliveryMode, DigestItem
from murporteur.notifications.tasks import send_digests
from murporteur.submissions.services import post_message
from tests.factories import AnimatorFactory, submitted_dossier
from tests.helpers import outbox, text


def test_preferences_are_chosen_on_a_page_and_kept(animator_client, animator):
    page = text(animator_client.get("/compte/notifications"))
    assert "Nouveaux dossiers et retraits" in page and "Un résumé quotidien à 8 h" in page
    response = animator_client.post("/compte/notifications", data={
        "new_dossier": "none", "holder_reply": "digest", "reminders": "immediate"})
    assert response.status_code == 302
    assert services.preferences_of(animator) == {
        "new_dossier": DeliveryMode.NONE, "holder_reply": DeliveryMode.DIGEST,
        "reminders": DeliveryMode.IMMEDIATE}
    bad = animator_client.post("/compte/notifications", data={"new_dossier": "pigeon"})
    assert bad.status_code == 422


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

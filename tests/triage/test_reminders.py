"""A holder who has not answered the team's question for a week is reminded, once."""

from datetime import timedelta

from murporteur.core.db import utcnow
from murporteur.core.lifecycle import apply_transition
from murporteur.extensions import db
from murporteur.notifications.dispatch import commit_and_dispatch
from murporteur.triage.tasks import remind_unanswered_requests
from tests.factories import AnimatorFactory, submitted_dossier
from tests.helpers import outbox


def _asked(days_ago: int, question="Pouvez-vous nous envoyer votre budget ?"):
    dossier = submitted_dossier()
    apply_transition(dossier, "request_info", AnimatorFactory(), question,
                     at=utcnow() - timedelta(days=days_ago))
    db.session.flush()
    return dossier


def test_a_week_old_question_is_recalled_to_its_holder_once(app):
    late, recent = _asked(8), _asked(3)
    assert remind_unanswered_requests() == 1
    commit_and_dispatch()
    reminder, = outbox("answer_reminder")
    assert reminder.recipient_email == late.holder.email
    assert reminder.subject == (
        f"Rappel : votre réponse est attendue sur le dossier {late.number}")
    assert "Pouvez-vous nous envoyer votre budget ?" in reminder.text_body
    assert "/lien/" in reminder.text_body  # a link that opens the dossier to answer
    # The next morning: nothing new to say.
    assert remind_unanswered_requests() == 0
    assert len(outbox("answer_reminder")) == 1
    # A week later, the recent one's turn.
    assert remind_unanswered_requests(utcnow() + timedelta(days=5)) == 1
    assert {m.recipient_email for m in outbox("answer_reminder")} == {
        late.holder.email, recent.holder.email}


def test_an_answered_request_is_not_recalled(app):
    dossier = _asked(10)
    apply_transition(dossier, "answer_info", dossier.holder, "Voici notre budget.")
    assert remind_unanswered_requests() == 0
    assert outbox("answer_reminder") == []

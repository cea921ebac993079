"""``core.loading``: a page's related rows read by statements built once."""

from __future__ import annotations

from sqlalchemy import select

from murporteur.core.loading import PARENT_ID, Related, load_related
from murporteur.extensions import db
from murporteur.submissions.models import Dossier, Message
from murporteur.triage.models import Qualification
from tests.core.test_query_counts import counting
from tests.factories import AnimatorFactory, submitted_dossier

MESSAGES = Related("messages", select(Message).where(Message.dossier_id == PARENT_ID)
                   .order_by(Message.created_at))
QUALIFICATION = Related("qualification", select(Qualification)
                        .where(Qualification.dossier_id == PARENT_ID), many=False)


def _fresh(dossier: Dossier) -> Dossier:
    db.session.flush()
    db.session.expunge_all()
    return db.session.get(Dossier, dossier.id)


def test_each_relationship_is_read_once_in_its_order_and_then_known(app):
    dossier = submitted_dossier()
    animator = AnimatorFactory()
    first = Message(dossier=dossier, author=animator, body="Premier")
    db.session.add(first)
    db.session.flush()
    db.session.add(Message(dossier=dossier, author=animator, body="Second",
                           created_at=first.created_at.replace(year=first.created_at.year + 1)))
    dossier = _fresh(dossier)
    with counting() as statements:
        load_related(dossier, [MESSAGES, QUALIFICATION])
        bodies = [m.body for m in dossier.messages]
        qualification = dossier.qualification
    assert bodies == ["Premier", "Second"] and qualification is None
    assert len(statements) == 2


def test_a_relationship_the_request_has_loaded_or_changed_keeps_what_it_holds(app):
    author = AnimatorFactory()
    dossier = _fresh(submitted_dossier())
    assert dossier.messages == []  # read by the request, which then writes one
    note = Message(author=db.session.get(type(author), author.id), body="Pas encore envoyé")
    dossier.messages.append(note)
    with counting() as statements:
        load_related(dossier, [MESSAGES])
    assert dossier.messages == [note] and statements == []

"""An idea sent runs the same few statements whether the team has 5 or 50 animators: one
bulk insert per table for the fan-out, their preferences read once (issue 16)."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from murporteur.audit import services as audit
from murporteur.audit.models import AuditEntry
from murporteur.extensions import db
from murporteur.notifications import dispatch
from murporteur.notifications.models import (
    DeliveryMode,
    DigestItem,
    InAppNotification,
    NotificationPreference,
    OutboxMessage,
)
from murporteur.submissions.models import Dossier
from tests.factories import AnimatorFactory
from tests.submissions.test_idea_form import answers

LIMIT = 25


@contextmanager
def counting():
    """The statements this thread runs (not the in-process Celery worker's, which delivers
    the mails of an earlier request meanwhile)."""
    statements: list[str] = []
    me = threading.get_ident()

    def count(conn, cursor, statement, *_args):
        if threading.get_ident() == me and not statement.lstrip().upper().startswith(
                ("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
        if os.environ.get("QUERY_COUNTS_DUMP"):
            with open(os.environ["QUERY_COUNTS_DUMP"], "a") as dump:
                dump.write("====\n" + "\n".join(" ".join(s.split())[:150]
                                                  for s in statements) + "\n")


@pytest.fixture(autouse=True)
def _handed_to_the_broker(monkeypatch):
    """As in production, the commit hands the outbox rows to the broker and the request ends:
    the mails are sent by a worker, whose statements are not the request's."""
    handed: list[int] = []
    monkeypatch.setattr(dispatch, "hand_over", handed.append)
    monkeypatch.setattr(dispatch, "hand_over_all", handed.extend)
    monkeypatch.setattr(audit, "_ask_for_chaining", handed.append)
    return handed


def _send(client, k: int) -> int:
    with counting() as statements:
        response = client.post("/deposer", data=answers(email=f"porteur{k}@example.org",
                                                        title=f"Idée {k}"),
                               content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return len(statements)


@pytest.mark.parametrize("animators", [5, 50])
def test_an_idea_sent_runs_at_most_25_statements_whatever_the_team(app, client, animators):
    team = AnimatorFactory.create_batch(animators)
    db.session.commit()
    _send(client, 0)  # warming: caches, first loads
    count = _send(client, 1)
    assert count <= LIMIT
    # And every animator heard of it: a mail and a bell entry each.
    dossier = db.session.scalar(select(Dossier).where(Dossier.title == "Idée 1"))
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.dossier_id == dossier.id,
        OutboxMessage.key == "dossier_new_for_staff")) == animators
    assert db.session.scalar(select(func.count()).select_from(InAppNotification).where(
        InAppNotification.user_id.in_([a.id for a in team]))) == 2 * animators


def test_the_same_statements_with_5_and_50_animators(app, client):
    AnimatorFactory.create_batch(5)
    db.session.commit()
    _send(client, 0)
    few = _send(client, 1)
    AnimatorFactory.create_batch(45)
    db.session.commit()
    many = _send(client, 2)
    assert few == many


def test_each_animators_choice_is_kept_in_the_fan_out(app, client):
    quiet, digest, loud = AnimatorFactory.create_batch(3)
    db.session.add_all([
        NotificationPreference(user_id=quiet.id, kind="new_dossier", mode=DeliveryMode.NONE),
        NotificationPreference(user_id=digest.id, kind="new_dossier",
                               mode=DeliveryMode.DIGEST)])
    db.session.commit()
    _send(client, 0)
    mails = set(db.session.scalars(select(OutboxMessage.recipient_id).where(
        OutboxMessage.key == "dossier_new_for_staff")))
    assert mails == {loud.id}
    assert db.session.scalar(select(func.count()).select_from(DigestItem).where(
        DigestItem.user_id == digest.id)) == 1
    bell = set(db.session.scalars(select(InAppNotification.user_id)))
    assert quiet.id not in bell and {digest.id, loud.id} <= bell


def test_an_idea_sent_takes_no_lock_on_the_audit_trail(app, client):
    """Its entry is written unchained: the chainer links it after the commit."""
    AnimatorFactory()
    db.session.commit()
    with counting() as statements:
        client.post("/deposer", data=answers(), content_type="multipart/form-data")
    assert not [s for s in statements if "advisory" in s or "audit_entry SET" in s]
    assert audit.verify()[1] is None  # chained now, and whole
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.digest.is_(None))) == 0

from datetime import timedelta

from murporteur.core.db import utcnow
from murporteur.extensions import db
from murporteur.notifications import services
from murporteur.notifications.models import OutboxState
from murporteur.notifications.tasks import recover_outbox
from tests.factories import HolderFactory
from tests.helpers import outbox


def _row(user, **fields):
    row = services.queue("login_link", user, {"login_url": "http://x/lien/y", "full_name": ""},
                         idempotency_key=f"recovery:{user.id}")
    for name, value in fields.items():
        setattr(row, name, value)
    return row


def test_rows_the_broker_never_received_are_handed_over_again(app):
    now = utcnow()
    old = _row(HolderFactory(), created_at=now - timedelta(minutes=10))
    fresh = _row(HolderFactory(), created_at=now)
    stuck = _row(HolderFactory(), state=OutboxState.SENDING,
                 sending_since=now - timedelta(hours=2), created_at=now - timedelta(hours=2))
    busy = _row(HolderFactory(), state=OutboxState.SENDING,
                sending_since=now - timedelta(minutes=5), created_at=now - timedelta(hours=2))
    db.session.flush()
    ids = services.recover_outbox(now)
    assert ids == sorted([old.id, stuck.id])
    assert stuck.state == OutboxState.QUEUED
    assert fresh.id not in ids and busy.id not in ids


def test_the_beat_task_sends_what_was_left_behind(app):
    row = _row(HolderFactory(), created_at=utcnow() - timedelta(minutes=10))
    db.session.commit()
    assert recover_outbox.delay().get() == 1
    assert [m.state for m in outbox()] == [OutboxState.SENT]
    assert row.id == outbox()[0].id

"""Write and verify the audit trail.

``record`` is called by the domain functions that do something sensitive (a state change, a
decision, a position, an amount, an export, a look at a holder's personal data). The entry
belongs to the caller's transaction: it is written as that transaction commits, and a rollback
forgets it. It is *chained* afterwards, so that no request waits for another to append: once
the commit is done, ``chain_pending`` (the task ``murporteur.audit.chain``, handed over after
the commit and run every minute by beat) links the entries not chained yet, in id order, each
to the last one chained, under a lock only the chainers take (``pg_advisory_xact_lock`` on
PostgreSQL; SQLite has a single writer). An entry's place in the chain is ``chain_seq``: an
entry whose transaction commits after a later id was chained is appended then.

Each entry's digest is the SHA-256 of the canonical JSON of (previous digest, created_at,
actor, action, subject, snapshot): changing, inserting or deleting an entry in the middle
breaks the chain at that point, which ``verify`` reports (it chains what is still waiting
first). Snapshots keep ids, states, amounts and dates; free texts (comments, motivations) only
as their SHA-256, so that erasing a person's data never has to touch the trail.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import current_app
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from murporteur.audit.models import AuditEntry
from murporteur.core import aftercommit
from murporteur.core.db import utcnow
from murporteur.extensions import db

log = logging.getLogger(__name__)

#: The "previous digest" of the first entry.
GENESIS = "0" * 64
#: The key of the advisory lock that serialises the chainers on PostgreSQL ("mpaudit").
LOCK_KEY = 0x6D7061756469


def canonical(value) -> str:
    """The one JSON spelling of ``value`` that digests are computed over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_json_default)


def _json_default(value):
    if isinstance(value, datetime):
        return _instant(value)
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return sorted(value)
    return str(value)


def _instant(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def text_digest(value: str | None) -> str | None:
    """A free text as the trail keeps it: its SHA-256 (the text itself may be erased)."""
    if not value:
        return None
    return hashlib.sha256(value.encode()).hexdigest()


def compute_digest(entry: AuditEntry) -> str:
    payload = [entry.prev_digest, _instant(entry.created_at),
               {"id": entry.actor_id, "label": entry.actor_label}, entry.action,
               {"type": entry.subject_type, "id": entry.subject_id}, entry.snapshot]
    return hashlib.sha256(canonical(payload).encode()).hexdigest()


def _subject(subject) -> tuple[str, str]:
    if isinstance(subject, tuple):
        kind, ident = subject
        return str(kind), str(ident)
    return subject.__tablename__, str(subject.id)


def actor_label(actor) -> str:
    """A pseudonymous label (role and account id): no personal data in the trail."""
    if actor is None:
        return "system"
    return f"{getattr(actor.role, 'value', actor.role)}#{actor.id}"


def record(actor, action: str, subject, snapshot: dict | None = None, *,
           at: datetime | None = None) -> AuditEntry:
    """Note ``action`` by ``actor`` (a User, or None for the application) on ``subject`` (a
    model instance, or ``(type, id)``), in the current transaction."""
    subject_type, subject_id = _subject(subject)
    entry = AuditEntry(
        created_at=at or utcnow(), actor_id=getattr(actor, "id", None),
        actor_label=actor_label(actor), action=action, subject_type=subject_type,
        subject_id=subject_id,
        # Stored as it was digested: what comes back from the database digests the same.
        snapshot=json.loads(canonical(snapshot or {})))
    session = db.session()
    aftercommit.before_commit(_write, session, entry, session=session)
    return entry


def record_transition(actor, subject, event, **details) -> AuditEntry:
    """Note a lifecycle move (``core.lifecycle``): ``<table>.<transition>``, the states and
    the comment's digest, at the instant of the history row ``event``."""
    return record(actor, f"{subject.__tablename__}.{event.transition}", subject, {
        **details, "event_id": event.id, "from": event.from_state, "to": event.to_state,
        "comment_sha256": text_digest(event.comment)}, at=event.created_at)


def _write(session: Session, entry: AuditEntry) -> None:
    """Add ``entry`` as its transaction commits (unchained: no lock, no waiting for others),
    and have the chainer called once that commit is done."""
    session.add(entry)
    if not session.info.get(_CHAIN_ASKED):
        session.info[_CHAIN_ASKED] = True
        aftercommit.after_commit(_ask_for_chaining, session, session=session)


_CHAIN_ASKED = "murporteur.audit.chain_asked"


def _ask_for_chaining(session: Session) -> None:
    session.info.pop(_CHAIN_ASKED, None)
    from murporteur.audit.tasks import chain

    task = current_app.extensions["celery"].tasks[chain.name]
    try:
        task.delay()
    except Exception as exc:  # broker unreachable: beat's run chains them later
        log.warning("audit entries wait for the chainer, broker unavailable: %s", exc)


def _lock(session: Session) -> None:
    """Hold the right to chain until the commit (only the chainers wait for it)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    elif dialect == "sqlite":
        # A write statement takes SQLite's single write lock now (a deferred transaction
        # that only read so far would take it at the update, after reading a stale digest).
        session.execute(text("UPDATE audit_entry SET id = id WHERE 0"))


def chain_pending(session: Session | None = None) -> int:
    """Link the committed entries not chained yet, in id order, after the last chained one.
    Flushes, never commits (the task and the command commit). Returns how many."""
    session = session or db.session()
    session.info.pop(_CHAIN_ASKED, None)
    _lock(session)
    last = session.execute(select(AuditEntry.chain_seq, AuditEntry.digest)
                           .where(AuditEntry.chain_seq.is_not(None))
                           .order_by(AuditEntry.chain_seq.desc()).limit(1)).first()
    seq, previous = (last[0], last[1]) if last else (0, GENESIS)
    count = 0
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.chain_seq.is_(None))
                                 .order_by(AuditEntry.id)):
        seq += 1
        entry.chain_seq, entry.prev_digest = seq, previous
        entry.digest = previous = compute_digest(entry)
        count += 1
    session.flush()
    return count


@dataclass
class Break:
    entry_id: int
    reason: str


def _entries() -> Iterator[AuditEntry]:
    yield from db.session.scalars(select(AuditEntry).order_by(
        AuditEntry.chain_seq.is_(None), AuditEntry.chain_seq, AuditEntry.id)
        .execution_options(yield_per=500))


def verify() -> tuple[int, Break | None]:
    """Chain what is still waiting, then walk the chain from the start: how many entries
    hold, and the first that does not."""
    chain_pending()
    previous = GENESIS
    count = 0
    for entry in _entries():
        if entry.prev_digest != previous:
            return count, Break(entry.id, "the entry before it was changed or deleted "
                                          "(prev_digest does not match)")
        if compute_digest(entry) != entry.digest:
            return count, Break(entry.id, "its content was changed (digest does not match)")
        previous = entry.digest
        count += 1
    return count, None

"""Two people at once, with two real transactions on PostgreSQL: a double-clicked submit
makes one dossier; two members saving one position are never silently overwritten; the
audit trail stays one chain."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime
from types import SimpleNamespace

from sqlalchemy import func, select, text

from murporteur.audit import services as audit
from murporteur.audit.models import AuditEntry
from murporteur.committee import services as committee
from murporteur.committee.models import Position, PositionChange, Stance
from murporteur.extensions import db
from murporteur.submissions.models import Dossier
from tests.conftest import login
from tests.factories import (
    PASSWORD,
    AnimatorFactory,
    MemberFactory,
    OrganisationFactory,
    submitted_dossier,
)
from tests.reliability.conftest import run_in
from tests.submissions.test_idea_form import answers

START = datetime(2026, 12, 10, 13, 0, tzinfo=UTC)


def _wait_until_someone_waits_on_a_lock(app, timeout=10.0) -> bool:
    """True once another connection of this database is blocked on a lock."""
    deadline = time.monotonic() + timeout
    with app.app_context():
        while time.monotonic() < deadline:
            waiting = db.session.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"))
            db.session.rollback()
            if waiting:
                db.session.remove()
                return True
            time.sleep(0.05)
        db.session.remove()
    return False


def test_a_double_clicked_submit_creates_one_dossier(scratch_app):
    first = scratch_app.test_client()
    page = first.get("/deposer").get_data(as_text=True)
    key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', page).group(1)
    second = scratch_app.test_client()
    second.set_cookie("session", first.get_cookie("session").value)
    data = answers(email="double@example.org", submission_key=key,
                   csrf_token=first.csrf_token())
    barrier = threading.Barrier(2)
    responses = {}

    def click(name, client):
        barrier.wait()
        responses[name] = client.post("/deposer", data=dict(data), csrf=False)

    threads = [threading.Thread(target=click, args=(n, c))
               for n, c in (("first", first), ("second", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert {r.status_code for r in responses.values()} == {302}
    locations = {r.headers["Location"] for r in responses.values()}
    assert len(locations) == 1 and locations.pop().endswith("/merci")
    with scratch_app.app_context():
        dossiers = db.session.scalars(select(Dossier).where(
            Dossier.submission_key == key)).all()
        assert len(dossiers) == 1 and dossiers[0].number is not None
        assert [e.transition for e in dossiers[0].events] == ["submit"]
        db.session.remove()


def _one_item_and_two_members(app, *, first_position: bool = True):
    def build():
        animator = AnimatorFactory()
        organisation = OrganisationFactory()
        session = committee.create_session(animator, starts_at=START, place="Lyon",
                                           organisations=[organisation])
        dossier = submitted_dossier()
        dossier.state = "retained"
        item = committee.add_item(session, dossier, animator)
        committee.convene(session, animator)
        first, second = MemberFactory(organisation=organisation), \
            MemberFactory(organisation=organisation)
        if first_position:
            committee.record_position(item, first, stance=Stance.WANTS_TO_MEET, offer_kinds=[],
                                      amount_cents=None, comment="", expected_version=None)
        return (session.id, item.id, organisation.id, first.id,
                SimpleNamespace(email=second.email))

    session_id, item_id, organisation_id, first_id, second = run_in(app, build)
    return session_id, item_id, organisation_id, first_id, second


def _race(app, session_id, item_id, organisation_id, first_id, client, *,
          version: int | None):
    """The first member saves from ``version`` and holds their transaction open; the second
    member's form (same version) is posted meanwhile, and really waits on the first's lock
    before the first commits. Returns the second member's answer."""
    first_saved = threading.Event()
    release = threading.Event()
    outcome = {}

    def first_member_saves():
        from murporteur.accounts.models import User
        from murporteur.committee.models import AgendaItem

        with app.app_context():
            item = db.session.get(AgendaItem, item_id)
            committee.record_position(item, db.session.get(User, first_id),
                                      stance=Stance.SUPPORTS, offer_kinds=["financing"],
                                      amount_cents=500000, comment="Nous finançons.",
                                      expected_version=version)
            first_saved.set()
            release.wait(30)
            db.session.commit()
            db.session.remove()

    def second_member_saves():
        stamp = "" if version is None else str(version)
        outcome["response"] = client.post(
            f"/comite/seances/{session_id}/points/{item_id}",
            data={"organisation": str(organisation_id), "stance": "not_concerned",
                  "amount": "", "comment": "Pas pour nous.", "version": stamp,
                  "version_for": str(organisation_id) if stamp else ""})

    first = threading.Thread(target=first_member_saves)
    first.start()
    assert first_saved.wait(30)
    second = threading.Thread(target=second_member_saves)
    second.start()
    # The second transaction runs at the same time: it waits on the first's row lock (an
    # update) or on its entry in the unique index (a first position).
    assert _wait_until_someone_waits_on_a_lock(app)
    release.set()
    first.join(30)
    second.join(30)
    return outcome["response"]


def test_two_members_saving_one_position_at_once_the_second_gets_a_conflict(scratch_app):
    session_id, item_id, organisation_id, first_id, second = \
        _one_item_and_two_members(scratch_app)
    client = scratch_app.test_client()
    login(client, second, PASSWORD)
    form = client.get(f"/comite/seances/{session_id}/points/{item_id}").get_data(as_text=True)
    assert re.search(r'name="version"[^>]*value="1"', form)
    response = _race(scratch_app, session_id, item_id, organisation_id, first_id, client,
                     version=1)
    assert response.status_code == 409
    assert "pendant que vous la saisissiez" in response.get_data(as_text=True)
    assert "Pas pour nous." in response.get_data(as_text=True)  # what they typed is kept
    with scratch_app.app_context():
        position = db.session.scalar(select(Position).where(Position.item_id == item_id))
        assert position.stance == Stance.SUPPORTS and position.version == 2
        changes = db.session.scalar(select(func.count()).select_from(PositionChange)
                                    .where(PositionChange.position_id == position.id))
        assert changes == 2  # the first member's two saves; nothing of the refused one
        db.session.remove()


def test_two_members_saving_the_first_position_at_once_the_second_gets_a_conflict(
        scratch_app):
    session_id, item_id, organisation_id, first_id, second = \
        _one_item_and_two_members(scratch_app, first_position=False)
    client = scratch_app.test_client()
    login(client, second, PASSWORD)
    form = client.get(f"/comite/seances/{session_id}/points/{item_id}").get_data(as_text=True)
    assert re.search(r'name="version"[^>]*value=""', form)
    response = _race(scratch_app, session_id, item_id, organisation_id, first_id, client,
                     version=None)
    page = response.get_data(as_text=True)
    assert response.status_code == 409, page[:2000]
    assert "pendant que vous la saisissiez" in page
    assert "Nous finançons." in page and "Pas pour nous." in page  # both versions
    with scratch_app.app_context():
        saved = db.session.scalars(select(Position).where(Position.item_id == item_id)).all()
        assert [(p.stance, p.version) for p in saved] == [(Stance.SUPPORTS, 1)]
        db.session.remove()


def test_transactions_committing_at_once_make_one_unbroken_audit_chain(scratch_app):
    barrier = threading.Barrier(4)
    errors = []

    def writer(n):
        try:
            with scratch_app.app_context():
                barrier.wait()
                for i in range(5):
                    audit.record(None, "test.concurrent", ("export", f"{n}-{i}"), {"i": i})
                    db.session.commit()
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with scratch_app.app_context():
        count, broken = audit.verify()
        assert broken is None
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "test.concurrent")) == 20
        digests = db.session.scalars(select(AuditEntry.prev_digest)).all()
        assert len(digests) == len(set(digests)) == count  # no two entries share a parent
        db.session.remove()

"""Work held on the transaction: after-commit work runs once the commit is done, once; a
rollback (of the transaction or of a savepoint) forgets what it undoes."""

from __future__ import annotations

from sqlalchemy import select

from murporteur.accounts.models import User
from murporteur.core import aftercommit
from murporteur.extensions import db
from tests.factories import HolderFactory


def _recorder():
    calls = []
    return calls, lambda *args: calls.append(args)


def test_after_commit_work_runs_after_the_commit_once(app):
    calls, note = _recorder()
    aftercommit.after_commit(note, "outbox", 1)
    assert aftercommit.run_committed() == 0 and calls == []  # not committed yet
    db.session.commit()
    assert aftercommit.run_committed() == 1
    assert calls == [("outbox", 1)]
    assert aftercommit.run_committed() == 0
    db.session.commit()  # a later commit does not bring it back
    aftercommit.run_committed()
    assert calls == [("outbox", 1)]


def test_a_rollback_forgets_the_work(app):
    calls, note = _recorder()
    aftercommit.after_commit(note, "forgotten")
    db.session.rollback()
    db.session.commit()
    aftercommit.run_committed()
    assert calls == []


def test_commit_commits_then_runs_in_queue_order(app):
    calls, note = _recorder()
    holder = HolderFactory()
    aftercommit.after_commit(note, "first")
    aftercommit.after_commit(note, "second")
    aftercommit.commit()
    assert calls == [("first",), ("second",)]
    db.session.rollback()  # the holder was committed before the work ran
    assert db.session.get(User, holder.id) is not None


def test_work_queued_by_work_runs_after_its_own_commit(app):
    calls, note = _recorder()

    def task():  # as a task run in-process does: write, commit, queue more
        aftercommit.after_commit(note, "follow-up")
        aftercommit.commit()

    aftercommit.after_commit(task)
    aftercommit.commit()
    assert calls == [("follow-up",)]


def test_a_failing_call_does_not_stop_the_others(app, caplog):
    calls, note = _recorder()
    aftercommit.after_commit(lambda: 1 / 0)
    aftercommit.after_commit(note, "still done")
    aftercommit.commit()
    assert calls == [("still done",)]
    assert "after-commit work" in caplog.text


def test_a_rolled_back_savepoint_forgets_only_its_own_work(app):
    calls, note = _recorder()
    aftercommit.after_commit(note, "before the savepoint")
    savepoint = db.session.begin_nested()
    aftercommit.after_commit(note, "inside")
    inner = db.session.begin_nested()
    aftercommit.after_commit(note, "deeper")
    inner.commit()
    savepoint.rollback()
    aftercommit.after_commit(note, "after the savepoint")
    aftercommit.commit()
    assert calls == [("before the savepoint",), ("after the savepoint",)]


def test_a_released_savepoint_waits_for_the_real_commit(app):
    calls, note = _recorder()
    with db.session.begin_nested():
        aftercommit.after_commit(note, "inside")
    aftercommit.run_committed()
    assert calls == []  # releasing a savepoint commits nothing
    aftercommit.commit()
    assert calls == [("inside",)]
    aftercommit.after_commit(note, "then rolled back")
    with db.session.begin_nested():
        aftercommit.after_commit(note, "released, then rolled back with the transaction")
    db.session.rollback()
    aftercommit.commit()
    assert calls == [("inside",)]


def test_before_commit_work_writes_inside_the_committing_transaction(app):
    holder = HolderFactory(full_name="Amina Diallo")
    db.session.commit()

    def rename(user_id, name):
        db.session.get(User, user_id).full_name = name
        db.session.flush()

    aftercommit.before_commit(rename, holder.id, "Amina D.")
    assert holder.full_name == "Amina Diallo"  # not before the commit
    db.session.commit()
    assert db.session.scalar(select(User.full_name).where(User.id == holder.id)) == "Amina D."
    aftercommit.before_commit(rename, holder.id, "Never")
    db.session.rollback()
    db.session.commit()
    assert db.session.scalar(select(User.full_name).where(User.id == holder.id)) == "Amina D."


def test_the_end_of_a_request_runs_the_work_its_view_committed(app):
    calls, note = _recorder()
    with app.test_request_context("/"):
        aftercommit.after_commit(note, "from the view")
        db.session.commit()
        assert calls == []  # not inside the view: after it
        app.process_response(app.response_class("ok"))
    assert calls == [("from the view",)]


def test_work_queued_together_is_one_call_with_what_was_committed(app):
    calls, note = _recorder()
    gathered, gather = _recorder()
    aftercommit.after_commit_together(gather, 1)
    aftercommit.after_commit(note, "alone")
    savepoint = db.session.begin_nested()
    aftercommit.after_commit_together(gather, 2)
    savepoint.rollback()  # its row was never written: not handed over
    aftercommit.after_commit_together(gather, 3)
    assert aftercommit.run_committed() == 0 and gathered == []  # not committed yet
    aftercommit.commit()
    assert gathered == [([1, 3],)] and calls == [("alone",)]
    aftercommit.commit()  # nothing brought back by a later commit
    assert gathered == [([1, 3],)]

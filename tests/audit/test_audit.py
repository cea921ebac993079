"""The audit trail: a chain that verifies, that reveals tampering, and one entry per
sensitive operation (written in the operation's own transaction)."""

from datetime import date

from sqlalchemy import delete, func, select, update

from murporteur.audit import services as audit
from murporteur.audit.cli import audit_cli
from murporteur.audit.models import AuditEntry
from murporteur.conventions import services as conventions
from murporteur.core.lifecycle import apply_transition
from murporteur.extensions import db
from murporteur.submissions.services import withdraw_dossier
from murporteur.triage.services import decide
from tests.conventions.test_services import supported_project
from tests.factories import submitted_dossier


def entries(action: str | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def run_verify(app):
    return app.test_cli_runner().invoke(audit_cli, ["verify"])


def test_entries_are_chained_when_the_transaction_commits_and_the_chain_verifies(app, animator):
    dossier = submitted_dossier()
    audit.record(animator, "test.one", dossier, {"amount_cents": 1200})
    audit.record(None, "test.two", ("export", "x"), {"when": date(2026, 1, 2)})
    assert entries("test.one") == []  # not before the commit
    db.session.commit()
    assert entries("test.one")[0].digest is None  # chained after the commit, by the task
    assert audit.chain_pending() == 3  # the submission of the dossier, and these two
    db.session.commit()
    one, two = entries("test.one")[0], entries("test.two")[0]
    assert two.prev_digest == one.digest
    assert one.actor_label == f"animator#{animator.id}" and two.actor_label == "system"
    assert two.snapshot == {"when": "2026-01-02"}
    count, broken = audit.verify()
    assert broken is None and count == len(entries())
    result = run_verify(app)
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def test_a_rolled_back_operation_leaves_no_entry(app, animator):
    audit.record(animator, "test.rolled_back", ("export", "x"))
    db.session.rollback()
    db.session.commit()
    assert entries("test.rolled_back") == []


def test_an_entry_of_a_rolled_back_savepoint_is_forgotten_the_others_chained(app, animator):
    audit.record(animator, "test.kept", ("export", "x"))
    with db.session.begin_nested() as savepoint:
        audit.record(animator, "test.undone", ("export", "x"))
        savepoint.rollback()
    db.session.commit()
    assert entries("test.undone") == []
    assert len(entries("test.kept")) == 1
    assert audit.verify()[1] is None


def _three_entries(animator):
    for n in range(3):
        audit.record(animator, f"test.chain{n}", ("export", "x"), {"n": n})
    db.session.commit()
    audit.chain_pending()  # what the task does right after the commit
    db.session.commit()
    return [entries(f"test.chain{n}")[0] for n in range(3)]


def test_a_changed_snapshot_is_detected_and_named(app, animator):
    first, second, _third = _three_entries(animator)
    db.session.execute(update(AuditEntry).where(AuditEntry.id == second.id)
                       .values(snapshot={"n": 99}))
    db.session.commit()
    count, broken = audit.verify()
    assert broken.entry_id == second.id and "changed" in broken.reason
    result = run_verify(app)
    assert result.exit_code == 1
    assert f"BROKEN at entry {second.id}" in result.output


def test_a_deleted_entry_is_detected_at_the_next_one(app, animator):
    first, second, third = _three_entries(animator)
    db.session.execute(delete(AuditEntry).where(AuditEntry.id == second.id))
    db.session.commit()
    _count, broken = audit.verify()
    assert broken.entry_id == third.id
    assert run_verify(app).exit_code == 1


def test_a_changed_actor_or_date_is_detected(app, animator):
    first, _second, _third = _three_entries(animator)
    db.session.execute(update(AuditEntry).where(AuditEntry.id == first.id)
                       .values(actor_label="admin#1"))
    db.session.commit()
    assert audit.verify()[1].entry_id == first.id


# --- One entry per sensitive operation ------------------------------------------------------

def _count(action: str) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == action))


def test_each_dossier_transition_writes_one_entry(app, animator):
    dossier = submitted_dossier()
    assert _count("dossier.submit") == 1
    decide(dossier, "decline", animator, "Hors du champ du collectif.")
    assert _count("dossier.decline") == 1
    entry = entries("dossier.decline")[0]
    assert entry.subject_type == "dossier" and entry.subject_id == str(dossier.id)
    assert entry.snapshot["from"] == "submitted" and entry.snapshot["to"] == "declined"
    # The motivation is kept only as its digest: erasing it later leaves the chain intact.
    assert "Hors du champ" not in str(entry.snapshot)
    assert entry.snapshot["comment_sha256"] == audit.text_digest("Hors du champ du collectif.")
    other = submitted_dossier()
    withdraw_dossier(other, other.holder, "")
    assert _count("dossier.withdraw") == 1


def test_positions_decisions_conventions_and_payments_each_write_one_entry(app, animator):
    dossier, organisations, members = supported_project(animator)
    assert _count("position.record") == 3
    assert _count("committee.record_decision") == 1
    assert _count("committee_session.hold") == 1  # the core lifecycle
    assert _count("dossier.support") == 1
    created = conventions.create_conventions(dossier, animator)
    assert _count("convention.create") == 1
    convention = next(c for c in created if c.committed_cents == 800000)
    conventions.update_convention(convention, animator, committed_cents=900000)
    assert _count("convention.update") == 1
    assert entries("convention.update")[0].snapshot["committed_cents"] == {
        "old": 800000, "new": 900000}
    payment = conventions.schedule_payment(convention, animator, date(2027, 1, 15), 300000)
    assert _count("payment.schedule") == 1
    apply_transition(convention, "send_for_signature", animator)
    apply_transition(convention, "sign", members[convention.organisation.name])
    assert _count("convention.send_for_signature") == 1
    assert _count("convention.sign") == 1
    conventions.amend(convention, animator, field="committed", new_cents=950000,
                      reason="Avenant n°1")
    assert _count("convention.amend") == 1
    conventions.mark_paid(payment, animator, date(2027, 1, 16), 300000)
    assert _count("payment.mark_paid") == 1
    extra = conventions.schedule_payment(convention, animator, date(2027, 6, 1), 100000)
    conventions.remove_payment(extra, animator)
    assert _count("payment.remove") == 1


def test_exports_and_staff_views_of_a_dossier_write_one_entry_each(app, animator_client,
                                                                   animator):
    dossier = submitted_dossier()
    assert animator_client.get(f"/instruction/dossiers/{dossier.number}").status_code == 200
    assert _count("dossier.view") == 1
    entry = entries("dossier.view")[0]
    assert entry.actor_id == animator.id and entry.subject_id == str(dossier.id)
    assert animator_client.get("/instruction/export.csv").status_code == 200
    assert _count("export.dossiers") == 1
    assert animator_client.get("/rapports/conventions.csv?year=2026").status_code == 200
    assert _count("export.conventions") == 1
    assert animator_client.get("/rapports/versements.csv?year=2026").status_code == 200
    assert _count("export.versements") == 1
    assert animator_client.post("/rapports/rapport-2026").status_code == 303
    assert _count("export.yearly_report") == 1
    assert audit.verify()[1] is None

"""`flask seed-demo` fills an empty database with a collective an animator recognises."""

from sqlalchemy import func, select

from murporteur.accounts.models import Organisation, Role, User
from murporteur.accounts.services import authenticate
from murporteur.extensions import db
from murporteur.submissions.models import Dossier


def test_seed_demo_creates_the_collective_and_thirty_dossiers(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "admin@murporteur.example" in result.output
    assert "camille.animatrice@cress.example" in result.output
    names = set(db.session.scalars(select(Organisation.name)))
    assert {"Lyon Métropole Habitat", "Vilogia", "Banque des Territoires",
            "CRESS Auvergne-Rhône-Alpes"} <= names and len(names) == 9
    roles = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    # one member per landlord or partner, and a colleague a signature was delegated to
    assert roles[Role.ADMIN] == 1 and roles[Role.ANIMATOR] == 2 and roles[Role.MEMBER] == 9
    states = dict(db.session.execute(
        select(Dossier.state, func.count()).group_by(Dossier.state)).all())
    assert sum(states.values()) >= 30
    assert {"draft", "submitted", "qualifying", "needs_info", "retained", "on_agenda",
            "supported", "conventioned", "closed", "redirected", "declined",
            "withdrawn"} <= set(states)
    camille = authenticate("camille.animatrice@cress.example", "murporteur-demo")
    # The staff's second factor is the demo's public secret, printed with the password.
    from murporteur.demo.seed import DEMO_TOTP_SECRET

    assert camille.has_second_factor and camille.totp_secret == DEMO_TOTP_SECRET
    assert DEMO_TOTP_SECRET in result.output
    with_documents = [d for d in db.session.scalars(select(Dossier)) if d.documents]
    assert len(with_documents) >= 15
    assert with_documents[0].documents[0].content_type == "application/pdf"
    # Every submitted dossier has the history the workflow wrote.
    for dossier in db.session.scalars(select(Dossier).where(Dossier.state != "draft")):
        assert dossier.events[0].transition == "submit"
        assert dossier.events[-1].to_state == dossier.state


def test_seed_demo_refuses_a_database_with_data_unless_asked_to_skip(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code != 0 and "already has users" in again.output
    skipped = runner.invoke(args=["seed-demo", "--if-empty"])
    assert skipped.exit_code == 0 and "not seeded again" in skipped.output


def test_the_demo_makes_every_dashboard_tab_non_empty(app):
    from murporteur.triage.dashboard import TABS, Filters
    from murporteur.triage.tab_counts import tab_counts

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    camille = db.session.scalar(select(User).where(
        User.email == "camille.animatrice@cress.example"))
    counts = tab_counts(Filters(), camille)
    assert all(counts[tab] > 0 for tab in TABS), counts
    redirected = db.session.scalars(select(Dossier).where(Dossier.state == "redirected")).all()
    assert redirected and all(d.redirect_structure_id for d in redirected)
    retained = db.session.scalars(select(Dossier).where(Dossier.state == "retained")).all()
    assert all(d.qualification is not None and d.qualification.themes for d in retained)


def test_the_demo_has_a_published_committee_and_a_convened_one(app):
    from murporteur.committee.minutes import minutes_path
    from murporteur.committee.models import CommitteeSession

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    sessions = db.session.scalars(select(CommitteeSession).order_by(
        CommitteeSession.starts_at)).all()
    assert [s.state for s in sessions] == ["minutes_published", "convened"]
    past, upcoming = sessions
    assert len(past.items) >= 4 and minutes_path(past).exists()
    assert {i.dossier.state for i in past.items} >= {"supported", "retained", "not_supported"}
    assert all(i.dossier.state == "on_agenda" for i in upcoming.items)
    assert any(i.positions for i in upcoming.items)


def test_the_demo_has_signed_conventions_with_payments(app):
    from murporteur.conventions.models import Convention

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    conventions = db.session.scalars(select(Convention)).all()
    # (issue 18 adds conventions in the application's signature, at every stage)
    signed = [c for c in conventions if c.state not in ("draft", "sent_for_signature")]
    assert signed and all(c.signed_at for c in signed)
    assert sum(c.paid_cents for c in conventions) > 0
    states = {c.dossier.state for c in conventions}
    assert {"conventioned", "closed"} <= states <= {"conventioned", "closed", "supported"}


def test_the_demo_has_a_held_flash_event_with_follow_ups_and_an_upcoming_one(app):
    from murporteur.meetings.follow_ups import qualified_exchanges
    from murporteur.meetings.models import FlashEvent
    from murporteur.meetings.scheduler import Meeting, violations
    from murporteur.meetings.services import instance_of

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    past, upcoming = db.session.scalars(select(FlashEvent).order_by(FlashEvent.starts_at)).all()
    assert past.state == "held" and len(past.meetings) >= 5
    assert qualified_exchanges(past)["qualified"] >= 3
    assert violations(instance_of(past), [
        Meeting(m.holder_id, m.representative_id, m.slot, m.table_number)
        for m in past.meetings]) == []
    assert upcoming.state == "preparing" and upcoming.registration_open
    assert upcoming.meetings == [] and any(p.wishes for p in upcoming.participants)


def test_the_demo_has_conventions_signed_in_the_app_at_every_stage(app):
    from murporteur.conventions import seal
    from murporteur.conventions.models import Convention
    from murporteur.conventions.signing_models import ConventionDocument

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    documents = db.session.scalars(select(ConventionDocument)).all()
    sealed = [d for d in documents if d.sealed_at]
    assert sealed and len(sealed[0].conventions) >= 2  # jointly supported, one document
    assert seal.verify(sealed[0].sealed_pdf).valid
    pending = [d for d in documents if d.is_open]
    assert pending and {s.state for s in pending[0].signatures} == {"pending"}
    cancelled = [d for d in documents if d.cancelled_at]
    assert cancelled and {s.state for s in cancelled[0].signatures} == {"signed", "cancelled"}
    assert db.session.scalar(select(Convention).where(
        Convention.state == "sent_for_signature"))
    # One pending signature was delegated by its organisation's signatory to a colleague.
    delegated = [s for s in pending[0].signatures if s.delegation]
    assert delegated and delegated[0].signer.organisation_id == delegated[0].organisation_id
    # Every organisation has its authorised signatory.
    from murporteur.accounts.signatories import current_signatory

    assert all(current_signatory(o.id) for o in db.session.scalars(select(Organisation)))
    # A draft whose document is generated on demand, not frozen yet.
    from murporteur.conventions.documents import document_pdf

    drafts = db.session.scalars(select(Convention).where(Convention.state == "draft")).all()
    assert drafts and not any(c.documents for c in drafts)
    assert document_pdf([c for c in drafts if c.dossier_id == drafts[0].dossier_id]) \
        .startswith(b"%PDF")


def test_the_demo_has_reports_submitted_and_one_overdue(app):
    from murporteur.conventions import followup
    from murporteur.conventions.models import PaymentRequest, ReportingDate
    from murporteur.core.timeutil import paris_today

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    dates = db.session.scalars(select(ReportingDate)).all()
    statuses = [followup.report_status(d, paris_today()) for d in dates]
    assert statuses.count("submitted") >= 2
    assert "overdue" in statuses and "upcoming" in statuses
    followed = dates[0].convention
    assert followed.indicators and followed.state in ("signed", "active")
    assert db.session.scalar(select(PaymentRequest)).state == "requested"
    first, second = [d.report for d in dates if d.report]
    assert first.acknowledged_at and second.acknowledged_at is None  # locked; correctable

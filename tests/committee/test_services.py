"""The committee's rules, without a request: agenda, positions, visibility, decisions, minutes."""

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from murporteur.committee import services
from murporteur.committee.minutes import minutes_path, publish_minutes
from murporteur.committee.models import AttendanceStatus, Decision, PositionChange, Stance
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.core.lifecycle import TransitionRefused, apply_transition
from murporteur.extensions import db
from murporteur.submissions.policies import may_view_dossier
from tests.factories import (
    AnimatorFactory,
    HolderFactory,
    MemberFactory,
    OrganisationFactory,
    submitted_dossier,
)

START = datetime(2026, 12, 10, 13, 0, tzinfo=UTC)  # 14:00 in Paris


@pytest.fixture
def world(app):
    animator = AnimatorFactory()
    org_a, org_b, outsider = (OrganisationFactory(name="Lyon Métropole Habitat"),
                              OrganisationFactory(name="Vilogia"),
                              OrganisationFactory(name="Bailleur non invité"))
    session = services.create_session(animator, starts_at=START, place="Maison de l'ESS",
                                      organisations=[org_a, org_b])
    dossiers = []
    for title in ("Café solidaire", "Atelier vélo", "Repair café", "Recyclerie"):
        dossier = submitted_dossier(title=title)
        dossier.state = "retained"
        services.add_item(session, dossier, animator)
        dossiers.append(dossier)
    return {"animator": animator, "a": MemberFactory(organisation=org_a),
            "a2": MemberFactory(organisation=org_a), "b": MemberFactory(organisation=org_b),
            "outsider": MemberFactory(organisation=outsider), "session": session,
            "dossiers": dossiers, "org_a": org_a, "org_b": org_b}


def test_a_session_is_dated_in_its_quarter_and_invites_every_active_organisation(app):
    OrganisationFactory(name="Dynacité")
    OrganisationFactory(name="Ancien bailleur", active=False)
    session = services.create_session(AnimatorFactory(), starts_at=START, video_link="https://v")
    assert session.quarter == "2026-Q4"
    assert [o.name for o in session.organisations] == ["Dynacité"]
    assert services.quarter_of(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == "2026-Q2"


def test_a_session_needs_a_place_or_a_link(app):
    with pytest.raises(DomainError, match="lieu"):
        services.create_session(AnimatorFactory(), starts_at=START)


def test_slots_follow_the_agenda_order(world):
    session = world["session"]
    slots = [session.slot_of(i) for i in session.items]
    assert [(s.hour, s.minute) for s, _e in slots] == [(13, 0), (13, 20), (13, 40), (14, 0)]
    services.move_item(session.items[3], -1, world["animator"])
    assert [i.dossier.title for i in session.items] == ["Café solidaire", "Atelier vélo",
                                                        "Recyclerie", "Repair café"]


def test_a_dossier_is_on_one_open_agenda_at_most(world):
    other = services.create_session(world["animator"], starts_at=START, place="Ailleurs")
    with pytest.raises(DomainError, match="déjà à l'ordre du jour"):
        services.add_item(other, world["dossiers"][0], world["animator"])
    with pytest.raises(DomainError, match="Seul un dossier retenu"):
        services.add_item(other, submitted_dossier(), world["animator"])


def test_removing_an_item_sends_the_dossier_back_to_retained(world):
    item = world["session"].items[1]
    dossier = item.dossier
    services.remove_item(item, world["animator"])
    assert dossier.state == "retained" and len(world["session"].items) == 3
    assert dossier.events[-1].transition == "remove_from_agenda"


def test_members_see_only_their_sessions_and_the_dossiers_on_them(world):
    session, dossier = world["session"], world["dossiers"][0]
    assert services.sessions_for(world["a"]) == [session]
    assert services.sessions_for(world["outsider"]) == []
    assert may_view_dossier(world["a"], dossier) and may_view_dossier(world["b"], dossier)
    assert not may_view_dossier(world["outsider"], dossier)
    assert not may_view_dossier(world["a"], submitted_dossier())  # on no agenda
    assert not services.may_view_session(HolderFactory(), session)


def test_a_position_is_recorded_with_its_history(world):
    item = world["session"].items[0]
    position = services.record_position(item, world["a"], stance=Stance.SUPPORTS,
                                        offer_kinds=["premises", "financing"],
                                        amount_cents=800000, comment="Un local rue X",
                                        expected_version=None)
    assert position.version == 1 and position.organisation == world["org_a"]
    services.record_position(item, world["a2"], stance=Stance.SUPPORTS,
                             offer_kinds=["financing"], amount_cents=500000, comment="",
                             expected_version=1)
    assert position.version == 2 and position.updated_by == world["a2"]
    changes = db.session.query(PositionChange).filter_by(position_id=position.id).all()
    assert [c.amount_cents for c in changes] == [800000, 500000]


def test_two_members_saving_from_the_same_version_never_lose_an_update_silently(world):
    item = world["session"].items[0]
    services.record_position(item, world["a"], stance=Stance.SUPPORTS, offer_kinds=[],
                             amount_cents=None, comment="", expected_version=None)
    services.record_position(item, world["a"], stance=Stance.ABSTAINS, offer_kinds=[],
                             amount_cents=None, comment="", expected_version=1)
    with pytest.raises(services.PositionConflict) as conflict:
        services.record_position(item, world["a2"], stance=Stance.NOT_CONCERNED, offer_kinds=[],
                                 amount_cents=None, comment="", expected_version=1)
    assert conflict.value.current.stance == Stance.ABSTAINS
    assert "pendant que vous la saisissiez" in str(conflict.value.message)


def test_members_speak_only_for_their_organisation_unless_given_a_proxy(world):
    item = world["session"].items[0]
    with pytest.raises(AccessDenied):
        services.record_position(item, world["b"], stance=Stance.SUPPORTS, offer_kinds=[],
                                 amount_cents=None, comment="", expected_version=None,
                                 organisation_id=world["org_a"].id)
    with pytest.raises(AccessDenied):
        services.record_position(item, world["outsider"], stance=Stance.SUPPORTS,
                                 offer_kinds=[], amount_cents=None, comment="",
                                 expected_version=None)
    with pytest.raises(DomainError, match="autre organisation"):
        services.give_proxy(world["session"], world["a"], world["a2"])
    services.give_proxy(world["session"], world["a"], world["b"])
    position = services.record_position(item, world["b"], stance=Stance.SUPPORTS,
                                        offer_kinds=[], amount_cents=None, comment="",
                                        expected_version=None, organisation_id=world["org_a"].id)
    assert position.organisation == world["org_a"]


def test_positions_stay_hidden_from_other_members_until_the_session_is_held(world):
    session = world["session"]
    assert not services.positions_visible(world["b"], session)
    assert services.positions_visible(world["animator"], session)
    session.positions_open_early = True
    assert services.positions_visible(world["b"], session)
    session.positions_open_early = False
    services.convene(session, world["animator"])
    apply_transition(session, "hold", world["animator"])
    assert services.positions_visible(world["b"], session)


def test_the_grid_sums_offers_and_names_who_has_not_answered(world):
    item = world["session"].items[0]
    services.record_position(item, world["a"], stance=Stance.SUPPORTS, offer_kinds=["financing"],
                             amount_cents=800000, comment="", expected_version=None)
    rows, total, missing = services.grid(item)
    assert total == 800000 and [o.name for o in missing] == ["Vilogia"]
    assert {o.name: [i.dossier.title for i in items] for o, items in
            services.missing_positions(world["session"]).items()}["Lyon Métropole Habitat"] == [
        "Atelier vélo", "Repair café", "Recyclerie"]


def test_a_session_with_four_items_goes_from_planned_to_minutes_published(world):
    animator, session = world["animator"], world["session"]
    with pytest.raises(TransitionRefused):
        apply_transition(session, "hold", animator)
    services.convene(session, animator)
    first, second, third, fourth = session.items
    services.record_position(first, world["a"], stance=Stance.SUPPORTS,
                             offer_kinds=["premises"], amount_cents=300000, comment="",
                             expected_version=None)
    with pytest.raises(DomainError, match="quelle"):
        services.record_decision(first, Decision.SUPPORTED, animator)
    services.record_decision(first, Decision.SUPPORTED, animator, supporters=[world["org_a"]])
    services.record_decision(second, Decision.POSTPONED, animator)
    with pytest.raises(DomainError, match="Motivez"):
        services.record_decision(third, Decision.NOT_SUPPORTED, animator)
    services.record_decision(third, Decision.NOT_SUPPORTED, animator, "Pas de local adapté.")
    services.record_decision(fourth, Decision.SUPPORTED, animator,
                             supporters=[world["org_a"], world["org_b"]])
    # Nothing moves until the decisions are published together.
    assert first.dossier.state == "on_agenda"
    services.set_attendance(session, world["a"], AttendanceStatus.PRESENT, animator)
    services.set_attendance(session, world["b"], AttendanceStatus.EXCUSED, animator)
    services.publish_decisions(session, animator)
    assert session.state == "held"
    assert [i.dossier.state for i in session.items] == ["supported", "retained",
                                                        "not_supported", "supported"]
    publish_minutes(session, animator)
    assert session.state == "minutes_published"
    text = "".join(page.extract_text() for page in PdfReader(
        io.BytesIO(minutes_path(session).read_bytes())).pages)
    text = text.replace("\u202f", " ").replace("\xa0", " ")
    for expected in ("Compte rendu du comité Mur porteur", "2026-Q4", "Maison de l'ESS",
                     "Café solidaire", "Atelier vélo", "Repair café", "Recyclerie",
                     "Lyon Métropole Habitat", "Soutient", "Soutenu",
                     "Reporté au prochain comité", "Non soutenu", "Pas de local adapté.",
                     "Présent", "Excusé"):
        assert expected in text, expected
    assert "3 000" in text and "14:00" in text


def test_minutes_wait_for_every_decision(world):
    animator, session = world["animator"], world["session"]
    services.convene(session, animator)
    services.record_decision(session.items[0], Decision.POSTPONED, animator)
    services.publish_decisions(session, animator)
    with pytest.raises(DomainError, match="Publiez d'abord les décisions"):
        publish_minutes(session, animator)


def test_animators_publish_and_download_the_minutes_from_the_session_page(world, app):
    from tests.conftest import login
    from tests.helpers import text

    animator, session = world["animator"], world["session"]
    services.convene(session, animator)
    for item in session.items:
        services.record_decision(item, Decision.POSTPONED, animator)
    client = app.test_client()
    login(client, animator)
    early = client.post(f"/instruction/comites/{session.id}/compte-rendu")
    assert early.status_code == 422 and "Publiez d'abord les décisions" in text(early)
    services.publish_decisions(session, animator)
    # Laid out and published in the background: the button leads to the job's page, done at
    # once here (no broker: the job runs in-process before the page is shown).
    response = client.post(f"/instruction/comites/{session.id}/compte-rendu")
    assert response.status_code == 303 and "/taches/" in response.headers["Location"]
    page = text(client.get(response.headers["Location"]))
    assert "Compte rendu publié et envoyé aux membres" in page
    assert "Télécharger « compte-rendu-comite-2026-Q4.pdf »" in page
    job_pdf = client.get(response.headers["Location"] + "/fichier")
    assert job_pdf.status_code == 200 and job_pdf.data.startswith(b"%PDF")
    session_page = text(client.get(f"/instruction/comites/{session.id}"))
    assert "Compte rendu publié" in session_page
    pdf = client.get(f"/instruction/comites/{session.id}/compte-rendu.pdf")
    assert pdf.status_code == 200 and pdf.data == job_pdf.data
    assert pdf.headers["Content-Disposition"].startswith("attachment")


def test_published_minutes_reach_every_invited_member_with_the_pdf(world, app):
    from murporteur.notifications.delivery import attachments_of
    from murporteur.notifications.dispatch import commit_and_dispatch
    from tests.conftest import login
    from tests.helpers import outbox

    animator, session = world["animator"], world["session"]
    services.convene(session, animator)
    for item in session.items:
        services.record_decision(item, Decision.POSTPONED, animator)
    services.publish_decisions(session, animator)
    publish_minutes(session, animator)
    commit_and_dispatch()
    mails = outbox("committee_minutes")
    assert sorted(m.recipient_email for m in mails) == sorted(
        u.email for u in (world["a"], world["a2"], world["b"]))
    assert all(m.state.value == "sent" for m in mails)  # sent in-process, attachment built
    files = attachments_of(mails[0])
    assert files[0][0] == "compte-rendu-comite-2026-Q4.pdf" and files[0][2].startswith(b"%PDF")
    member = app.test_client()
    login(member, world["b"])
    assert member.get(f"/comite/seances/{session.id}/compte-rendu.pdf").status_code == 200
    outsider = app.test_client()
    login(outsider, world["outsider"])
    assert outsider.get(f"/comite/seances/{session.id}/compte-rendu.pdf").status_code == 404

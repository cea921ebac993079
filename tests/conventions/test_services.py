"""The conventions' rules, without a request: created from the committee's offers, amounts in
cents, a schedule never beyond what is committed, amendments after signature, the dossier
following its conventions."""

from datetime import UTC, date, datetime

import pytest

from murporteur.committee import services as committee
from murporteur.committee.models import Decision, Stance
from murporteur.conventions import services
from murporteur.conventions.models import ConventionKind
from murporteur.conventions.policies import may_view_convention
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.core.lifecycle import apply_transition
from tests.factories import MemberFactory, OrganisationFactory, designated, submitted_dossier

START = datetime(2026, 12, 10, 13, 0, tzinfo=UTC)  # 14:00 in Paris

#: name -> (offer kinds, indicative amount in cents, comment)
THREE_OFFERS = {
    "Lyon Métropole Habitat": (["financing", "introductions"], 800000, "Aide au démarrage"),
    "Est Métropole Habitat": (["premises"], 450000, "Un local rue Vaillant-Couturier"),
    "Dynacité": (["introductions"], None, ""),
}


def supported_project(animator, offers=None, *, title="Café solidaire", signatories=True):
    """A dossier through a real committee: each organisation of ``offers`` records its offer
    and supports the project; the decision is published. Returns the dossier, the
    organisations by name and one member of each (its authorised signatory, unless
    ``signatories`` is false)."""
    offers = THREE_OFFERS if offers is None else offers
    organisations = {name: OrganisationFactory(name=name) for name in offers}
    members = {name: MemberFactory(organisation=o, full_name=f"Membre {name}")
               for name, o in organisations.items()}
    if signatories:
        for member in members.values():
            designated(member)
    session = committee.create_session(animator, starts_at=START, place="Maison de l'ESS",
                                       organisations=list(organisations.values()))
    dossier = submitted_dossier(title=title)
    dossier.state = "retained"
    item = committee.add_item(session, dossier, animator)
    committee.convene(session, animator)
    for name, (kinds, amount, comment) in offers.items():
        committee.record_position(item, members[name], stance=Stance.SUPPORTS,
                                  offer_kinds=kinds, amount_cents=amount, comment=comment,
                                  expected_version=None)
    committee.record_decision(item, Decision.SUPPORTED, animator,
                              supporters=list(organisations.values()))
    committee.publish_decisions(session, animator)
    assert dossier.state == "supported"
    return dossier, organisations, members


def signed(convention, animator, member):
    apply_transition(convention, "send_for_signature", animator)
    apply_transition(convention, "sign", member)


@pytest.fixture
def project(animator):
    dossier, organisations, members = supported_project(animator)
    conventions = {c.organisation.name: c
                   for c in services.create_conventions(dossier, animator)}
    return {"dossier": dossier, "orgs": organisations, "members": members,
            "conventions": conventions}


def test_a_project_supported_by_three_organisations_gets_three_prefilled_conventions(project):
    conventions = project["conventions"]
    assert sorted(conventions) == ["Dynacité", "Est Métropole Habitat", "Lyon Métropole Habitat"]
    lyon = conventions["Lyon Métropole Habitat"]
    assert (lyon.kind, lyon.committed_cents, lyon.in_kind_cents) == (
        ConventionKind.FINANCING, 800000, 0)
    assert lyon.object == "Aide au démarrage" and lyon.state == "draft"
    dynacite = conventions["Dynacité"]
    assert (dynacite.kind, dynacite.committed_cents) == (ConventionKind.PARTNERSHIP, 0)
    assert dynacite.object == project["dossier"].title


def test_a_premises_offer_becomes_an_in_kind_valuation(project):
    premises = project["conventions"]["Est Métropole Habitat"]
    assert premises.kind == ConventionKind.PREMISES
    assert (premises.committed_cents, premises.in_kind_cents) == (0, 450000)


def test_creating_again_adds_nothing_and_only_supported_projects_get_conventions(project,
                                                                                 animator):
    assert services.create_conventions(project["dossier"], animator) == []
    assert len(project["dossier"].conventions) == 3
    with pytest.raises(DomainError, match="Seul un projet soutenu"):
        services.create_conventions(submitted_dossier(), animator)
    with pytest.raises(AccessDenied):
        services.create_conventions(project["dossier"], project["members"]["Dynacité"])


def test_the_schedule_never_goes_beyond_the_amount_committed(project, animator):
    lyon = project["conventions"]["Lyon Métropole Habitat"]
    services.schedule_payment(lyon, animator, date(2027, 1, 15), 500000)
    with pytest.raises(DomainError) as refused:
        services.schedule_payment(lyon, animator, date(2027, 6, 15), 300001)
    message = str(refused.value.message).replace("\u202f", " ").replace("\xa0", " ")
    assert "porterait l'échéancier à 8 000,01 €, au-delà du montant engagé (8 000 €)" in message
    services.schedule_payment(lyon, animator, date(2027, 6, 15), 300000)
    assert lyon.scheduled_cents == lyon.committed_cents == 800000
    with pytest.raises(DomainError, match="dépasseraient le montant engagé"):
        services.update_convention(lyon, animator, committed_cents=700000)


def test_paid_and_remaining_follow_the_payments_actually_made(project, animator):
    lyon = project["conventions"]["Lyon Métropole Habitat"]
    first = services.schedule_payment(lyon, animator, date(2027, 1, 15), 500000)
    second = services.schedule_payment(lyon, animator, date(2027, 6, 15), 300000)
    services.mark_paid(first, animator, date(2027, 1, 20), 450000)  # less than planned
    assert (lyon.scheduled_cents, lyon.paid_cents, lyon.remaining_cents) == (
        800000, 450000, 350000)
    with pytest.raises(DomainError, match="Le total versé dépasserait"):
        services.mark_paid(second, animator, date(2027, 6, 15), 350001)
    with pytest.raises(DomainError, match="ne se supprime pas"):
        services.remove_payment(first, animator)
    services.remove_payment(second, animator)
    assert lyon.scheduled_cents == 500000 and lyon.remaining_cents == 350000


def test_after_signature_an_amount_changes_only_by_a_recorded_amendment(project, animator):
    lyon = project["conventions"]["Lyon Métropole Habitat"]
    member = project["members"]["Lyon Métropole Habitat"]
    with pytest.raises(DomainError, match="modifiez simplement"):
        services.amend(lyon, animator, field="committed", new_cents=900000, reason="Plus")
    services.update_convention(lyon, animator, committed_cents=850000)  # before: a plain edit
    signed(lyon, animator, member)
    with pytest.raises(DomainError, match="avenant motivé"):
        services.update_convention(lyon, animator, committed_cents=900000)
    with pytest.raises(DomainError, match="raison"):
        services.amend(lyon, animator, field="committed", new_cents=900000, reason="  ")
    amendment = services.amend(lyon, animator, field="committed", new_cents=1000000,
                               reason="Deuxième local ouvert en mars")
    assert (amendment.old_cents, amendment.new_cents, amendment.reason, amendment.actor) == (
        850000, 1000000, "Deuxième local ouvert en mars", animator)
    assert lyon.committed_cents == 1000000 and lyon.amendments == [amendment]
    services.update_convention(lyon, animator, reference="LMH-2027-12")  # still allowed


def test_end_date_before_start_date_is_refused(project, animator):
    lyon = project["conventions"]["Lyon Métropole Habitat"]
    with pytest.raises(DomainError, match="La date de fin précède"):
        services.update_convention(lyon, animator, start_date=date(2027, 1, 1),
                                   end_date=date(2026, 12, 31))


def test_the_first_signature_makes_the_dossier_conventioned(project, animator):
    dossier, conventions = project["dossier"], project["conventions"]
    apply_transition(conventions["Dynacité"], "send_for_signature", animator)
    assert dossier.state == "supported"
    apply_transition(conventions["Dynacité"], "sign", project["members"]["Dynacité"])
    assert dossier.state == "conventioned"
    assert conventions["Dynacité"].signed_at is not None
    assert dossier.events[-1].transition == "convention"
    assert [e.to_state for e in conventions["Dynacité"].events] == ["sent_for_signature",
                                                                   "signed"]
    signed(conventions["Lyon Métropole Habitat"], animator,
           project["members"]["Lyon Métropole Habitat"])
    assert dossier.state == "conventioned"  # the second signature changes nothing more


def test_the_dossier_closes_when_every_convention_is_over(project, animator):
    dossier, conventions, members = project["dossier"], project["conventions"], \
        project["members"]
    for name, convention in conventions.items():
        signed(convention, animator, members[name])
        apply_transition(convention, "activate", animator)
    apply_transition(conventions["Dynacité"], "complete", animator)
    apply_transition(conventions["Est Métropole Habitat"], "terminate", animator,
                        "Le local n'a pas pu être livré.")
    assert dossier.state == "conventioned"
    apply_transition(conventions["Lyon Métropole Habitat"], "complete", animator)
    assert dossier.state == "closed"


def test_terminating_needs_a_comment(project, animator):
    convention = project["conventions"]["Dynacité"]
    signed(convention, animator, project["members"]["Dynacité"])
    with pytest.raises(DomainError, match="commentaire est nécessaire"):
        apply_transition(convention, "terminate", animator, "   ")
    apply_transition(convention, "terminate", animator, "Projet arrêté par le porteur")
    assert convention.state == "terminated"
    assert convention.events[-1].comment == "Projet arrêté par le porteur"


def test_a_member_signs_only_their_organisation_s_convention(project, animator):
    lyon, dynacite = (project["conventions"]["Lyon Métropole Habitat"],
                      project["conventions"]["Dynacité"])
    lyon_member = project["members"]["Lyon Métropole Habitat"]
    apply_transition(dynacite, "send_for_signature", animator)
    assert not services.may_sign(lyon_member, dynacite)
    with pytest.raises(AccessDenied):
        apply_transition(dynacite, "sign", lyon_member)
    apply_transition(lyon, "send_for_signature", animator)
    with pytest.raises(AccessDenied):  # a member signs, and does nothing else
        apply_transition(lyon, "terminate", lyon_member, "Non")
    apply_transition(lyon, "sign", lyon_member)
    assert lyon.state == "signed" and lyon.events[-1].actor == lyon_member


def test_each_member_sees_their_organisation_s_conventions_only(project, animator):
    lyon_member = project["members"]["Lyon Métropole Habitat"]
    assert [c.organisation.name for c in services.conventions_for(lyon_member)] == [
        "Lyon Métropole Habitat"]
    assert len(services.conventions_for(animator)) >= 3
    assert sorted(c.id for c in services.conventions_for(project["dossier"].holder)) == \
        sorted(c.id for c in project["dossier"].conventions)
    assert not may_view_convention(lyon_member, project["conventions"]["Dynacité"])
    assert may_view_convention(project["dossier"].holder, project["conventions"]["Dynacité"])


def test_members_are_asked_to_sign_and_animators_hear_of_the_signature(app):
    from murporteur.conventions.models import Convention
    from tests.factories import AnimatorFactory, MemberFactory, submitted_dossier
    from tests.helpers import outbox

    animator = AnimatorFactory()
    member = designated(MemberFactory())
    dossier = submitted_dossier()
    dossier.state = "supported"
    convention = Convention(dossier=dossier, organisation=member.organisation,
                            kind="financing", state="draft", committed_cents=100000)
    from murporteur.extensions import db

    db.session.add(convention)
    db.session.flush()
    apply_transition(convention, "send_for_signature", animator)
    asked, = outbox("convention_to_sign")
    assert asked.recipient_email == member.email
    apply_transition(convention, "sign", member)
    told = outbox("convention_signed_for_staff")
    assert [m.recipient_email for m in told] == [animator.email]
    assert dossier.state == "conventioned"

"""The catalogue's rules without a request: who keeps which unit, bounds, the lifecycle that
follows the committee and the conventions, matching and the figures."""

from datetime import UTC, datetime

import pytest

from murporteur.committee import services as committee
from murporteur.committee.models import Stance
from murporteur.conventions.models import Convention
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.core.lifecycle import TransitionRefused, apply_transition
from murporteur.extensions import db
from murporteur.premises import matching, reporting, services
from murporteur.premises.models import PremisesWish
from murporteur.premises.policies import editable_units, may_edit_unit, visible_units
from murporteur.premises.workflow import UnitState
from tests.factories import HolderFactory, designated, submitted_dossier
from tests.premises.conftest import unit_values

START = datetime(2026, 12, 10, 13, 0, tzinfo=UTC)


def test_a_member_adds_for_their_own_organisation_and_edits_only_its_units(world):
    unit = world["unit"]
    assert unit.organisation == world["org_a"]
    assert may_edit_unit(world["a"], unit) and may_edit_unit(world["animator"], unit)
    assert not may_edit_unit(world["b"], unit)
    with pytest.raises(AccessDenied):
        services.save_unit(unit, world["b"], None, **unit_values(surface_m2=90))
    # A member naming another organisation still adds for their own.
    other = services.save_unit(None, world["b"], world["org_a"], **unit_values())
    assert other.organisation == world["org_b"]
    assert set(db.session.scalars(editable_units(world["b"]))) == {other}
    assert unit in set(db.session.scalars(editable_units(world["animator"])))


def test_the_sql_twin_shows_anonymous_people_only_public_available_units(world):
    hidden = services.save_unit(None, world["a"], None, **unit_values(visibility="collective"))
    anonymous = set(db.session.scalars(visible_units(None)))
    assert world["unit"] in anonymous and hidden not in anonymous
    assert hidden in set(db.session.scalars(visible_units(world["b"])))
    assert hidden not in set(db.session.scalars(visible_units(HolderFactory())))


@pytest.mark.parametrize("changes, field", [
    ({"address": "  "}, "address"), ({"town": ""}, "town"), ({"surface_m2": 0}, "surface_m2"),
    ({"surface_m2": 100000}, "surface_m2"), ({"floor": 99}, "floor"),
    ({"rent_cents": -1}, "rent"), ({"rent_cents": 10**10}, "rent"), ({"uses": ["casino"]}, "uses"),
    ({"latitude": 45.7}, "latitude"),
])
def test_bad_values_are_refused_at_their_field(world, changes, field):
    with pytest.raises(DomainError) as refused:
        services.save_unit(None, world["a"], None, **unit_values(**changes))
    assert refused.value.field == field


def _item(world, dossier=None):
    session = committee.create_session(world["animator"], starts_at=START, place="Lyon",
                                       organisations=[world["org_a"], world["org_b"]])
    dossier = dossier or submitted_dossier(title="Atelier couture")
    dossier.state = "retained"
    return committee.add_item(session, dossier, world["animator"])


def test_an_offer_puts_the_unit_under_discussion_with_its_history(world):
    unit, item = world["unit"], _item(world)
    position = committee.record_position(item, world["a"], stance=Stance.SUPPORTS,
                                         offer_kinds=["premises"], amount_cents=None,
                                         comment="", expected_version=None,
                                         premises_unit_id=unit.id)
    assert position.premises_unit_id == unit.id
    assert unit.state == UnitState.UNDER_DISCUSSION
    assert [(e.transition, e.actor) for e in unit.events] == [("offer", world["a"])]


def test_another_organisations_unit_or_one_without_premises_kind_cannot_be_offered(world):
    unit, item = world["unit"], _item(world)
    with pytest.raises(DomainError, match="votre organisation"):
        committee.record_position(item, world["b"], stance=Stance.SUPPORTS,
                                  offer_kinds=["premises"], amount_cents=None, comment="",
                                  expected_version=None, premises_unit_id=unit.id)
    with pytest.raises(DomainError, match="local"):
        committee.record_position(item, world["a"], stance=Stance.SUPPORTS,
                                  offer_kinds=["financing"], amount_cents=None, comment="",
                                  expected_version=None, premises_unit_id=unit.id)
    assert unit.state == UnitState.AVAILABLE


@pytest.mark.parametrize("state", [UnitState.LET, UnitState.WITHDRAWN])
def test_a_let_or_withdrawn_unit_cannot_be_offered_again(world, state):
    unit, item = world["unit"], _item(world)
    unit.state = state
    with pytest.raises(DomainError, match="ne peut plus être proposé"):
        committee.record_position(item, world["a"], stance=Stance.SUPPORTS,
                                  offer_kinds=["premises"], amount_cents=None, comment="",
                                  expected_version=None, premises_unit_id=unit.id)


def _let_by_convention(world):
    dossier = submitted_dossier()
    dossier.state = "supported"
    convention = Convention(dossier=dossier, organisation=world["org_a"], kind="premises",
                            state="draft", committed_cents=0, in_kind_cents=540000,
                            premises_unit_id=world["unit"].id)
    db.session.add(convention)
    db.session.flush()
    apply_transition(convention, "send_for_signature", world["animator"])
    designated(world["a"])
    apply_transition(convention, "sign", world["a"])
    return convention


def test_the_unit_is_let_when_its_convention_is_signed_and_free_again_when_it_ends(world):
    unit, animator = world["unit"], world["animator"]
    convention = _let_by_convention(world)
    assert unit.state == UnitState.LET
    lines = reporting.figures(datetime.now(UTC).year)
    line = next(x for x in lines if x.organisation_id == world["org_a"].id)
    assert (line.let, line.surface_m2, line.in_kind_cents) == (1, 80, 540000)
    with pytest.raises(DomainError):
        services.ensure_offerable(unit, world["org_a"].id)
    apply_transition(convention, "terminate", animator, "Le projet s'arrête")
    assert unit.state == UnitState.AVAILABLE
    assert [e.transition for e in unit.events] == ["let", "release"]


def test_a_convention_cannot_name_a_let_unit(world):
    from murporteur.conventions import services as conventions

    unit = world["unit"]
    unit.state = UnitState.LET
    dossier = submitted_dossier()
    dossier.state = "supported"
    convention = Convention(dossier=dossier, organisation=world["org_a"], kind="premises",
                            state="draft", committed_cents=0, in_kind_cents=0)
    db.session.add(convention)
    db.session.flush()
    with pytest.raises(DomainError) as refused:
        conventions.update_convention(convention, world["animator"], premises_unit_id=unit.id)
    assert refused.value.field == "premises_unit"


def test_withdraw_is_the_keepers_and_a_withdrawn_unit_is_restored(world):
    unit = world["unit"]
    with pytest.raises(AccessDenied):
        services.move(unit, "withdraw", world["b"])
    services.move(unit, "withdraw", world["a"])
    assert unit.state == UnitState.WITHDRAWN
    with pytest.raises(TransitionRefused):
        services.move(unit, "release", world["a"])
    services.move(unit, "restore", world["animator"])
    assert unit.state == UnitState.AVAILABLE


def test_compatible_units_are_ranked_by_town_neighbourhood_surface_and_use(world):
    near = world["unit"]  # Vénissieux, Les Minguettes, 80 m², workshop
    far = services.save_unit(None, world["b"], None, **unit_values(
        town="Villeurbanne", neighbourhood="Saint-Jean", surface_m2=300))
    same_town_big = services.save_unit(None, world["b"], None, **unit_values(surface_m2=400,
                                                                             neighbourhood=""))
    dossier = submitted_dossier(town="Venissieux", neighbourhoods="Les Minguettes",
                                support_kinds=["premises"])
    db.session.add(PremisesWish(dossier_id=dossier.id, surface_min=50, surface_max=120,
                                towns="Vénissieux", use="workshop"))
    db.session.flush()
    ranked = matching.compatible_units(dossier, world["animator"])
    assert [m.unit for m in ranked] == [near, same_town_big]
    assert far not in [m.unit for m in ranked]
    assert ranked[0].score > ranked[1].score
    ideas = matching.ideas_for_unit(near, world["animator"])
    assert [d for d, _m in ideas] == [dossier]


def test_a_dossier_not_seeking_premises_has_no_matches(world):
    dossier = submitted_dossier(town="Vénissieux", support_kinds=["introductions"])
    assert matching.compatible_units(dossier, world["animator"]) == []


def test_a_position_that_stops_offering_the_unit_makes_it_available_again(world):
    unit, item = world["unit"], _item(world)
    position = committee.record_position(item, world["a"], stance=Stance.SUPPORTS,
                                         offer_kinds=["premises"], amount_cents=None,
                                         comment="", expected_version=None,
                                         premises_unit_id=unit.id)
    assert unit.state == UnitState.UNDER_DISCUSSION
    committee.record_position(item, world["a"], stance=Stance.SUPPORTS,
                              offer_kinds=["financing"], amount_cents=100000, comment="",
                              expected_version=position.version)
    assert unit.state == UnitState.AVAILABLE
    assert [e.transition for e in unit.events] == ["offer", "release"]

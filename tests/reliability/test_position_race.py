"""Two members of one organisation save its first position on an item at the same moment:
both found none, the database lets one in, the other gets the conflict page an update gets,
with both versions and nothing of what they typed lost (both databases; the same race with two
real transactions on PostgreSQL is in test_concurrency.py)."""

from __future__ import annotations

from sqlalchemy import func, select

from murporteur.committee import positions
from murporteur.committee import services as committee
from murporteur.committee.models import Position, Stance
from murporteur.extensions import db
from tests.committee.test_member_views import as_user, hidden, item_url, position_form, world
from tests.helpers import text

__all__ = ["world"]  # the fixture, imported for this module's tests


def test_a_first_position_saved_between_the_check_and_the_insert_gives_the_conflict(
        app, world, monkeypatch):
    second = as_user(app, world.a2)
    typed = position_form(second, world, stance="abstains", comment="Nous attendons le budget.")
    assert typed["version"] == ""
    # Alice saves first; Aurélien's request had already looked and found no position.
    committee.record_position(world.item, world.a, stance=Stance.SUPPORTS,
                              offer_kinds=["financing"], amount_cents=300000,
                              comment="Nous finançons.", expected_version=None)
    real = positions.position_of
    calls = []

    def not_yet_there(item, organisation):
        calls.append(1)
        return None if len(calls) == 1 else real(item, organisation)

    monkeypatch.setattr(positions, "position_of", not_yet_there)
    conflict = second.post(item_url(world), data=typed)
    assert conflict.status_code == 409
    page = text(conflict)
    assert "Alice Martin a modifié la position de votre organisation" in page
    assert hidden(conflict, "version") == "1"
    assert "Nous finançons." in page  # the saved version
    assert "Votre saisie" in page and "Nous attendons le budget." in page  # what they typed
    monkeypatch.undo()
    db.session.expire_all()
    saved = db.session.scalars(select(Position).where(Position.item_id == world.item.id)).all()
    assert [(p.stance, p.version) for p in saved] == [(Stance.SUPPORTS, 1)]

    retry = second.post(item_url(world), data={**typed, "version": "1",
                                                "version_for": str(world.org_a.id)})
    assert retry.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Position.id)).where(
        Position.item_id == world.item.id)) == 1
    assert db.session.scalar(select(Position.stance).where(
        Position.item_id == world.item.id)) == Stance.ABSTAINS

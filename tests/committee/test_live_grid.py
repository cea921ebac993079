"""The committee grid as the session goes on (issue 17): live parts without reload, decisions
pre-filled from the « Soutient » positions, only the steps that can succeed offered, a session
not held before its day, members moving from item to item."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from murporteur.committee import positions, services
from murporteur.committee.models import Decision, Stance
from murporteur.core.db import utcnow
from murporteur.core.errors import DomainError
from murporteur.extensions import db
from tests.committee import test_staff_views as staff
from tests.conftest import login
from tests.factories import MemberFactory
from tests.helpers import text

# The staff grid's own fixtures: a session of November 2026 with four retained dossiers.
BASE, decide, page = staff.BASE, staff.decide, staff.page
organisations, session, four = staff.organisations, staff.session, staff.four


def _position(item, organisation, stance, amount=None):
    member = MemberFactory(organisation=organisation)
    return positions.record_position(item, member, stance=stance, offer_kinds=[],
                                     amount_cents=amount, comment="", expected_version=None,
                                     organisation_id=organisation.id)


def test_the_grid_polls_a_fragment_that_shows_a_new_position(animator_client, animator,
                                                              session, four, organisations):
    grid = animator_client.get(f"{BASE}/{session.id}/grille").get_data(as_text=True)
    assert f'hx-get="{BASE}/{session.id}/grille/direct"' in grid
    assert "rechargez la page" not in grid
    item = session.items[0]
    _position(item, organisations[0], Stance.SUPPORTS, amount=250_000)
    db.session.commit()
    fragment = animator_client.get(f"{BASE}/{session.id}/grille/direct")
    assert fragment.status_code == 200 and fragment.headers["Cache-Control"] == "no-store"
    body = fragment.get_data(as_text=True)
    assert "<html" not in body
    assert f'id="item-{item.id}-live" class="grid-live" hx-swap-oob="true"' in body
    assert "Soutient" in text(fragment) and "2 500" in text(fragment)


def test_a_decision_is_prefilled_from_the_supporting_positions(animator_client, animator,
                                                               session, four, organisations):
    services.convene(session, animator)
    item = session.items[0]
    alliade, dynacite, banque = organisations
    _position(item, alliade, Stance.SUPPORTS)
    _position(item, dynacite, Stance.ABSTAINS)
    grid = animator_client.get(f"{BASE}/{session.id}/grille").get_data(as_text=True)
    # The grid links each item to its decision, fetched into the item with JavaScript.
    link = f"{BASE}/{session.id}/decision/{item.id}"
    assert f'<a class="button" href="{link}" hx-get="{link}">' in grid
    assert '<div hx-select=".decision" hx-target="closest p" hx-swap="outerHTML">' in grid
    html = animator_client.get(link).get_data(as_text=True)
    assert f'<div id="decision-{item.id}" class="decision" data-focus-first>' in html
    assert f'<input checked id="item{item.id}-supporters-0" name="item{item.id}-supporters" ' \
        f'type="checkbox" value="{alliade.id}">' in html
    assert not re.search(rf'<input checked [^>]*name="item{item.id}-supporters"[^>]*'
                         rf'value="{dynacite.id}"', html)
    # Every organisation invited may be named, those that have not answered too.
    assert re.search(rf'<input id="item{item.id}-supporters-\d" name="item{item.id}-supporters"'
                     rf' type="checkbox" value="{banque.id}">', html)
    assert f'<input checked id="item{item.id}-decision-0" name="item{item.id}-decision" ' \
        f'required type="radio" value="supported">' in html
    # An item nobody supports is not pre-decided.
    other = session.items[1]
    html = animator_client.get(f"{BASE}/{session.id}/decision/{other.id}").get_data(as_text=True)
    assert not re.search(rf'<input checked [^>]*name="item{other.id}-decision"', html)

def test_the_session_page_offers_publishing_decisions_not_minutes_too_early(
        animator_client, animator, session, four):
    services.convene(session, animator)
    café = session.items[0]
    assert decide(animator_client, session, café, decision="postponed").status_code == 302
    shown = page(animator_client, f"{BASE}/{session.id}")
    assert "Publier les décisions" in shown
    services.publish_decisions(session, animator)
    shown = page(animator_client, f"{BASE}/{session.id}")
    assert "Publier le compte rendu" not in shown
    assert "Le compte rendu se publie une fois les décisions de tous les points" in shown


def test_a_session_is_not_held_before_its_day(animator_client, animator, session, four):
    session.starts_at = utcnow() + timedelta(days=3)
    services.convene(session, animator)
    shown = page(animator_client, f"{BASE}/{session.id}")
    assert "Marquer comme tenu" not in shown
    assert "elle ne peut être marquée comme tenue qu'à partir de ce jour" in shown
    refused = animator_client.post(f"{BASE}/{session.id}/tenir")
    assert "elle ne peut être marquée comme tenue" in text(refused) or refused.status_code == 302
    db.session.refresh(session)
    assert session.state == "convened"
    with pytest.raises(DomainError, match="ne peut être marquée comme tenue"):
        services.hold(session, animator)
    session.starts_at = datetime.now(UTC) - timedelta(hours=1)
    services.hold(session, animator)
    assert session.state == "held"


def test_members_move_from_item_to_item(app, animator, session, four, organisations):
    services.convene(session, animator)
    member = MemberFactory(organisation=organisations[0])
    db.session.commit()
    client = app.test_client()
    login(client, member)
    first, second = session.items[0], session.items[1]
    html = client.get(f"/comite/seances/{session.id}/points/{first.id}").get_data(as_text=True)
    assert f'rel="next" href="/comite/seances/{session.id}/points/{second.id}"' in html
    assert 'rel="prev"' not in html and "Point 1 sur 4" in html
    html = client.get(f"/comite/seances/{session.id}/points/{second.id}").get_data(as_text=True)
    assert f'rel="prev" href="/comite/seances/{session.id}/points/{first.id}"' in html
    assert Decision  # the decisions' vocabulary is the grid's


# --- A long session stays light --------------------------------------------------------------

#: The answers of one item in a long session: 3 supports with an offer (one with a comment), 3
#: wishes to meet, 30 "not concerned", 4 abstentions; 10 organisations have not answered yet.
LONG_ANSWERS = ([Stance.SUPPORTS] * 3 + [Stance.WANTS_TO_MEET] * 3
                + [Stance.NOT_CONCERNED] * 30 + [Stance.ABSTAINS] * 4)


@pytest.fixture
def long_session(animator):
    """A convened session of 22 items, 50 organisations invited, 40 answers on each item."""
    from murporteur.committee.models import Position
    from tests.factories import OrganisationFactory

    invited = [OrganisationFactory(name=f"Bailleur solidaire n°{n:02d}") for n in range(50)]
    member = MemberFactory(organisation=invited[0], full_name="Léa Martin")
    session = services.create_session(animator, starts_at=datetime(2026, 11, 24, 13, 0,
                                                                   tzinfo=UTC),
                                      place="CRESS, Lyon 7e", organisations=invited)
    for n in range(22):
        services.add_item(session, staff.retained(f"Projet n°{n:02d} du quartier"), animator)
    services.convene(session, animator)
    for item in session.items:
        for rank, (organisation, stance) in enumerate(zip(invited, LONG_ANSWERS,
                                                          strict=False)):
            offers = stance == Stance.SUPPORTS
            db.session.add(Position(
                item=item, organisation=organisation, stance=stance,
                offer_kinds=["premises", "financing"] if offers else [],
                amount_cents=500_000 if offers else None,
                comment="Un local libre au rez-de-chaussée." if rank == 0 else "",
                updated_by=member, updated_at=utcnow()))
    db.session.flush()
    return session


def test_a_long_session_grid_stays_light(animator_client, long_session):
    """22 items × 50 organisations invited: the grid and its polled fragment stay light; what
    is not on it is one link away (the item's decision page names everyone)."""
    response = animator_client.get(f"{BASE}/{long_session.id}/grille")
    assert response.status_code == 200
    assert len(response.get_data()) < 60_000, len(response.get_data())
    item = long_session.items[-1]
    everything = text(response)
    shown = everything[everything.index(item.dossier.title):]
    assert ("Bailleur solidaire n°00 Soutient Un local d'activité (par exemple un "
            "rez-de-chaussée) ; Un financement 5 000 € Un rez-de-chaussée") not in shown
    assert ("Bailleur solidaire n°00 Soutient Un local d'activité (par exemple un "
            "rez-de-chaussée) ; Un financement 5 000 € Un local libre au rez-de-chaussée. "
            "Léa Martin") in shown
    assert "Total des montants proposés 15 000 €" in shown
    assert ("Intéressé, souhaite rencontrer le porteur : Bailleur solidaire n°03, "
            "Bailleur solidaire n°04, Bailleur solidaire n°05") in shown
    assert "Pas concerné : 30 organisations ( lesquelles )" in shown
    assert "S'abstient : Bailleur solidaire n°36, Bailleur solidaire n°37" in shown
    assert "Pas encore de réponse : 10 organisations ( lesquelles )" in shown
    fragment = animator_client.get(f"{BASE}/{long_session.id}/grille/direct")
    assert len(fragment.get_data()) < 45_000, len(fragment.get_data())
    # The item's own page names them all, and offers each as a supporter.
    page = animator_client.get(f"{BASE}/{long_session.id}/decision/{item.id}")
    assert "Pas encore de réponse : Bailleur solidaire n°40, " in text(page)
    assert page.get_data(as_text=True).count(f'name="item{item.id}-supporters"') == 50

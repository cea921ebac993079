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
    html = animator_client.get(f"{BASE}/{session.id}/grille").get_data(as_text=True)
    assert f'<input checked id="item{item.id}-supporters-0" name="item{item.id}-supporters" ' \
        f'type="checkbox" value="{alliade.id}">' in html
    assert not re.search(rf'<input checked [^>]*name="item{item.id}-supporters"[^>]*'
                         rf'value="{dynacite.id}"', html)
    assert f'<input checked id="item{item.id}-decision-0" name="item{item.id}-decision" ' \
        f'required type="radio" value="supported">' in html
    # An item nobody supports is not pre-decided.
    other = session.items[1]
    assert not re.search(rf'<input checked [^>]*name="item{other.id}-decision"', html)
    assert banque

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

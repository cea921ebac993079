"""Crossed interventions: an item's financing asked against the offers, the board of projects
a single organisation backs, and the members' quarterly digest — each within what a member
may already read."""

from datetime import timedelta

from murporteur.committee.crossed import backing, looking_for_a_second
from murporteur.committee.models import Position, Stance
from murporteur.committee.tasks import quarterly_crossed_digest
from murporteur.extensions import db
from tests.committee.test_member_views import START, as_user, world  # noqa: F401
from tests.helpers import outbox, text


def supports(w, organisation, cents):
    db.session.add(Position(item_id=w.item.id, organisation_id=organisation.id,
                            stance=Stance.SUPPORTS, amount_cents=cents))
    db.session.flush()
    db.session.expire(w.item, ["positions"])


def test_the_backing_says_what_is_missing_and_flags_a_single_supporter(world):  # noqa: F811
    w = world
    w.dossier.financing_amount_cents = 1_000_000
    supports(w, w.org_a, 400_000)
    backed = backing(w.item)
    assert backed.single and not backed.crossed
    assert (backed.asked_cents, backed.offered_cents, backed.missing_cents) == (
        1_000_000, 400_000, 600_000)
    supports(w, w.org_b, 700_000)
    backed = backing(w.item)
    assert backed.crossed and backed.missing_cents == 0


def test_the_board_shows_others_a_project_one_organisation_backs_once_positions_are_open(
        app, world):  # noqa: F811
    w = world
    supports(w, w.org_a, 400_000)
    # Before the session is held, B's member does not read A's position: nothing shows.
    assert looking_for_a_second(w.b) == []
    w.session.positions_open_early = True
    db.session.flush()
    assert [item for item, _b in looking_for_a_second(w.b)] == [w.item]
    assert looking_for_a_second(w.a) == []  # A backs it already
    assert looking_for_a_second(w.c) == []  # C sees nothing of a session it is not in
    page = as_user(app, w.b).get("/comite/second-soutien")
    assert page.status_code == 200
    assert "Café solidaire" in text(page) and "Un seul soutien" in text(page)


def test_the_quarterly_digest_tells_the_members_who_could_join_once(world):  # noqa: F811
    w = world
    supports(w, w.org_a, 400_000)
    w.session.positions_open_early = True
    db.session.flush()
    now = START + timedelta(days=40)
    assert quarterly_crossed_digest(now) == 1
    assert quarterly_crossed_digest(now) == 1  # the same quarter: the same key, one mail
    mails = outbox("committee_crossed_digest")
    assert [m.recipient_email for m in mails] == [w.b.email]
    assert mails[0].context["items"][0]["supporter"] == "Alliade Habitat"


def test_the_staff_grid_shows_the_backing(app, world, animator):  # noqa: F811
    w = world
    w.dossier.financing_amount_cents = 1_000_000
    supports(w, w.org_a, 400_000)
    db.session.commit()
    from tests.conftest import login

    client = app.test_client()
    login(client, animator)
    page = text(client.get(f"/instruction/comites/{w.session.id}/grille"))
    assert "reste à trouver" in page and "Un seul soutien" in page
    # The grid's words are translated once per page, in the reader's language.
    animator.locale = "en"
    db.session.commit()
    page = text(client.get(f"/instruction/comites/{w.session.id}/grille"))
    assert "Financing asked: €10,000 · offered: €4,000 · still to find: €6,000" in page
    assert "A single backer: a second landlord?" in page and "Total of amounts offered" in page

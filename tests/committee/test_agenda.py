"""The agenda as the live grid and the members' session page read it: plain values, the same
slots, positions, decisions and backing as the session's objects give."""

from datetime import timedelta

from markupsafe import Markup, escape

from murporteur.committee import agenda, services
from murporteur.committee.crossed import backing
from murporteur.committee.labels import STANCE_LABELS, translated
from murporteur.committee.models import Decision, Stance
from murporteur.extensions import db
from tests.committee.test_services import START, world  # noqa: F401


def _position(w, member, stance, amount=None, kinds=(), comment=""):
    services.record_position(w["session"].items[0], member, stance=stance,
                             offer_kinds=list(kinds), amount_cents=amount, comment=comment,
                             expected_version=None)


def test_the_lines_follow_the_agenda_with_slots_words_positions_and_supporters(world):  # noqa: F811
    w = world
    session, first = w["session"], w["session"].items[0]
    _position(w, w["a"], Stance.SUPPORTS, 300_000, ["financing"], "Volontiers")
    services.convene(session, w["animator"])
    services.record_decision(first, Decision.SUPPORTED, w["animator"],
                             supporters=[w["org_b"], w["org_a"]])
    services.move_item(session.items[3], -1, w["animator"])
    lines = agenda.agenda_lines(session)
    assert [line.dossier.title for line in lines] == [i.dossier.title for i in session.items]
    assert [(line.starts_at, line.ends_at) for line in lines] == [
        session.slot_of(i) for i in session.items]
    assert lines[1].starts_at == START + timedelta(minutes=20)
    line = lines[0]
    assert (line.id, line.dossier.number, line.decision, line.pending) == (
        first.id, first.dossier.number, Decision.SUPPORTED, True)
    [position] = line.positions
    assert (position.organisation.name, position.stance, position.offer_kinds,
            position.amount_cents, position.comment, position.author) == (
        "Lyon Métropole Habitat", Stance.SUPPORTS, ["financing"], 300_000, "Volontiers",
        w["a"].display_name)
    assert [o.name for o in line.supporters] == ["Lyon Métropole Habitat", "Vilogia"]
    assert line.position_of(w["org_a"].id) is position
    assert line.position_of(w["org_b"].id) is None


def test_the_lines_read_only_what_was_asked(world):  # noqa: F811
    w = world
    session = w["session"]
    _position(w, w["a"], Stance.SUPPORTS, 100_000)
    _position(w, w["b"], Stance.ABSTAINS)
    [line] = agenda.agenda_lines(session, item_id=session.items[0].id)
    assert line.starts_at == START and len(line.positions) == 2
    # The third item alone keeps its place in the agenda (its slot).
    [third] = agenda.agenda_lines(session, item_id=session.items[2].id)
    assert third.starts_at == START + timedelta(minutes=40)
    lines = agenda.agenda_lines(session, organisation_ids=[w["org_b"].id], supporters=False)
    assert [p.organisation.name for p in lines[0].positions] == ["Vilogia"]


def test_the_grid_gives_a_row_to_what_has_something_to_read_and_names_the_rest(world):  # noqa: F811
    w = world
    _position(w, w["a"], Stance.WANTS_TO_MEET)
    [(line, summary), *_rest] = agenda.grid_items(w["session"])
    assert summary.detailed == [] and summary.total == 0
    assert [(stance, [o.name for o in orgs]) for stance, orgs in summary.brief] == [
        (Stance.WANTS_TO_MEET, ["Lyon Métropole Habitat"])]
    assert [o.name for o in summary.missing] == ["Vilogia"]
    # A comment is something to read: the position gets its row.
    services.record_position(w["session"].items[0], w["b"], stance=Stance.ABSTAINS,
                             offer_kinds=[], amount_cents=250_000, comment="Pas cette fois",
                             expected_version=None)
    [(line, summary), *_rest] = agenda.grid_items(w["session"])
    assert [p.organisation.name for p in summary.detailed] == ["Vilogia"]
    assert summary.total == 250_000 and summary.missing == []


def test_a_line_is_backed_as_its_item_is(world):  # noqa: F811
    w = world
    first = w["session"].items[0]
    first.dossier.financing_amount_cents = 1_000_000
    _position(w, w["a"], Stance.SUPPORTS, 400_000)
    _position(w, w["b"], Stance.SUPPORTS, 200_000)
    db.session.expire(first, ["positions"])
    [line, *_rest] = agenda.agenda_lines(w["session"])
    expected, got = backing(first), line.backed
    assert (got.asked_cents, got.offered_cents, got.missing_cents, got.crossed) == (
        1_000_000, 600_000, 400_000, True)
    assert (expected.asked_cents, expected.offered_cents, expected.missing_cents) == (
        got.asked_cents, got.offered_cents, got.missing_cents)
    assert [o.name for o in got.supporters] == [o.name for o in expected.supporters]


def test_words_are_translated_once_and_shown_as_before(app):
    class Words(dict):
        """A reference list typed by an admin."""

    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        words = translated(stances=STANCE_LABELS, kinds=Words(x="<b>Local</b>"))
        abstains = words["stances"][Stance.ABSTAINS]
        assert isinstance(abstains, Markup) and abstains == str(STANCE_LABELS[Stance.ABSTAINS])
        # An admin's words stay plain text, escaped where they are shown.
        assert not isinstance(words["kinds"]["x"], Markup)
        assert escape(words["kinds"]["x"]) == "&lt;b&gt;Local&lt;/b&gt;"

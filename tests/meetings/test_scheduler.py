"""The flash meetings' scheduler: its rules hold on random instances, wishes are met in the
right order, and the same input always gives the same schedule."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from murporteur.meetings.scheduler import Instance, Meeting, solve, violations


@st.composite
def instances(draw):
    holders = tuple(range(1, draw(st.integers(1, 8)) + 1))
    representatives = tuple(range(100, 100 + draw(st.integers(1, 6))))
    slots = tuple(sorted(draw(st.sets(st.integers(0, 9), min_size=1, max_size=6))))
    tables = draw(st.integers(0, 4))
    people = holders + representatives
    wishes = {}
    for who in people:
        others = representatives if who in holders else holders
        chosen = draw(st.lists(st.sampled_from(others), unique=True, max_size=len(others)))
        for rank, whom in enumerate(chosen, start=1):
            wishes[(who, whom)] = rank
    available = {}
    for who in people:
        if draw(st.booleans()):
            available[who] = frozenset(draw(st.sets(st.sampled_from(slots))))
    return Instance(holders, representatives, slots, tables, wishes, available)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_no_double_booking_availabilities_and_tables_always_hold(instance):
    schedule = solve(instance, budget=2.0)
    assert violations(instance, schedule.meetings) == []
    assert 0 <= schedule.wishes_met <= schedule.wishes
    # Only wished pairs meet.
    for m in schedule.meetings:
        assert (m.holder, m.representative) in instance.wishes \
            or (m.representative, m.holder) in instance.wishes


def test_violations_names_each_broken_rule():
    instance = Instance((1, 2), (10,), (0, 1), 1, {(1, 10): 1}, {2: frozenset({1})})
    problems = violations(instance, [
        Meeting(1, 10, 0, 1), Meeting(2, 10, 0, 2), Meeting(1, 10, 1, 1), Meeting(2, 10, 5, 1)])
    text = "\n".join(problems)
    assert "10 is booked twice in slot 0" in text
    assert "table 2 does not exist" in text
    assert "1 and 10 meet twice" in text
    assert "slot 5 is not a meeting slot" in text
    assert "2 is not available in slot 0" in text


def test_a_mutual_wish_is_met_before_a_first_choice_on_one_side():
    # One slot, one table: either holder 1 (who wants rep 10 first, not wanted back) or
    # holder 2 (a fifth choice of each other, mutual) meets rep 10.
    instance = Instance((1, 2), (10,), (0,), 1, {(1, 10): 1, (2, 10): 5, (10, 2): 5})
    schedule = solve(instance)
    assert [(m.holder, m.representative) for m in schedule.meetings] == [(2, 10)]
    assert schedule.mutual_met == 1 and schedule.wishes_met == 2 and schedule.wishes == 3


def test_a_first_choice_is_met_before_a_later_one():
    instance = Instance((1, 2), (10,), (0,), 1, {(1, 10): 1, (2, 10): 3})
    assert [m.holder for m in solve(instance).meetings] == [1]


def test_every_wish_is_met_when_there_is_room():
    wishes = {(h, r): 1 for h in (1, 2, 3) for r in (10, 11)}
    schedule = solve(Instance((1, 2, 3), (10, 11), (0, 1, 2), 2, wishes))
    assert schedule.wishes_met == 6 and schedule.share_met == 1.0
    assert schedule.status == "optimal"


def test_tables_limit_the_meetings_of_a_slot_and_representatives_keep_their_table():
    wishes = {(h, r): 1 for h in range(1, 5) for r in (10, 11, 12)}
    instance = Instance(tuple(range(1, 5)), (10, 11, 12), (0, 1, 2, 3), 2, wishes)
    schedule = solve(instance)
    assert violations(instance, schedule.meetings) == []
    assert len(schedule.meetings) == 8  # 4 slots × 2 tables: the room is the limit
    tables = {}
    for m in schedule.meetings:
        tables.setdefault(m.representative, set()).add(m.table)
    # A representative moves only when a colleague already holds their table.
    assert sum(len(t) for t in tables.values()) <= len(tables) + 1


def test_the_same_input_gives_the_same_schedule():
    rng = random.Random(7)
    holders, reps = tuple(range(1, 21)), tuple(range(100, 112))
    wishes = {}
    for h in holders:
        for rank, r in enumerate(rng.sample(reps, 4), start=1):
            wishes[(h, r)] = rank
    for r in reps:
        for rank, h in enumerate(rng.sample(holders, 5), start=1):
            wishes[(r, h)] = rank
    instance = Instance(holders, reps, tuple(range(8)), 6, wishes)
    assert solve(instance) == solve(instance)


def test_nothing_to_schedule_gives_an_empty_schedule():
    assert solve(Instance((1,), (10,), (0,), 2, {})).meetings == ()
    assert solve(Instance((1,), (10,), (0,), 0, {(1, 10): 1})).meetings == ()

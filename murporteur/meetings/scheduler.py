"""The schedule of a flash meeting event: one-to-one meetings between holders and
organisations' representatives, put into slots and at tables so that the most wishes are met.

A pure function of its input (no database, no Flask): the same instance always gives the same
schedule. It uses OR-Tools' CP-SAT solver, a maintained solver of the field, rather than a
heuristic of our own: with one worker, a fixed seed and a *deterministic* time budget (counted
in the solver's own work units, not in seconds), the answer does not depend on the machine's
load.

It starts from a greedy schedule (heaviest pairs first), and improves it or proves it optimal
within its budget; the benchmark (``bench/meetings.py``) reports the gap to the proven bound.

The objective, in order of importance:

1. mutual wishes (both sides asked to meet) before one-sided ones — a mutual meeting weighs
   more than every one-sided meeting together;
2. then the ranks: a first choice weighs more than a fifth one.

Rules that always hold (and are checked again by ``violations``): a pair meets at most once;
nobody is in two meetings in the same slot; nobody meets outside their availabilities; no
slot holds more meetings than there are tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

#: A rank's weight: the first choice weighs RANK_SPAN, the last one 1 (ranks beyond count 1).
RANK_SPAN = 10
#: Above every sum of one-sided weights an event can reach (each side's best weight × pairs).
MUTUAL_BONUS = 100_000
#: The solver's budget in deterministic work units (about seconds on a quiet machine). It
#: starts from the greedy schedule (``greedy``), already within a few units of the optimum on
#: the benchmark's events, and improves it or proves it optimal.
DETERMINISTIC_BUDGET = 3.0


@dataclass(frozen=True)
class Instance:
    """What the scheduler needs to know of an event.

    ``slots`` are the meeting slots' numbers (breaks left out); ``available`` gives, for each
    participant id, the slots they can attend (a participant absent from it can attend every
    slot); ``wishes`` maps (who wishes, whom) to the rank, 1 being the first choice.
    """

    holders: tuple[int, ...]
    representatives: tuple[int, ...]
    slots: tuple[int, ...]
    tables: int
    wishes: Mapping[tuple[int, int], int]
    available: Mapping[int, frozenset[int]] = field(default_factory=dict)

    def can_attend(self, participant: int, slot: int) -> bool:
        slots = self.available.get(participant)
        return slots is None or slot in slots


@dataclass(frozen=True)
class Meeting:
    holder: int
    representative: int
    slot: int
    table: int


@dataclass(frozen=True)
class Schedule:
    meetings: tuple[Meeting, ...]
    #: Wishes expressed (one per side that asked) and, of them, those met.
    wishes: int
    wishes_met: int
    mutual_pairs: int
    mutual_met: int
    #: "optimal" when the solver proved nothing better exists, "feasible" when it stopped at
    #: its budget with the best found, "empty" when there was nothing to schedule.
    status: str
    #: The weighted wishes met, and the solver's proven upper bound on them.
    objective: int = 0
    bound: int = 0

    @property
    def share_met(self) -> float:
        return self.wishes_met / self.wishes if self.wishes else 1.0


def rank_weight(rank: int) -> int:
    return max(1, RANK_SPAN + 1 - rank)


def pairs_wished(instance: Instance) -> dict[tuple[int, int], tuple[int, bool]]:
    """Each (holder, representative) pair someone asked for: its weight and whether both sides
    asked. Wishes between two holders, two representatives or unknown people are ignored
    (the services refuse them before they get here)."""
    holders, representatives = set(instance.holders), set(instance.representatives)
    weights: dict[tuple[int, int], list[int]] = defaultdict(list)
    for (who, whom), rank in instance.wishes.items():
        if who in holders and whom in representatives:
            weights[(who, whom)].append(rank_weight(rank))
        elif who in representatives and whom in holders:
            weights[(whom, who)].append(rank_weight(rank))
    return {pair: (sum(w) + (MUTUAL_BONUS if len(w) == 2 else 0), len(w) == 2)
            for pair, w in weights.items()}


def greedy(instance: Instance, pairs: Mapping[tuple[int, int], tuple[int, bool]]
           ) -> list[tuple[int, int, int]]:
    """(slot, holder, representative) chosen pair by pair, heaviest first, each in the first
    slot where both are free and available and a table is left: the solver's starting point."""
    busy: set[tuple[int, int]] = set()
    per_slot: dict[int, int] = defaultdict(int)
    chosen = []
    for (h, r), _weight in sorted(pairs.items(), key=lambda kv: (-kv[1][0], kv[0])):
        for s in instance.slots:
            if (h, s) in busy or (r, s) in busy or per_slot[s] >= instance.tables:
                continue
            if instance.can_attend(h, s) and instance.can_attend(r, s):
                busy.update({(h, s), (r, s)})
                per_slot[s] += 1
                chosen.append((s, h, r))
                break
    return chosen


def solve(instance: Instance, *, budget: float = DETERMINISTIC_BUDGET) -> Schedule:
    """The best schedule CP-SAT finds within ``budget`` deterministic units, starting from the
    greedy one (kept if the solver finds nothing better in time)."""
    from ortools.sat.python import cp_model

    pairs = pairs_wished(instance)
    model = cp_model.CpModel()
    x: dict[tuple[int, int, int], cp_model.IntVar] = {}
    for (h, r) in sorted(pairs):
        for s in instance.slots:
            if instance.can_attend(h, s) and instance.can_attend(r, s):
                x[(h, r, s)] = model.new_bool_var(f"m_{h}_{r}_{s}")
    if not x or instance.tables <= 0:
        return _summary(instance, pairs, [], "empty")
    by_pair: dict[tuple[int, int], list] = defaultdict(list)
    by_person_slot: dict[tuple[int, int], list] = defaultdict(list)
    by_slot: dict[int, list] = defaultdict(list)
    for (h, r, s), var in x.items():
        by_pair[(h, r)].append(var)
        by_person_slot[(h, s)].append(var)
        by_person_slot[(r, s)].append(var)
        by_slot[s].append(var)
    for group in by_pair.values():
        model.add_at_most_one(group)
    for group in by_person_slot.values():
        model.add_at_most_one(group)
    for group in by_slot.values():
        if len(group) > instance.tables:
            model.add(sum(group) <= instance.tables)
    model.maximize(sum(pairs[(h, r)][0] * var for (h, r, _s), var in x.items()))
    start = greedy(instance, pairs)
    started = set(start)
    for (h, r, s), var in x.items():
        model.add_hint(var, (s, h, r) in started)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = budget
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _summary(instance, pairs, sorted(start), "feasible")
    chosen = sorted((s, h, r) for (h, r, s), var in x.items() if solver.value(var))
    return _summary(instance, pairs, chosen,
                    "optimal" if status == cp_model.OPTIMAL else "feasible",
                    bound=int(solver.best_objective_bound))


def seat(chosen: Iterable[tuple[int, int, int]], tables: int) -> list[Meeting]:
    """Tables for the chosen (slot, holder, representative): a representative keeps the table
    of their previous meeting when it is free, so that holders move and organisations stay."""
    meetings: list[Meeting] = []
    last_table: dict[int, int] = {}
    by_slot: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for s, h, r in chosen:
        by_slot[s].append((h, r))
    for s in sorted(by_slot):
        taken: set[int] = set()
        pending = []
        for h, r in sorted(by_slot[s], key=lambda p: p[1]):
            table = last_table.get(r)
            if table is not None and table not in taken:
                taken.add(table)
                meetings.append(Meeting(h, r, s, table))
                last_table[r] = table
            else:
                pending.append((h, r))
        free = (t for t in range(1, tables + 1) if t not in taken)
        for (h, r), table in zip(pending, free, strict=False):
            meetings.append(Meeting(h, r, s, table))
            last_table[r] = table
    return sorted(meetings, key=lambda m: (m.slot, m.table))


def wishes_met(instance: Instance, met_pairs: set[tuple[int, int]]) -> tuple[int, int]:
    """The wishes expressed (one per side that asked), and how many of them the (holder,
    representative) pairs ``met_pairs`` meet."""
    wishes = met = 0
    holders, representatives = set(instance.holders), set(instance.representatives)
    for (who, whom) in instance.wishes:
        pair = (who, whom) if who in holders else (whom, who)
        if pair[0] in holders and pair[1] in representatives:
            wishes += 1
            met += pair in met_pairs
    return wishes, met


def _summary(instance: Instance, pairs, chosen, status: str, bound: int | None = None
             ) -> Schedule:
    met_pairs = {(h, r) for _s, h, r in chosen}
    wishes, met = wishes_met(instance, met_pairs)
    mutual = {p for p, (_w, both) in pairs.items() if both}
    objective = sum(pairs[p][0] for p in met_pairs)
    return Schedule(meetings=tuple(seat(chosen, instance.tables)), wishes=wishes,
                    wishes_met=met, mutual_pairs=len(mutual),
                    mutual_met=len(mutual & met_pairs), status=status, objective=objective,
                    bound=objective if bound is None else bound)


def violations(instance: Instance, meetings: Iterable[Meeting]) -> list[str]:
    """What breaks the rules in ``meetings`` (empty when none): the scheduler's own answer is
    checked against it in the tests, and a hand-made change is checked the same way."""
    problems: list[str] = []
    seen_pairs: set[tuple[int, int]] = set()
    busy: set[tuple[int, int]] = set()
    tables_used: set[tuple[int, int]] = set()
    per_slot: dict[int, int] = defaultdict(int)
    slots = set(instance.slots)
    for m in meetings:
        if m.slot not in slots:
            problems.append(f"slot {m.slot} is not a meeting slot")
        if not 1 <= m.table <= instance.tables:
            problems.append(f"table {m.table} does not exist")
        if (m.holder, m.representative) in seen_pairs:
            problems.append(f"{m.holder} and {m.representative} meet twice")
        seen_pairs.add((m.holder, m.representative))
        for person in (m.holder, m.representative):
            if (person, m.slot) in busy:
                problems.append(f"{person} is booked twice in slot {m.slot}")
            busy.add((person, m.slot))
            if not instance.can_attend(person, m.slot):
                problems.append(f"{person} is not available in slot {m.slot}")
        if (m.slot, m.table) in tables_used:
            problems.append(f"table {m.table} is used twice in slot {m.slot}")
        tables_used.add((m.slot, m.table))
        per_slot[m.slot] += 1
    problems += [f"slot {s} holds {n} meetings for {instance.tables} tables"
                 for s, n in per_slot.items() if n > instance.tables]
    return problems

"""Impact reporting: the collective's figures for a period, for everyone or one organisation.

Every date is read in Europe/Paris. A dossier counts in a step once, in the period where it
*first* reached that step, so that the quarters of a year add up to the year:

- received: submitted (``Dossier.submitted_at``) in the period;
- qualified: its first transition into ``qualifying`` (``start_qualification``, written when
  the first call that reaches the holder is recorded or by an animator; ``answer_info`` or
  ``reopen`` when it came that way) is dated in the period. Saving a qualification moves no
  state and does not count on its own;
- retained: its first transition into ``retained`` (the ``retain`` decision) is in the period;
- presented: the first *held* committee session (``held`` or ``minutes_published``) whose
  agenda carried it starts in the period;
- supported: its first ``support`` transition (the published decision) is in the period;
- conventioned: the first signature (``Convention.signed_at``) of one of its conventions is in
  the period.

Money, in integer cents: committed and in kind are the current amounts (amendments included)
of the conventions signed in the period; paid is the sum of the payments whose ``paid_date``
is in the period. For one organisation (a member's view) the money and the conventions are
that organisation's only; the collective's totals stay in ``Figures.collective``.

Crossed interventions: among the projects supported in the period, the share whose supporting
agenda item (the latest published "supported" decision) names two or more organisations.

Medians, in calendar days in Paris, from the submission to: the first call (calls made in the
period), the committee (dossiers first presented in the period), the first signed convention
(dossiers conventioned in the period; for an organisation, the signature of its convention).

Every figure is a fixed number of aggregate queries, whatever the number of dossiers.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Date,
    String,
    and_,
    case,
    cast,
    func,
    literal_column,
    or_,
    select,
    union_all,
)

from murporteur.accounts.models import Organisation, OrganisationKind
from murporteur.collective import references
from murporteur.committee.models import AgendaItem, CommitteeSession, Decision, item_supporter
from murporteur.committee.workflow import HELD_STATES
from murporteur.conventions.models import Convention, Payment
from murporteur.core.timeutil import PARIS, to_paris
from murporteur.extensions import db
from murporteur.reporting.periods import MAX_YEAR, MIN_YEAR, Period, PeriodError, paris_midnight  # noqa: F401  (part of this module's interface)
from murporteur.reporting.results import (
    BreakdownRow,
    Figures,
    Medians,
    Money,
    OrganisationRow,
    QuarterRow,
)
from murporteur.submissions.choices import PriorityArea, Stage
from murporteur.submissions.models import Dossier, DossierMilestone
from murporteur.submissions.workflow import DossierState
from murporteur.triage.models import Qualification, QualificationTheme

STEPS = ("received", "qualified", "retained", "presented", "supported", "conventioned")
STEP_LABELS = {
    "received": _l("Idées reçues"), "qualified": _l("Idées qualifiées"),
    "retained": _l("Idées retenues"), "presented": _l("Projets présentés en comité"),
    "supported": _l("Projets soutenus"), "conventioned": _l("Projets conventionnés"),
}

def _between(column, period: Period):
    start, until = period.bounds
    return and_(column >= start, column < until)


def _step(name: str):
    # Inlined rather than bound: a constant PostgreSQL types and groups by without a cast.
    return literal_column(f"'{name}'", String).label("step")


def first_reached():
    """(step, dossier_id, at): when each dossier first reached each step, all time."""

    def by_event(step: str, state: DossierState):
        # The lifecycle notes each dossier's first arrival in a state (``dossier_milestone``):
        # read through its (step, reached_at) index instead of grouping the whole history.
        return (select(_step(step), DossierMilestone.dossier_id, DossierMilestone.reached_at)
                .where(DossierMilestone.step == str(state)))

    return union_all(
        select(_step("received"), Dossier.id.label("dossier_id"),
               Dossier.submitted_at.label("at")).where(Dossier.submitted_at.is_not(None)),
        by_event("qualified", DossierState.QUALIFYING),
        by_event("retained", DossierState.RETAINED),
        select(_step("presented"), AgendaItem.dossier_id, func.min(CommitteeSession.starts_at))
        .join(CommitteeSession, CommitteeSession.id == AgendaItem.session_id)
        .where(CommitteeSession.state.in_(HELD_STATES)).group_by(AgendaItem.dossier_id),
        by_event("supported", DossierState.SUPPORTED),
        select(_step("conventioned"), Convention.dossier_id, func.min(Convention.signed_at))
        .where(Convention.signed_at.is_not(None)).group_by(Convention.dossier_id),
    ).subquery("first_reached")


def funnel_counts(period: Period) -> dict[str, int]:
    reached = first_reached()
    counts = dict.fromkeys(STEPS, 0)
    counts.update(db.session.execute(
        select(reached.c.step, func.count()).where(_between(reached.c.at, period))
        .group_by(reached.c.step)).tuples().all())
    return counts


def sessions_held(period: Period) -> int:
    return db.session.execute(select(func.count()).select_from(CommitteeSession).where(
        CommitteeSession.state.in_(HELD_STATES), _between(CommitteeSession.starts_at, period))
    ).scalar_one()


def _money(period: Period, convention_key, payment_key, scope=()) -> dict:
    """Conventions signed and payments made in the period, summed per key: an expression of
    the convention's row for the first, of the payment's for the second (the organisation, the
    quarter…). Keys are computed in subqueries and grouped on outside: PostgreSQL would not
    recognise an expression with its own parameters repeated in the GROUP BY."""
    result: dict = defaultdict(Money)
    signed = select(convention_key.label("key"), Convention.committed_cents,
                    Convention.in_kind_cents) \
        .where(_between(Convention.signed_at, period), *scope).subquery()
    for key, count, committed, in_kind in db.session.execute(
            select(signed.c.key, func.count(), func.sum(signed.c.committed_cents),
                   func.sum(signed.c.in_kind_cents)).group_by(signed.c.key)):
        money = result[key]
        money.conventions, money.committed_cents = count, int(committed or 0)
        money.in_kind_cents = int(in_kind or 0)
    paid = select(payment_key.label("key"), Payment.paid_amount_cents) \
        .join(Convention, Convention.id == Payment.convention_id) \
        .where(Payment.paid_date.between(period.start, period.end), *scope).subquery()
    for key, amount in db.session.execute(
            select(paid.c.key, func.sum(paid.c.paid_amount_cents)).group_by(paid.c.key)):
        result[key].paid_cents = int(amount or 0)
    return dict(result)


def money_by_organisation(period: Period) -> dict[int, Money]:
    return _money(period, Convention.organisation_id, Convention.organisation_id)


def total(moneys) -> Money:
    result = Money()
    for money in moneys:
        result.add(money)
    return result


def supporters_of_supported(period: Period) -> dict[int, list[int]]:
    """For each project supported in the period, the organisations its supporting item names
    (the latest published "supported" decision)."""
    reached = first_reached()
    supported = select(reached.c.dossier_id).where(reached.c.step == "supported",
                                                   _between(reached.c.at, period))
    latest: dict[int, tuple] = {}
    names: dict[int, list[int]] = defaultdict(list)
    for dossier_id, item_id, published, organisation_id in db.session.execute(
            select(AgendaItem.dossier_id, AgendaItem.id, AgendaItem.decision_published_at,
                   item_supporter.c.organisation_id)
            .outerjoin(item_supporter, item_supporter.c.item_id == AgendaItem.id)
            .where(AgendaItem.decision == Decision.SUPPORTED,
                   AgendaItem.decision_published_at.is_not(None),
                   AgendaItem.dossier_id.in_(supported))):
        key = (published, item_id)
        if dossier_id not in latest or key > latest[dossier_id]:
            latest[dossier_id] = key
            names[dossier_id] = []
        if key == latest[dossier_id] and organisation_id is not None:
            names[dossier_id].append(organisation_id)
    return {dossier_id: names[dossier_id] for dossier_id in latest}


def collective_stats(year: int) -> dict:
    """The collective's figures of ``year``, JSON-ready (the public API's ``/stats``)."""
    period = Period.of_year(year)
    counts = funnel_counts(period)
    money = total(money_by_organisation(period).values())
    crossed = sum(len(ids) >= 2 for ids in supporters_of_supported(period).values())
    return {**counts, "committed_cents": money.committed_cents,
            "paid_cents": money.paid_cents, "in_kind_cents": money.in_kind_cents,
            "crossed_share": round(crossed / counts["supported"], 3)
            if counts["supported"] else 0.0}


def _days(rows) -> list[int]:
    return [(to_paris(after).date() - to_paris(before).date()).days for before, after in rows]


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _median_days(pairs) -> tuple[float | None, int]:
    """The median number of calendar days in Paris between the two instants of each row of
    ``pairs`` (a SELECT of before, after), and how many rows: computed by PostgreSQL, which
    then sends two numbers instead of every row; row by row on SQLite."""
    if db.session.get_bind().dialect.name != "postgresql":
        days = _days(db.session.execute(pairs))
        return _median(days), len(days)
    rows = pairs.subquery()
    before, after = rows.c
    span = (cast(func.timezone(PARIS.key, after), Date)
            - cast(func.timezone(PARIS.key, before), Date))
    median, count = db.session.execute(select(
        func.percentile_cont(0.5).within_group(span), func.count()).select_from(rows)).one()
    return (float(median) if median is not None else None), count


def medians(period: Period, organisation_id: int | None = None) -> Medians:
    reached = first_reached()
    calls = _median_days(select(Dossier.submitted_at, Dossier.first_call_at).where(
        Dossier.submitted_at.is_not(None), _between(Dossier.first_call_at, period)))
    committee = _median_days(
        select(Dossier.submitted_at, reached.c.at).join(reached, reached.c.dossier_id == Dossier.id)
        .where(reached.c.step == "presented", _between(reached.c.at, period)))
    if organisation_id is None:
        signed = select(Dossier.submitted_at, reached.c.at).join(
            reached, reached.c.dossier_id == Dossier.id).where(
            reached.c.step == "conventioned", _between(reached.c.at, period))
    else:
        signed = select(Dossier.submitted_at, Convention.signed_at).join(
            Convention, Convention.dossier_id == Dossier.id).where(
            Convention.organisation_id == organisation_id, _between(Convention.signed_at, period))
    convention = _median_days(signed)
    return Medians(calls[0], committee[0], convention[0],
                   {"first_call": calls[1], "committee": committee[1],
                    "convention": convention[1]})


def _breakdown(rows, keys) -> list[BreakdownRow]:
    """``rows`` of (step, key, count) as one row per key (in ``keys`` order, then None)."""
    table: dict = {}
    for step, key, count in rows:
        key = key.value if hasattr(key, "value") else key
        table.setdefault(key, dict.fromkeys(STEPS, 0))[step] += count
    ordered = [k for k in keys if k in table] + ([None] if None in table else [])
    return [BreakdownRow(k, table[k]) for k in ordered]


def breakdowns(period: Period) -> tuple[list, list, list]:
    """By theme (a project may have several), by stage and by priority neighbourhood; the
    stage and the QPV are the qualification's when saved, else the holder's answer."""
    reached = first_reached()
    in_period = _between(reached.c.at, period)
    # A dossier reaches a step once and has a theme once: a plain count (hashed, where
    # counting distinct dossiers sorted every row).
    themes = db.session.execute(
        select(reached.c.step, QualificationTheme.theme, func.count())
        .select_from(reached)
        .outerjoin(Qualification, Qualification.dossier_id == reached.c.dossier_id)
        .outerjoin(QualificationTheme, QualificationTheme.qualification_id == Qualification.id)
        .where(in_period).group_by(reached.c.step, QualificationTheme.theme)).all()
    stage = func.coalesce(Qualification.stage, Dossier.stage)
    area = func.coalesce(Qualification.priority_area, Dossier.priority_area)
    rows = db.session.execute(
        select(reached.c.step, stage, area, func.count())
        .select_from(reached).join(Dossier, Dossier.id == reached.c.dossier_id)
        .outerjoin(Qualification, Qualification.dossier_id == Dossier.id)
        .where(in_period).group_by(reached.c.step, stage, area)).all()
    return (_breakdown(themes, references.keys("theme")),
            _breakdown([(s, st, n) for s, st, _a, n in rows], [s.value for s in Stage]),
            _breakdown([(s, a, n) for s, _st, a, n in rows], [a.value for a in PriorityArea]))


def _quarter_of(column, quarters: list[Period], as_instant: bool = True):
    """A SQL expression giving the quarter number (1–4) of ``column`` within a year."""
    starts = [q.bounds[0] if as_instant else q.start for q in quarters[1:]]
    return case(*[(column < start, n) for n, start in enumerate(starts, 1)], else_=4)


def by_quarter(period: Period, organisation_id: int | None = None) -> list[QuarterRow]:
    """The funnel (collective) and the money (scoped) for each quarter of the period's year."""
    quarters = period.quarters()
    year = Period.of_year(period.year)
    reached = first_reached()
    dated = select(reached.c.step, _quarter_of(reached.c.at, quarters).label("quarter")) \
        .where(_between(reached.c.at, year)).subquery()
    counts = {(step, n): count for step, n, count in db.session.execute(
        select(dated.c.step, dated.c.quarter, func.count())
        .group_by(dated.c.step, dated.c.quarter))}
    money = _money(year, _quarter_of(Convention.signed_at, quarters),
                   _quarter_of(Payment.paid_date, quarters, as_instant=False),
                   [Convention.organisation_id == organisation_id] if organisation_id else [])
    return [QuarterRow(q, {s: counts.get((s, n), 0) for s in STEPS}, money.get(n, Money()))
            for n, q in enumerate(quarters, 1)]


def reporting_organisations(extra_ids=()) -> list[Organisation]:
    """The landlords and partners (active ones, and any named in ``extra_ids``)."""
    return list(db.session.scalars(select(Organisation).where(or_(
        and_(Organisation.kind != OrganisationKind.ANIMATOR, Organisation.active.is_(True)),
        Organisation.id.in_(list(extra_ids)))).order_by(Organisation.name)))


def figures(period: Period, organisation: Organisation | None = None) -> Figures:
    """Everything the reporting page shows for ``period``; see the module for definitions.

    With ``organisation`` (a member's view), ``money``, ``backed``, the convention median,
    the quarters' money and ``by_organisation`` are that organisation's only.
    """
    scope_id = organisation.id if organisation is not None else None
    funnel = funnel_counts(period)
    per_organisation = money_by_organisation(period)
    supporters = supporters_of_supported(period)
    backing: dict[int, int] = defaultdict(int)
    for ids in supporters.values():
        for organisation_id in set(ids):
            backing[organisation_id] += 1
    collective = total(per_organisation.values())
    if organisation is None:
        rows = [OrganisationRow(o, per_organisation.get(o.id, Money()), backing.get(o.id, 0))
                for o in reporting_organisations(set(per_organisation) | set(backing))]
    else:
        rows = [OrganisationRow(organisation, per_organisation.get(organisation.id, Money()),
                                backing.get(organisation.id, 0))]
    themes, stages, areas = breakdowns(period)
    return Figures(
        period=period, organisation=organisation, funnel=funnel,
        sessions_held=sessions_held(period), collective=collective,
        money=rows[0].money if organisation is not None else collective,
        crossed=sum(len(ids) >= 2 for ids in supporters.values()),
        backed=backing.get(organisation.id, 0) if organisation is not None else None,
        medians=medians(period, scope_id), by_theme=themes, by_stage=stages,
        by_priority_area=areas, by_organisation=rows,
        quarters=by_quarter(period, scope_id))


# --- The supported projects (yearly report) ----------------------------------------------

@dataclass
class SupportedProject:
    number: str
    title: str
    structure_name: str
    supported_at: datetime
    organisations: list[str]
    committed_cents: int  # signed conventions, to this day
    in_kind_cents: int


def supported_count(period: Period) -> int:
    """How many projects were supported in the period (from the milestones' index)."""
    return db.session.scalar(select(func.count()).select_from(DossierMilestone).where(
        DossierMilestone.step == DossierState.SUPPORTED,
        _between(DossierMilestone.reached_at, period))) or 0


def supported_projects(period: Period, limit: int | None = None) -> list[SupportedProject]:
    """The projects supported in the period (the first ``limit``), with who backs them and
    what was signed."""
    reached = first_reached()
    in_period = (reached.c.step == "supported", _between(reached.c.at, period))
    dossiers = db.session.execute(
        select(Dossier.id, Dossier.number, Dossier.title, Dossier.structure_name, reached.c.at)
        .join(reached, reached.c.dossier_id == Dossier.id).where(*in_period)
        .order_by(reached.c.at, Dossier.number).limit(limit)).all()
    supporters = supporters_of_supported(period)
    names = {o.id: o.name for o in db.session.scalars(select(Organisation).where(
        Organisation.id.in_({i for ids in supporters.values() for i in ids})))}
    amounts = {dossier_id: (int(committed or 0), int(in_kind or 0))
               for dossier_id, committed, in_kind in db.session.execute(
                   select(Convention.dossier_id, func.sum(Convention.committed_cents),
                          func.sum(Convention.in_kind_cents))
                   .where(Convention.signed_at.is_not(None),
                          Convention.dossier_id.in_([d.id for d in dossiers]))
                   .group_by(Convention.dossier_id))}
    return [SupportedProject(d.number or "", d.title, d.structure_name, d.at,
                             sorted(names[i] for i in supporters.get(d.id, [])),
                             *amounts.get(d.id, (0, 0)))
            for d in dossiers]

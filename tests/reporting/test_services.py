"""The reporting's figures, against a collective built through the real services and counted
by hand.

The year under test is 2025: whatever the services date "now" (2026 and later) stays out of it,
and every date a figure reads is set explicitly.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event

from murporteur.committee import services as committee
from murporteur.committee.models import Decision, Stance
from murporteur.conventions import services as conventions
from murporteur.core.lifecycle import apply_transition
from murporteur.core.timeutil import paris_today
from murporteur.extensions import db
from murporteur.reporting.services import (
    Period,
    PeriodError,
    collective_stats,
    figures,
    supported_projects,
)
from murporteur.submissions.services import submit_dossier
from murporteur.submissions.tallies import backdate_event
from murporteur.triage import services as triage
from murporteur.triage.choices import CallOutcome
from tests.factories import AnimatorFactory, DraftFactory, MemberFactory, OrganisationFactory

YEAR = Period.of_year(2025)


def at(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass
class World:
    animator: object
    lmh: object
    vilogia: object
    dynacite: object
    members: dict
    dossiers: dict = field(default_factory=dict)


class Builder:
    """The steps of a dossier's life through the services, each dated as the test says."""

    def __init__(self, world: World):
        self.w = world

    @staticmethod
    def backdate(dossier, transition, when):
        event_ = [e for e in dossier.events if e.transition == transition][-1]
        backdate_event(event_, when)  # and the milestone it was the first arrival of

    def submit(self, key, title, when):
        dossier = DraftFactory(title=title)
        submit_dossier(dossier, dossier.holder, now=when)
        self.w.dossiers[key] = dossier
        return dossier

    def qualify(self, dossier, call_at, themes, stage="development", area="yes"):
        triage.record_call(dossier, self.w.animator, CallOutcome.REACHED, "Premier échange",
                           at=call_at)
        self.backdate(dossier, "start_qualification", call_at)
        triage.save_qualification(dossier, {
            "stage": stage, "themes": themes, "neighbourhoods": "Mas du Taureau",
            "priority_area": area, "legal_form": "association", "support_kinds": ["financing"],
            "summary": "Un projet pour les habitants.", "opinion": "À présenter."},
            self.w.animator)

    def decide(self, dossier, transition, when, comment=""):
        triage.decide(dossier, transition, self.w.animator, comment)
        self.backdate(dossier, transition, when)

    def session(self, starts_at, dossiers):
        session = committee.create_session(
            self.w.animator, starts_at=starts_at, place="Maison de l'ESS",
            organisations=[self.w.lmh, self.w.vilogia, self.w.dynacite])
        for dossier in dossiers:
            committee.add_item(session, dossier, self.w.animator)
        return session

    def hold(self, session, decisions):
        """``decisions``: dossier -> (decision, {organisation: (offer kind, cents)})."""
        committee.convene(session, self.w.animator)
        for item in session.items:
            decision, offers = decisions[item.dossier]
            for organisation, (kind, cents) in offers.items():
                committee.record_position(
                    item, self.w.members[organisation], stance=Stance.SUPPORTS,
                    offer_kinds=[kind], amount_cents=cents, comment="", expected_version=None)
            committee.record_decision(item, decision, self.w.animator,
                                      "Pas de local adapté." if decision ==
                                      Decision.NOT_SUPPORTED else "",
                                      supporters=list(offers))
        committee.publish_decisions(session, self.w.animator)
        published = session.starts_at.replace(hour=session.starts_at.hour + 2)
        for item in session.items:
            item.decision_published_at = published
            transition = committee.DECISION_TRANSITIONS[item.decision]
            self.backdate(item.dossier, transition, published)

    def sign(self, dossier, organisation, when):
        if not dossier.conventions:
            conventions.create_conventions(dossier, self.w.animator)
        convention = next(c for c in dossier.conventions
                          if c.organisation_id == organisation.id)
        apply_transition(convention, "send_for_signature", self.w.animator)
        apply_transition(convention, "sign", self.w.animator)
        convention.signed_at = when
        return convention

    def pay(self, convention, planned, cents, paid=None):
        payment = conventions.schedule_payment(convention, self.w.animator, planned, cents)
        if paid is not None:
            conventions.mark_paid(payment, self.w.animator, paid, cents)
        return payment


def build_world() -> World:
    lmh = OrganisationFactory(name="Lyon Métropole Habitat")
    vilogia = OrganisationFactory(name="Vilogia")
    dynacite = OrganisationFactory(name="Dynacité")
    w = World(AnimatorFactory(full_name="Camille Dubois"), lmh, vilogia, dynacite,
              {o: MemberFactory(organisation=o) for o in (lmh, vilogia, dynacite)})
    b = Builder(w)
    # F: the year before — supported in 2024, one convention signed in 2024, one in 2025.
    f = b.submit("F", "Ludothèque", at(2024, 10, 1))
    b.qualify(f, at(2024, 10, 15), ["early_childhood"])
    b.decide(f, "retain", at(2024, 11, 10))
    s0 = b.session(at(2024, 12, 11, 13), [f])
    b.hold(s0, {f: (Decision.SUPPORTED, {dynacite: ("financing", 200000),
                                         lmh: ("financing", 100000)})})
    b.pay(b.sign(f, lmh, at(2024, 12, 20)), date(2024, 12, 30), 100000, date(2024, 12, 30))
    b.pay(b.sign(f, dynacite, at(2025, 1, 20)), date(2025, 2, 15), 200000, date(2025, 2, 15))
    # H: sent on 31 December 2024 at 23:30 UTC, that is 1 January 2025 in Paris.
    b.submit("H", "Boîte à livres", at(2024, 12, 31, 23, 30))
    a = b.submit("A", "Café solidaire", at(2025, 1, 10, 9))
    b.qualify(a, at(2025, 1, 20), ["food", "social_link"], "development", "yes")
    b.decide(a, "retain", at(2025, 2, 1))
    bike = b.submit("B", "Atelier vélo", at(2025, 1, 25))
    b.qualify(bike, at(2025, 2, 8), ["mobility"], "emergence", "no")
    b.decide(bike, "retain", at(2025, 2, 20))
    c = b.submit("C", "Repair café", at(2025, 2, 1))
    b.qualify(c, at(2025, 2, 5), ["reuse"], "consolidation", "yes")
    b.decide(c, "retain", at(2025, 2, 25))
    d = b.submit("D", "Recyclerie", at(2025, 3, 1))
    b.qualify(d, at(2025, 3, 31), ["reuse", "inclusion"], "mature", "no")
    b.decide(d, "decline", at(2025, 4, 10), "Hors du champ du collectif.")
    s1 = b.session(at(2025, 3, 12, 13), [a, bike, c])
    b.hold(s1, {a: (Decision.SUPPORTED, {lmh: ("financing", 800000),
                                         vilogia: ("premises", 300000)}),
                bike: (Decision.SUPPORTED, {lmh: ("financing", 400000)}),
                c: (Decision.NOT_SUPPORTED, {})})
    a_lmh = b.sign(a, lmh, at(2025, 4, 15))
    b.pay(a_lmh, date(2025, 6, 1), 500000, date(2025, 6, 1))
    b.pay(a_lmh, date(2025, 12, 15), 300000)  # planned, not paid yet
    b.sign(a, vilogia, at(2025, 5, 20))
    b.pay(b.sign(bike, lmh, at(2025, 9, 10)), date(2025, 10, 1), 400000, date(2025, 10, 5))
    g = b.submit("G", "Épicerie solidaire", at(2025, 6, 1))
    b.qualify(g, at(2025, 6, 3), ["food"])
    b.decide(g, "retain", at(2025, 6, 20))
    b.session(at(2025, 12, 10, 13), [g])  # planned, never held: not presented
    b.submit("E", "Jardin partagé", at(2025, 11, 20))
    db.session.flush()
    return w


@pytest.fixture
def world(app):
    return build_world()


# Counted by hand from build_world, for 2025.
EXPECTED_2025 = {"received": 7, "qualified": 5, "retained": 4, "presented": 3, "supported": 2,
                 "conventioned": 2, "committed_cents": 1_400_000, "paid_cents": 1_100_000,
                 "in_kind_cents": 300_000, "crossed_share": 0.5}


def test_the_funnel_counts_each_dossier_once_where_it_first_reached_each_step(world):
    result = figures(YEAR)
    assert result.funnel == {"received": 7, "qualified": 5, "retained": 4, "presented": 3,
                             "supported": 2, "conventioned": 2}
    assert result.sessions_held == 1
    previous = figures(Period.of_year(2024))
    # F was received, qualified, retained, presented, supported and conventioned in 2024;
    # H was sent on 31 December UTC but 1 January in Paris.
    assert previous.funnel == {"received": 1, "qualified": 1, "retained": 1, "presented": 1,
                               "supported": 1, "conventioned": 1}


def test_money_counts_conventions_signed_and_payments_made_in_the_period(world):
    money = figures(YEAR).collective
    assert (money.conventions, money.committed_cents, money.in_kind_cents,
            money.paid_cents) == (4, 1_400_000, 300_000, 1_100_000)
    assert all(isinstance(v, int) for v in (money.committed_cents, money.paid_cents))


def test_the_share_of_crossed_interventions(world):
    result = figures(YEAR)
    assert (result.crossed, result.supported, result.crossed_share) == (1, 2, 0.5)
    assert figures(Period.of_year(2024)).crossed_share == 1.0
    assert figures(Period.of_year(2023)).crossed_share is None


def test_median_days_from_submission(world):
    medians = figures(YEAR).medians
    # First calls: 10, 14, 4, 30 and 2 days; committee: 61, 46 and 39 days;
    # first signed convention: 95 and 228 days.
    assert (medians.first_call, medians.committee, medians.convention) == (10, 46, 161.5)
    assert medians.sizes == {"first_call": 5, "committee": 3, "convention": 2}


def test_breakdowns_by_theme_stage_and_priority_neighbourhood(world):
    result = figures(YEAR)
    themes = {row.key: row.counts for row in result.by_theme}
    assert {k: v["received"] for k, v in themes.items()} == {
        "food": 2, "social_link": 1, "mobility": 1, "reuse": 2, "inclusion": 1, None: 2}
    assert {k: v["supported"] for k, v in themes.items() if v["supported"]} == {
        "food": 1, "social_link": 1, "mobility": 1}
    # The qualification's answer when saved, else the holder's (DraftFactory: development, QPV).
    assert {r.key: r.counts["received"] for r in result.by_stage} == {
        "emergence": 1, "development": 4, "consolidation": 1, "mature": 1}
    assert {r.key: r.counts["received"] for r in result.by_priority_area} == {"yes": 5, "no": 2}
    assert [r.key for r in result.by_stage] == ["emergence", "development", "consolidation",
                                                "mature"]


def test_per_organisation_money_and_supported_projects(world):
    rows = {r.organisation.name: r for r in figures(YEAR).by_organisation}
    assert set(rows) == {"Lyon Métropole Habitat", "Vilogia", "Dynacité"}
    lmh, vilogia, dynacite = (rows["Lyon Métropole Habitat"], rows["Vilogia"],
                              rows["Dynacité"])
    assert (lmh.money.conventions, lmh.money.committed_cents, lmh.money.paid_cents,
            lmh.money.in_kind_cents, lmh.supported) == (2, 1_200_000, 900_000, 0, 2)
    assert (vilogia.money.conventions, vilogia.money.committed_cents,
            vilogia.money.in_kind_cents, vilogia.supported) == (1, 0, 300_000, 1)
    assert (dynacite.money.conventions, dynacite.money.committed_cents,
            dynacite.money.paid_cents, dynacite.supported) == (1, 200_000, 200_000, 0)


def test_an_organisations_view_keeps_its_money_and_the_collectives_totals(world):
    result = figures(YEAR, world.dynacite)
    assert [r.organisation for r in result.by_organisation] == [world.dynacite]
    assert (result.money.conventions, result.money.committed_cents,
            result.money.paid_cents, result.backed) == (1, 200_000, 200_000, 0)
    assert result.collective.committed_cents == 1_400_000
    # Dynacité's own convention was signed 111 days after F was submitted.
    assert result.medians.convention == 111
    assert result.funnel["conventioned"] == 2  # the funnel stays the collective's
    quarters = {q.period.label: q.money.committed_cents for q in result.quarters}
    assert quarters == {"2025-Q1": 200_000, "2025-Q2": 0, "2025-Q3": 0, "2025-Q4": 0}


def test_a_quarter_and_the_quarters_of_the_year(world):
    q1 = figures(Period.of_quarter("2025-Q1"))
    assert q1.funnel == {"received": 5, "qualified": 4, "retained": 3, "presented": 3,
                         "supported": 2, "conventioned": 0}
    assert (q1.collective.committed_cents, q1.collective.paid_cents) == (200_000, 200_000)
    quarters = figures(YEAR).quarters
    assert [q.counts["received"] for q in quarters] == [5, 1, 0, 1]
    assert [q.money.committed_cents for q in quarters] == [200_000, 800_000, 400_000, 0]
    assert [q.money.paid_cents for q in quarters] == [200_000, 500_000, 0, 400_000]
    assert sum(q.counts["qualified"] for q in quarters) == figures(YEAR).qualified


def test_the_supported_projects_with_their_organisations_and_amounts(world):
    projects = supported_projects(YEAR)
    assert [(p.title, p.organisations, p.committed_cents, p.in_kind_cents) for p in projects] == [
        ("Café solidaire", ["Lyon Métropole Habitat", "Vilogia"], 800_000, 300_000),
        ("Atelier vélo", ["Lyon Métropole Habitat"], 400_000, 0)]


def test_collective_stats_is_the_json_of_the_year(world):
    import json

    stats = collective_stats(2025)
    assert stats == EXPECTED_2025
    assert json.loads(json.dumps(stats)) == stats
    assert isinstance(stats["crossed_share"], float)
    assert collective_stats(2023)["crossed_share"] == 0.0


def test_the_number_of_queries_does_not_grow_with_the_data(world):
    engine = db.session.get_bind()
    statements = []

    def count(*_args):
        statements.append(1)

    from murporteur.collective import references

    references.keys("theme")  # the reference lists are read once per request, not per figure
    event.listen(engine, "before_cursor_execute", count)
    try:
        figures(YEAR)
        supported_projects(YEAR)
        first = len(statements)
        b = Builder(world)
        for n in range(6):
            dossier = b.submit(f"X{n}", f"Projet {n}", at(2025, 4, 2 + n))
            b.qualify(dossier, at(2025, 4, 20), ["culture", "health"])
            b.decide(dossier, "retain", at(2025, 4, 25))
        db.session.flush()
        statements.clear()
        figures(YEAR)
        supported_projects(YEAR)
        assert len(statements) == first
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert 0 < first <= 20, first


# --- Periods -------------------------------------------------------------------------------

def test_periods_of_a_year_a_quarter_and_a_custom_range():
    assert Period.of_year(2026) == Period(date(2026, 1, 1), date(2026, 12, 31), "2026", "year")
    q4 = Period.of_quarter("2026-Q4")
    assert (q4.start, q4.end, q4.label) == (date(2026, 10, 1), date(2026, 12, 31), "2026-Q4")
    assert Period.of_quarter("2026-t1").end == date(2026, 3, 31)
    custom = Period.custom(date(2026, 3, 1), date(2026, 5, 31))
    assert custom.label == "01/03/2026 – 31/05/2026" and custom.slug == "2026-03-01_2026-05-31"
    start, until = Period.of_year(2026).bounds
    assert start == datetime(2025, 12, 31, 23, tzinfo=UTC)  # midnight in Paris
    assert until == datetime(2026, 12, 31, 23, tzinfo=UTC)


@pytest.mark.parametrize("args, label", [
    ({"year": "2025"}, "2025"), ({"year": "2025", "quarter": "2"}, "2025-Q2"),
    ({"quarter": "2025-Q3"}, "2025-Q3"),
    ({"from": "2025-03-01", "to": "2025-05-31"}, "01/03/2025 – 31/05/2025"),
])
def test_periods_read_from_the_url(app, args, label):
    period, errors = Period.from_args(args)
    assert (period.label, errors) == (label, [])
    assert Period.from_args(period.to_args())[0] == period


@pytest.mark.parametrize("args, message", [
    ({"year": "deux-mille"}, "L'année « deux-mille » n'est pas comprise"),
    ({"year": "1899"}, "L'année « 1899 » n'est pas comprise"),
    ({"year": "2025", "quarter": "5"}, "Le trimestre « 5 » n'est pas compris"),
    ({"from": "2025-02-30", "to": "2025-03-01"}, "La date « 2025-02-30 » n'est pas comprise"),
    ({"from": "2025-03-01"}, "Indiquez la date de début et la date de fin"),
    ({"from": "2025-05-01", "to": "2025-03-01"}, "La date de début de la période est après"),
])
def test_a_period_that_cannot_be_read_is_explained_and_the_current_year_shown(app, args,
                                                                               message):
    period, errors = Period.from_args(args)
    assert period == Period.of_year(paris_today().year)
    assert len(errors) == 1 and errors[0].startswith(message)


def test_a_bad_period_code_raises_a_domain_error(app):
    with pytest.raises(PeriodError, match="Le trimestre « 2026-Q5 » n'est pas compris"):
        Period.of_quarter("2026-Q5")

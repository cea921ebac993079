"""Demo data of issue 18 (follow-up): on the first signed convention, indicators with their
targets, two reports the holder submitted (the first read by the organisation, so locked; the
second still correctable), one reporting date passed without a report (overdue), one to come,
and the holder's request for the scheduled payment, waiting for the organisation's
decision."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from murporteur.accounts.signatories import current_signatory
from murporteur.conventions import followup, followup_changes
from murporteur.conventions.models import Convention, IndicatorKind
from murporteur.conventions.workflow import ENDING_STATES
from murporteur.core.timeutil import paris_today
from murporteur.extensions import db

REPORTS = (
    (120, {IndicatorKind.PEOPLE: 35, IndicatorKind.JOBS: 0, IndicatorKind.HOURS: 140},
     "Le local est aménagé ; les premiers ateliers ont réuni une trentaine d'habitants."),
    (60, {IndicatorKind.PEOPLE: 82, IndicatorKind.JOBS: 1, IndicatorKind.HOURS: 360},
     "Une animatrice a été recrutée à mi-temps ; les ateliers du mercredi sont complets."),
)


def seed_followup(animator) -> None:
    running = list(db.session.scalars(select(Convention).where(
        Convention.state.in_(ENDING_STATES)).order_by(Convention.id)))
    if not running:
        return
    # One with a payment still to ask for, if there is one: the request is shown too.
    convention = next((c for c in running if followup.requestable(c)), running[0])
    today = paris_today()
    indicators = {
        IndicatorKind.PEOPLE: followup.add_indicator(convention, animator,
                                                     IndicatorKind.PEOPLE, 150),
        IndicatorKind.JOBS: followup.add_indicator(convention, animator, IndicatorKind.JOBS, 2),
        IndicatorKind.HOURS: followup.add_indicator(convention, animator,
                                                    IndicatorKind.HOURS, 800),
    }
    followup.add_indicator(convention, animator, IndicatorKind.FREE, 24, name="Ateliers",
                           unit="ateliers")
    holder = convention.dossier.holder
    reports = []
    for days_ago, figures, text in REPORTS:
        reporting_date = followup.add_reporting_date(convention, animator,
                                                     today - timedelta(days=days_ago))
        values = {indicators[kind].id: value for kind, value in figures.items()}
        values.update({i.id: 9 for i in convention.indicators if i.id not in values})
        reports.append(followup.submit_report(reporting_date, holder, values, text))
    reader = current_signatory(convention.organisation_id) or animator
    followup_changes.acknowledge_report(reports[0], reader)
    followup.add_reporting_date(convention, animator, today - timedelta(days=10))  # overdue
    followup.add_reporting_date(convention, animator, today + timedelta(days=80))
    payment = next(iter(followup.requestable(convention)), None)
    if payment is not None:
        followup.request_payment(payment, holder, "Les travaux du local sont terminés : "
                                 "la première échéance est due.")

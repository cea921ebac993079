"""The report's page gives the flash meetings' qualified exchanges (a member: their own
organisation's) and the crossed interventions' share year after year."""

from datetime import UTC, datetime

from murporteur.extensions import db
from murporteur.meetings import follow_ups, services
from murporteur.meetings.models import Outcome
from murporteur.reporting.exchanges import crossed_trend, flash_exchanges
from murporteur.reporting.periods import Period
from tests.conftest import login
from tests.factories import MemberFactory, OrganisationFactory, submitted_dossier
from tests.helpers import text

MARCH = datetime(2026, 3, 12, 8, 30, tzinfo=UTC)


def held_event(animator):
    event = services.create_event(animator, title="Rencontres de mars", place="Lyon",
                                  starts_at=MARCH, slot_minutes=15, slot_count=4, tables=2,
                                  breaks=[])
    alliade, dynacite = OrganisationFactory(name="Alliade Habitat"), OrganisationFactory(
        name="Dynacité")
    a = MemberFactory(organisation=alliade)
    b = MemberFactory(organisation=dynacite)
    holder, _t = services.add_holder_of(animator, event, submitted_dossier())
    rep_a, _t = services.add_member(animator, event, a)
    rep_b, _t = services.add_member(animator, event, b)
    m1 = services.place_meeting(animator, event, holder=holder, representative=rep_a, slot=0,
                                table=1)
    m2 = services.place_meeting(animator, event, holder=holder, representative=rep_b, slot=1,
                                table=1)
    services.transition(event, "publish", animator)
    services.transition(event, "hold", animator)
    follow_ups.record_follow_up(holder, m1, Outcome.INTERESTED)
    follow_ups.record_follow_up(rep_b, m2, Outcome.NOT_INTERESTED)
    return event, a, alliade, dynacite


def test_qualified_exchanges_per_event_and_organisation(animator):
    event, _a, alliade, dynacite = held_event(animator)
    year = flash_exchanges(Period.of_year(2026))
    assert [(r.event.id, r.meetings, r.qualified) for r in year["events"]] == [(event.id, 2, 1)]
    assert year["per_organisation"] == [("Alliade Habitat", 1)]
    assert flash_exchanges(Period.of_year(2026), dynacite.id)["qualified"] == 0
    assert flash_exchanges(Period.of_year(2025))["events"] == []


def test_the_crossed_trend_covers_five_years(app):
    trend = crossed_trend(2026)
    assert [row[0] for row in trend] == [2022, 2023, 2024, 2025, 2026]
    assert all(row[3] is None for row in trend)  # nothing supported yet: no share, not 0 %


def test_the_report_page_shows_them_and_a_member_sees_their_organisation_only(app, animator):
    _event, member, _alliade, _dynacite = held_event(animator)
    db.session.commit()
    client = app.test_client()
    login(client, animator)
    page = text(client.get("/rapports/?year=2026"))
    assert "Rencontres de mars" in page and "Alliade Habitat : 1" in page
    assert "Interventions croisées, année après année" in page
    client = app.test_client()
    login(client, member)
    page = text(client.get("/rapports/?year=2026"))
    assert "Rencontres de mars" in page and "Alliade Habitat : 1" in page

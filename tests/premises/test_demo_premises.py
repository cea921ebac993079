"""The demo's premises: about thirty units of the demo landlords, in every state."""

from sqlalchemy import func, select

from murporteur.extensions import db
from murporteur.premises import reporting
from murporteur.premises.models import PremisesUnit


def test_the_demo_has_thirty_units_public_offered_let_and_withdrawn(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    units = list(db.session.scalars(select(PremisesUnit)))
    assert len(units) == 30
    assert len({u.organisation_id for u in units}) >= 5
    states = dict(db.session.execute(select(PremisesUnit.state, func.count())
                                     .group_by(PremisesUnit.state)).tuples().all())
    assert states.keys() == {"available", "under_discussion", "let", "withdrawn"}
    assert any(u.is_public for u in units) and not all(u.is_public for u in units)
    assert all(u.events[-1].to_state == u.state for u in units if u.events)
    years = {e.created_at.year for u in units for e in u.events}
    assert any(line.let for year in years for line in reporting.figures(year))

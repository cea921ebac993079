"""The unit follows its premises convention: let when the convention is signed, available
again when it ends. The conventions sit above the premises: they are heard through their
signal, and read only through the sender's ``premises_unit_id``."""

from __future__ import annotations

from murporteur import signals
from murporteur.extensions import db
from murporteur.premises import services
from murporteur.premises.models import PremisesUnit

SIGNED = "signed"
ENDED = frozenset({"completed", "terminated"})


@signals.convention_transitioned.connect
def _unit_follows_its_convention(convention, event, actor=None, **_extra) -> None:
    unit_id = getattr(convention, "premises_unit_id", None)
    if unit_id is None:
        return
    unit = db.session.get(PremisesUnit, unit_id)
    if unit is None:
        return
    if event.to_state == SIGNED:
        services.let_unit(unit, convention_id=convention.id,
                          in_kind_cents=convention.in_kind_cents or 0, actor=None)
    elif event.to_state in ENDED:
        services.end_letting(unit, convention_id=convention.id, actor=None)

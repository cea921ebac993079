"""Premises and ideas that fit each other: for a dossier seeking premises, the compatible
units, ranked; for a unit, the ideas that could use it.

The score is a sum of plain reasons, each shown beside the unit: the unit the holder chose
(5), a town wanted (3), a neighbourhood of the idea (2), the surface within the range (2), the
use wanted (1), available now (1). A unit with none of the first four is not a match."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, select, true
from sqlalchemy.orm import joinedload

from murporteur.core.timeutil import paris_today
from murporteur.extensions import db
from murporteur.premises.models import PremisesUnit, PremisesWish
from murporteur.premises.policies import visible_units
from murporteur.premises.workflow import OFFERABLE, UnitState
from murporteur.submissions.choices import SupportKind
from murporteur.submissions.models import Dossier
from murporteur.submissions.policies import visible_dossiers
from murporteur.submissions.workflow import DossierState

MAX_MATCHES = 10


def _fold(text: str) -> str:
    """Lower case, no accents: "Vénissieux" and "venissieux" are one town."""
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()


@dataclass
class Match:
    unit: PremisesUnit
    score: int = 0
    reasons: list = field(default_factory=list)


def wish_of(dossier: Dossier) -> PremisesWish | None:
    return db.session.scalar(select(PremisesWish).where(PremisesWish.dossier_id == dossier.id))


def seeks_premises(dossier: Dossier) -> bool:
    """The holder asked for premises (the support ticked, or a wish said with the idea)."""
    return SupportKind.PREMISES in (dossier.support_kinds or []) or wish_of(dossier) is not None


def score(unit: PremisesUnit, dossier: Dossier, wish: PremisesWish | None,
          today: date) -> Match:
    match = Match(unit)

    def add(points: int, reason) -> None:
        match.score += points
        match.reasons.append(reason)

    towns = {_fold(t) for t in (wish.town_list if wish and wish.town_list else [dossier.town])
             if t}
    if wish is not None and wish.unit_id == unit.id:
        add(5, _l("choisi par le porteur"))
    if _fold(unit.town) in towns:
        add(3, _l("commune souhaitée"))
    if unit.neighbourhood and _fold(unit.neighbourhood) in _fold(dossier.neighbourhoods):
        add(2, _l("quartier du projet"))
    if wish is not None and (wish.surface_min or wish.surface_max) and \
            (wish.surface_min or 0) <= unit.surface_m2 <= (wish.surface_max or 10**9):
        add(2, _l("surface dans la fourchette"))
    if match.score == 0:
        return match
    if wish is not None and wish.use and wish.use in (unit.uses or []):
        add(1, _l("usage possible"))
    if unit.state == UnitState.AVAILABLE and (unit.available_from is None
                                              or unit.available_from <= today):
        add(1, _l("libre dès maintenant"))
    return match


@dataclass
class Suggestions:
    """What a dossier's page shows of the premises: the units that fit, and the wish said."""

    wish: PremisesWish | None
    matches: list[Match]


def suggestions(dossier: Dossier, user) -> Suggestions:
    """The units ``user`` may see that fit ``dossier`` (best first), with the holder's wish.

    Two statements whatever the dossier, so that its page's count does not depend on it
    (``tests/core/test_query_counts.py``): the wish, then the units with their organisations
    (named beside each match); the units' statement asks for none when the dossier seeks no
    premises."""
    wish = wish_of(dossier)
    seeking = SupportKind.PREMISES in (dossier.support_kinds or []) or wish is not None
    today = paris_today()
    units = db.session.scalars(visible_units(user).where(
        PremisesUnit.state.in_(OFFERABLE), true() if seeking else false())
        .options(joinedload(PremisesUnit.organisation)).order_by(PremisesUnit.id))
    matches = [m for m in (score(u, dossier, wish, today) for u in units) if m.score > 0]
    matches.sort(key=lambda m: (-m.score, m.unit.surface_m2, m.unit.id))
    return Suggestions(wish, matches[:MAX_MATCHES])


def compatible_units(dossier: Dossier, user) -> list[Match]:
    """The units ``user`` may see that fit ``dossier``, best first."""
    return suggestions(dossier, user).matches


def ideas_for_unit(unit: PremisesUnit, user) -> list[tuple[Dossier, Match]]:
    """The dossiers ``user`` may see that seek premises and that ``unit`` fits, best first."""
    query = visible_dossiers(user).where(Dossier.state.not_in(
        (DossierState.DRAFT, DossierState.WITHDRAWN, DossierState.DECLINED,
         DossierState.REDIRECTED, DossierState.CLOSED))).order_by(Dossier.id.desc())
    wishes = {w.dossier_id: w for w in db.session.scalars(select(PremisesWish))}
    today = paris_today()
    found = []
    for dossier in db.session.scalars(query.limit(1000)):
        wish = wishes.get(dossier.id)
        if wish is None and SupportKind.PREMISES not in (dossier.support_kinds or []):
            continue
        match = score(unit, dossier, wish, today)
        if match.score > 0:
            found.append((dossier, match))
    found.sort(key=lambda pair: -pair[1].score)
    return found[:MAX_MATCHES]

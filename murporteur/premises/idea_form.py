"""The idea form's "local" section (``submissions.extensions``): a holder arriving from a
unit's page ("Proposer une idée pour ce local", ``/deposer?local=<id>``), or saying they seek
premises (``/deposer?local=oui``), tells the surface range and the towns wanted; both are kept
in the premises' own table (``PremisesWish``) with the draft."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from murporteur.core import params
from murporteur.extensions import db
from murporteur.premises.forms import whole_number
from murporteur.premises.models import SURFACE_MAX, PremisesUnit, PremisesWish
from murporteur.premises.policies import public_units
from murporteur.submissions import extensions
from murporteur.submissions.models import Dossier

SEEKING = "oui"
TEMPLATE = "premises/_idea_section.html"


def _unit(value: str) -> PremisesUnit | None:
    """The public available unit ``value`` names, or None."""
    unit_id = params.identifier(value)
    if unit_id is None:
        return None
    return db.session.scalar(public_units().where(PremisesUnit.id == unit_id))


def _wish(dossier: Dossier | None) -> PremisesWish | None:
    if dossier is None or dossier.id is None:
        return None
    return db.session.scalar(select(PremisesWish).where(PremisesWish.dossier_id == dossier.id))


class PremisesSection(extensions.IdeaFormExtension):
    param = "local"

    def value_for(self, dossier: Dossier) -> str | None:
        wish = _wish(dossier)
        if wish is None:
            return None
        return str(wish.unit_id) if wish.unit_id else SEEKING

    def section(self, value, *, dossier, posted, staging_key):
        wish = _wish(dossier)
        unit = None if value == SEEKING else (wish.unit if wish and wish.unit_id and
                                              str(wish.unit_id) == value else _unit(value))
        if posted is not None:
            typed = {name: posted.get(f"local_{name}", "") for name in ("surface_min",
                                                                       "surface_max", "towns")}
        elif wish is not None:
            typed = {"surface_min": wish.surface_min or "", "surface_max": wish.surface_max or "",
                     "towns": wish.towns}
        else:
            typed = {"surface_min": "", "surface_max": "",
                     "towns": unit.town if unit is not None else ""}
        return extensions.Section(TEMPLATE, "section-local", str(_l("Le local que vous "
                                                                    "cherchez")),
                                  {"unit": unit, **typed})

    def check(self, value, posted, files, *, dossier, submitting, staging_key):
        errors: dict[str, str] = {}
        if value != SEEKING and _unit(value) is None and not (
                (wish := _wish(dossier)) is not None and str(wish.unit_id) == value):
            errors["local"] = str(_l("Ce local n'est plus proposé : dites la surface et les "
                                     "communes que vous cherchez."))
        low, high = (posted.get("local_surface_min", "").strip(),
                     posted.get("local_surface_max", "").strip())
        low_n, high_n = whole_number(low), whole_number(high)
        if low and (low_n is None or not 0 <= low_n <= SURFACE_MAX):
            errors["surface_min"] = str(_l("Indiquez une surface en m², un nombre entier de 0 "
                                           "à %(high)d.", high=SURFACE_MAX))
        if high and (high_n is None or not 0 <= high_n <= SURFACE_MAX):
            errors["surface_max"] = str(_l("Indiquez une surface en m², un nombre entier de 0 "
                                           "à %(high)d.", high=SURFACE_MAX))
        if "surface_min" not in errors and "surface_max" not in errors and \
                low_n is not None and high_n is not None and low_n > high_n:
            errors["surface_max"] = str(_l("La surface maximale est plus petite que la "
                                           "minimale."))
        if len(posted.get("local_towns", "")) > 300:
            errors["towns"] = str(_l("Ce texte est trop long : %(max)d caractères au plus.",
                                     max=300))
        return errors

    def save(self, value, dossier, posted, files, *, submitting, staging_key):
        wish = _wish(dossier)
        if wish is None:
            wish = PremisesWish(dossier_id=dossier.id)
            db.session.add(wish)
        if value != SEEKING:
            unit = _unit(value)
            if unit is not None:
                wish.unit_id = unit.id
                wish.use = unit.uses[0] if unit.uses else None
        wish.surface_min = whole_number(posted.get("local_surface_min", ""))
        wish.surface_max = whole_number(posted.get("local_surface_max", ""))
        wish.towns = posted.get("local_towns", "").strip()[:300]
        db.session.flush()


extensions.register(PremisesSection())

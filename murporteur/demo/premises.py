"""Demo premises: about thirty vacant units of the demo landlords, on real ground floors of
the Lyon metropolitan area's neighbourhoods (most of them priority neighbourhoods), some
public, some offered to a project, some let under a convention, one withdrawn — each moved
through the real lifecycle, so that its history is the one the app writes."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from murporteur.accounts.models import OrganisationKind, User
from murporteur.core.lifecycle import apply_transition
from murporteur.extensions import db
from murporteur.premises import services
from murporteur.premises.models import Letting

#: (town, neighbourhood, QPV, latitude, longitude, street)
PLACES = [
    ("Vénissieux", "Les Minguettes", True, 45.7081, 4.8867, "avenue Jean Cagne"),
    ("Vénissieux", "Parilly", True, 45.7210, 4.8900, "rue Gaston Monmousseau"),
    ("Vaulx-en-Velin", "Mas du Taureau", True, 45.7787, 4.9290, "avenue Maurice Thorez"),
    ("Vaulx-en-Velin", "Grande-Île", True, 45.7760, 4.9330, "rue Jean Lesire"),
    ("Lyon 9e", "La Duchère", True, 45.7866, 4.7964, "avenue du Plateau"),
    ("Lyon 8e", "Mermoz", True, 45.7330, 4.8810, "rue Mermoz"),
    ("Lyon 8e", "États-Unis", True, 45.7380, 4.8660, "boulevard des États-Unis"),
    ("Villeurbanne", "Saint-Jean", True, 45.7760, 4.9050, "rue Saint-Jean"),
    ("Villeurbanne", "Les Buers", True, 45.7750, 4.8960, "rue Pierre Baratin"),
    ("Rillieux-la-Pape", "Ville Nouvelle", True, 45.8200, 4.8970, "avenue de l'Europe"),
    ("Bron", "Parilly", True, 45.7320, 4.9060, "boulevard de Parilly"),
    ("Saint-Fons", "Carnot-Parmentier", True, 45.7060, 4.8560, "rue Carnot"),
    ("Saint-Priest", "Bellevue", True, 45.6970, 4.9440, "rue Maréchal Leclerc"),
    ("Givors", "Les Vernes", True, 45.5870, 4.7700, "rue Jean Ligonnet"),
    ("Décines-Charpieu", "Le Prainet", True, 45.7690, 4.9600, "rue du Prainet"),
    ("Oullins", "La Saulaie", True, 45.7170, 4.8190, "rue de la Saulaie"),
    ("Lyon 7e", "Gerland", False, 45.7300, 4.8330, "rue de Gerland"),
    ("Lyon 1er", "Pentes de la Croix-Rousse", False, 45.7700, 4.8310, "montée de la Grande-Côte"),
]
TITLES = ["Local d'angle en pied d'immeuble", "Ancien commerce avec vitrine",
          "Local associatif en rez-de-chaussée", "Ancienne loge de gardien",
          "Atelier sur cour", "Local traversant avec réserve"]
USES = [["shop", "activities"], ["food", "shop"], ["activities", "office"], ["office"],
        ["workshop", "storage"], ["workshop", "activities"]]
LEASES = [["social_utility"], ["precarious", "convention"], ["commercial", "social_utility"],
          ["convention"]]


def seed_premises(members: list[User], animator: User, now: datetime,
                  rng: random.Random) -> list:
    """About thirty units spread over the landlords that have a demo member."""
    keepers = [m for m in members if m.organisation is not None
               and m.organisation.kind == OrganisationKind.LANDLORD]
    units = []
    for index in range(30):
        keeper = keepers[index % len(keepers)]
        town, area, qpv, lat, lon, street = PLACES[index % len(PLACES)]
        free = index % 4 == 0
        unit = services.save_unit(
            None, keeper, keeper.organisation, title=TITLES[index % len(TITLES)],
            address=f"{rng.randint(2, 120)} {street}", town=town, neighbourhood=area, qpv=qpv,
            surface_m2=rng.choice([25, 35, 48, 60, 75, 90, 120, 150, 210]),
            floor=0 if index % 7 else -1 if index % 2 else 1, step_free=index % 3 != 1,
            uses=USES[index % len(USES)],
            rent_cents=None if free else rng.choice([150, 250, 380, 450, 600, 900]) * 100,
            lease_types=LEASES[index % len(LEASES)],
            available_from=(now + timedelta(days=30 * (index % 5))).date()
            if index % 3 == 0 else None,
            description="Local vacant au rez-de-chaussée d'une résidence du bailleur, "
                        "proche des commerces et du tramway.",
            visibility="public" if index % 3 != 2 else "collective",
            latitude=lat + rng.uniform(-0.003, 0.003), longitude=lon + rng.uniform(-0.003, 0.003))
        unit.created_at = now - timedelta(days=300 - index * 7)
        units.append(unit)
    at = now - timedelta(days=60)
    for unit in units[3:7]:  # offered at the last committee
        apply_transition(unit, "offer", _keeper(unit, keepers), at=at)
    for unit in units[7:10]:  # let under a convention: what the reports count
        apply_transition(unit, "offer", _keeper(unit, keepers), at=at - timedelta(days=90))
        apply_transition(unit, "let", None, at=at - timedelta(days=30))
        db.session.add(Letting(unit=unit, organisation_id=unit.organisation_id,
                               surface_m2=unit.surface_m2, started_at=at - timedelta(days=30),
                               in_kind_cents=(unit.rent_cents or 30000) * 12))
    apply_transition(units[10], "withdraw", animator, "Travaux de réhabilitation de la résidence",
                     at=at)
    db.session.flush()
    return units


def _keeper(unit, keepers: list[User]) -> User:
    return next(k for k in keepers if k.organisation_id == unit.organisation_id)




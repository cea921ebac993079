"""Demo data of the collective's organisations (issue 15): short names, territories, and the
Banque des Territoires as a financer, so that the admins' pages show what they hold."""

from __future__ import annotations

from sqlalchemy import select

from murporteur.accounts.models import Organisation, OrganisationKind
from murporteur.extensions import db

DETAILS = {
    "Lyon Métropole Habitat": ("LMH", "Métropole de Lyon"),
    "Est Métropole Habitat": ("EMH", "Est lyonnais"),
    "Grand Lyon Habitat": ("GLH", "Métropole de Lyon"),
    "Dynacité": ("DYN", "Ain, Rhône"),
    "Alliade Habitat": ("Alliade", "Rhône"),
    "Vilogia": ("Vilogia", "Auvergne-Rhône-Alpes"),
    "Banque des Territoires": ("BdT", "Auvergne-Rhône-Alpes"),
    "Caisse d'Épargne Rhône-Alpes": ("CERA", "Rhône-Alpes"),
    "CRESS Auvergne-Rhône-Alpes": ("CRESS AURA", "Auvergne-Rhône-Alpes"),
}


def seed_organisation_details() -> None:
    for organisation in db.session.scalars(select(Organisation)):
        short_name, territory = DETAILS.get(organisation.name, (None, None))
        organisation.short_name = organisation.short_name or short_name
        organisation.territory = organisation.territory or territory
        if organisation.name == "Banque des Territoires":
            organisation.kind = OrganisationKind.FINANCER
    db.session.flush()

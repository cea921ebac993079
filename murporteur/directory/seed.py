"""Demo structures of the directory: the kinds an ESS house in the Lyon area redirects to.

Names are invented; contacts and sites use the reserved ``.example`` domain.
"""

from __future__ import annotations

from sqlalchemy import select

from murporteur.directory.models import StructureKind, SupportStructure
from murporteur.directory.services import save_structure
from murporteur.extensions import db

K = StructureKind

# name, kind, territory, contact, e-mail slug, phone, description
STRUCTURES = [
    ("Réseau ESS Rhône Solidaire", K.LOCAL_ESS_NETWORK, "Métropole de Lyon et Rhône",
     "Élodie Martin", "reseau-ess-rhone", "04 72 10 20 30",
     ("Réseau des acteurs de l'économie sociale et solidaire du territoire : rencontres, "
      "mises en relation, annuaire des structures, accompagnement des collectifs naissants.")),
    ("Pôle ESS de l'Est lyonnais", K.LOCAL_ESS_NETWORK, "Vaulx-en-Velin, Villeurbanne, Bron",
     "Karim Mansouri", "pole-ess-est", "04 78 80 12 34",
     ("Pôle territorial de coopération : permanences dans les quartiers, petits-déjeuners "
      "de porteurs de projets, mutualisation de locaux et de matériel.")),
    ("Épargne Citoyenne du Rhône", K.SOLIDARITY_FINANCE, "Rhône",
     "Bernard Chevalier", "epargne-citoyenne", "",
     ("Clubs d'investisseurs citoyens qui placent leur épargne dans des entreprises locales "
      "et solidaires, et les accompagnent pendant cinq ans.")),
    ("Prêt d'Honneur Lyon Métropole", K.SOLIDARITY_FINANCE, "Métropole de Lyon",
     "Hélène Garnier", "pret-honneur-lyon", "04 72 33 44 55",
     ("Antenne locale d'un réseau national : prêts d'honneur sans intérêt ni garantie pour "
      "les créatrices et créateurs d'entreprise, parrainage par des chefs d'entreprise.")),
    ("Banque Coopérative des Communs", K.SOLIDARITY_FINANCE, "Auvergne-Rhône-Alpes",
     "Service des professionnels", "banque-communs", "04 26 68 00 00",
     ("Banque coopérative qui ne finance que des projets écologiques, sociaux ou culturels ; "
      "publie la liste de tous les prêts qu'elle accorde.")),
    ("Garantie Solidaire Rhône-Alpes", K.SOLIDARITY_FINANCE, "Auvergne-Rhône-Alpes",
     "Yasmina Belkacem", "garantie-solidaire", "04 78 95 10 10",
     ("Association de finance solidaire : garanties de prêts bancaires, prêts participatifs "
      "et accompagnement des structures d'utilité sociale.")),
    ("Terres Nourricières Rhône-Alpes", K.LAND_ACCESS, "Rhône, Ain, Loire",
     "Pierre Vernay", "terres-nourricieres", "04 74 20 30 40",
     ("Aide les paysannes et paysans à trouver des terres : veille foncière, acquisition "
      "par une foncière solidaire, mise en relation avec les cédants.")),
    ("Bâtisseurs Coopératifs", K.ACTIVITY_COOPERATIVE, "Métropole de Lyon",
     "Laurent Dubreuil", "batisseurs-coop", "04 72 60 70 80",
     ("Coopérative d'activité et d'emploi des métiers du bâtiment : tester son activité "
      "en étant salarié·e, mutualiser assurances, comptabilité et chantiers.")),
    ("Coopérative Transitions Actives", K.ACTIVITY_COOPERATIVE, "Auvergne-Rhône-Alpes",
     "Maud Lefranc", "transitions-actives", "04 81 91 20 20",
     ("Coopérative d'activité et d'emploi dédiée à la transition écologique : réparation, "
      "réemploi, mobilité douce, alimentation durable.")),
    ("Union des Scop et Scic Rhône-Alpes", K.COOPERATIVE_UNION, "Auvergne-Rhône-Alpes",
     "Service création", "union-scop-scic", "04 78 53 00 00",
     ("Union régionale des coopératives de travailleurs et d'intérêt collectif : "
      "accompagnement à la création et à la transmission en coopérative, statuts, financement.")),
    ("Incubateur Solidaire Lyonnais", K.INCUBATOR, "Métropole de Lyon",
     "Sarah Nguyen", "incubateur-solidaire", "04 72 00 11 22",
     ("Incubateur d'innovation sociale et sa « fabrique à initiatives », qui part d'un besoin "
      "local non satisfait pour faire naître une entreprise qui y réponde.")),
    ("Entreprendre au Féminin Lyon", K.WOMENS_ENTREPRENEURSHIP, "Métropole de Lyon",
     "Fatou Sarr", "entreprendre-feminin", "04 78 42 42 42",
     ("Programme d'accompagnement des femmes qui créent leur activité, en particulier dans "
      "les quartiers prioritaires : ateliers collectifs, mentorat, réseau.")),
]


def seed_structures() -> list[SupportStructure]:
    """Add the demo structures (those whose name is already there are kept as they are)."""
    existing = {s.name: s for s in db.session.scalars(select(SupportStructure))}
    structures = []
    for name, kind, territory, contact, slug, phone, description in STRUCTURES:
        structure = existing.get(name) or save_structure(
            None, name=name, kind=kind, territory=territory, contact_name=contact,
            contact_email=f"contact@{slug}.example", contact_phone=phone,
            website=f"https://www.{slug}.example", description=description)
        structures.append(structure)
    return structures

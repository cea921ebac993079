"""``flask --app murporteur seed-demo``: a collective an animator would recognise.

The nine organisations of the reference collective, an admin, two animators, one member per
landlord or partner, and about thirty dossiers in varied states — every one walked through the
real workflow, so that its history and notifications are those the app itself would write.
"""

from __future__ import annotations

import io
import logging
import random
from datetime import UTC, datetime, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from murporteur.accounts.models import Organisation, OrganisationKind, Role, User
from murporteur.accounts.second_factor import enrol_with_secret
from murporteur.accounts.services import create_user, holder_for_email
from murporteur.demo import walk
from murporteur.demo.calls import seed_calls
from murporteur.demo.committee import seed_committees
from murporteur.demo.fup import seed_followup
from murporteur.demo.meetings import seed_meetings
from murporteur.demo.org import seed_organisation_details
from murporteur.demo.premises import seed_premises
from murporteur.demo.sign import seed_signatories, seed_signatures
from murporteur.directory.seed import seed_structures
from murporteur.extensions import db
from murporteur.notifications.dispatch import commit_and_dispatch
from murporteur.submissions import services
from murporteur.submissions.choices import LegalForm, PriorityArea, Stage, SupportKind
from murporteur.submissions.tallies import recount
from murporteur.submissions.uploads import store
from murporteur.triage import services as triage

DEMO_PASSWORD = "murporteur-demo"
#: The demo's animators and admin have the second factor their role requires, with this
#: public secret (printed with the password): add it to an authenticator app, or get the
#: current code with ``python -c "import pyotp; print(pyotp.TOTP('<secret>').now())"``.
#: As public as the demo password: a demo database is never a production one.
DEMO_TOTP_SECRET = "MURPORTEURDEMOTOTPSECRET234567AB"

ORGANISATIONS = [
    ("Lyon Métropole Habitat", OrganisationKind.LANDLORD, "lmh"),
    ("Est Métropole Habitat", OrganisationKind.LANDLORD, "emh"),
    ("Grand Lyon Habitat", OrganisationKind.LANDLORD, "glh"),
    ("Dynacité", OrganisationKind.LANDLORD, "dynacite"),
    ("Alliade Habitat", OrganisationKind.LANDLORD, "alliade"),
    ("Vilogia", OrganisationKind.LANDLORD, "vilogia"),
    ("Banque des Territoires", OrganisationKind.PARTNER, "bdt"),
    ("Caisse d'Épargne Rhône-Alpes", OrganisationKind.PARTNER, "cera"),
    ("CRESS Auvergne-Rhône-Alpes", OrganisationKind.ANIMATOR, "cress"),
]

MEMBER_NAMES = ["Claire Fontaine", "Rachid Benali", "Sophie Marchand", "Thomas Girard",
                "Nadia Haddad", "Julien Roux", "Isabelle Perrin", "Marc-Antoine Lefèvre"]

# title, structure, legal form, town, neighbourhoods, QPV, stage, support kinds, amount (€)
PROJECTS = [
    ("Café solidaire au pied des immeubles", "Le Comptoir des Voisins", LegalForm.SCIC,
     "Vaulx-en-Velin", "Mas du Taureau", PriorityArea.YES, Stage.DEVELOPMENT,
     [SupportKind.PREMISES, SupportKind.FINANCING], 12000),
    ("Atelier partagé de couture et de bois de palette", "Centre social Les Buers",
     LegalForm.ASSOCIATION, "Villeurbanne", "Les Buers", PriorityArea.YES, Stage.EMERGENCE,
     [SupportKind.PREMISES, SupportKind.INTRODUCTIONS], None),
    ("Recyclerie de la petite enfance", "Les P'tits Pas Solidaires", LegalForm.ASSOCIATION,
     "Vénissieux", "Les Minguettes", PriorityArea.YES, Stage.CONSOLIDATION,
     [SupportKind.PREMISES], None),
    ("Groupement d'achat bio et local", "Vrac en Quartier", LegalForm.ASSOCIATION, "Lyon 8e",
     "Mermoz", PriorityArea.YES, Stage.MATURE, [SupportKind.INTRODUCTIONS, SupportKind.PILOT],
     None),
    ("Régie de quartier : nettoyage et petit entretien", "Régie Rives de Saône",
     LegalForm.ASSOCIATION, "Rillieux-la-Pape", "Ville Nouvelle", PriorityArea.YES,
     Stage.MATURE, [SupportKind.ORDER], None),
    ("Repair café et bibliothèque d'outils", "Répare & Partage", LegalForm.ASSOCIATION,
     "Lyon 9e", "La Duchère", PriorityArea.YES, Stage.EMERGENCE, [SupportKind.PREMISES], None),
    ("Conciergerie solidaire pour les locataires", "Conciergerie Coop'Services",
     LegalForm.SCIC, "Bron", "Parilly", PriorityArea.YES, Stage.DEVELOPMENT,
     [SupportKind.ORDER, SupportKind.FINANCING], 15000),
    ("Habitat partagé pour personnes en situation de handicap", "Vivre Ensemble Chez Soi",
     LegalForm.ASSOCIATION, "Villeurbanne", "Saint-Jean", PriorityArea.NO, Stage.DEVELOPMENT,
     [SupportKind.PILOT, SupportKind.INTRODUCTIONS], None),
    ("Compostage collectif en pied d'immeuble", "Les Composteurs de Parilly",
     LegalForm.INFORMAL_GROUP, "Vénissieux", "Parilly", PriorityArea.YES, Stage.EMERGENCE,
     [SupportKind.PILOT], None),
    ("Atelier vélo et vélo-école", "Roue Libre Solidaire", LegalForm.ASSOCIATION,
     "Saint-Fons", "Arsenal - Carnot-Parmentier", PriorityArea.YES, Stage.CONSOLIDATION,
     [SupportKind.PREMISES, SupportKind.FINANCING], 6000),
    ("Coaching énergie contre la précarité énergétique", "Énergies Citoyennes du Rhône",
     LegalForm.SCIC, "Lyon 8e", "États-Unis", PriorityArea.YES, Stage.MATURE,
     [SupportKind.ORDER, SupportKind.PILOT], None),
    ("Tiers-lieu : coworking, formation et café", "La Fabrique du Plateau", LegalForm.SCOP,
     "Rillieux-la-Pape", "Le Plateau", PriorityArea.YES, Stage.DEVELOPMENT,
     [SupportKind.PREMISES, SupportKind.FINANCING], 9000),
    ("Cantine de quartier à prix libre", "Collectif À Table !", LegalForm.INFORMAL_GROUP,
     "Givors", "Les Vernes", PriorityArea.YES, Stage.EMERGENCE, [SupportKind.PREMISES], None),
    ("Jardins partagés sur les délaissés", "Les Jardins de la Sauvegarde",
     LegalForm.ASSOCIATION, "Lyon 9e", "La Sauvegarde", PriorityArea.YES, Stage.CONSOLIDATION,
     [SupportKind.PILOT, SupportKind.FINANCING], 4000),
    ("Ressourcerie du mobilier", "Mob'Emploi", LegalForm.ASSOCIATION, "Vaulx-en-Velin",
     "Grappinière", PriorityArea.YES, Stage.MATURE, [SupportKind.ORDER], None),
]

FIRST_NAMES = ["Amina", "Lucas", "Fatou", "Hugo", "Leïla", "Mathieu", "Samia", "Karim",
               "Élodie", "Yacine", "Chloé", "Moussa", "Inès", "Pierre", "Zoé"]
LAST_NAMES = ["Diallo", "Martin", "Nguyen", "Bernard", "Traoré", "Moreau", "Benyahia",
              "Durand", "Lambert", "Mendy", "Garcia", "Rousseau", "Haddad", "Fabre", "Petit"]

#: dossier index -> labels put on it (indexes in the alphabetical list of default labels)
LABELS_OF = {0: (0,), 4: (3,), 7: (2,), 10: (1, 3), 11: (3,), 13: (1,)}

# The path of each demo dossier through the workflow (after submission).
PATHS = [
    [], [], [], [], ["start_qualification"], ["start_qualification"],
    ["start_qualification"], ["start_qualification", "request_info"],
    ["request_info"], ["start_qualification", "request_info", "answer_info"],
    ["start_qualification", "retain"], ["start_qualification", "retain"],
    ["start_qualification", "retain"], ["start_qualification", "retain", "put_on_agenda"],
    ["start_qualification", "retain", "put_on_agenda"],
    ["start_qualification", "retain", "put_on_agenda", "support"],
    ["start_qualification", "retain", "put_on_agenda", "support"],
    ["start_qualification", "retain", "put_on_agenda", "support", "convention"],
    ["start_qualification", "retain", "put_on_agenda", "support", "convention"],
    ["start_qualification", "retain", "put_on_agenda", "support", "convention", "close"],
    ["start_qualification", "retain", "put_on_agenda", "postpone"],
    ["start_qualification", "retain", "put_on_agenda", "not_support"],
    ["start_qualification", "redirect"], ["redirect"], ["start_qualification", "decline"],
    ["decline"], ["withdraw"], ["start_qualification", "withdraw"],
    # Issue 18: a third supported project, whose convention stays a draft (its document only
    # previewed, not yet frozen).
    ["start_qualification", "retain", "put_on_agenda", "support"],
]

def _presentation_pdf(title: str, structure: str) -> bytes:
    """A one-page PDF, so that demo dossiers carry a document like real ones."""
    line = f"{title} - {structure}".encode("latin-1", "replace").decode("latin-1")
    line = line.replace("\\", "").replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 60 760 Td ({line}) Tj ET".encode("latin-1")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> >> >>"),
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _animator_org() -> Organisation:
    return db.session.execute(select(Organisation).where(
        Organisation.kind == OrganisationKind.ANIMATOR)).scalar_one()


def seed(rng: random.Random, now: datetime) -> dict[str, list[str]]:
    logins: dict[str, list[str]] = {"admin": [], "animator": [], "member": [], "holder": []}
    organisations = []
    for name, kind, slug in ORGANISATIONS:
        org = Organisation(name=name, kind=kind)
        db.session.add(org)
        organisations.append((org, slug))
    db.session.flush()

    admin = create_user("admin@murporteur.example", Role.ADMIN, full_name="Admin Plateforme",
                        password=DEMO_PASSWORD)
    logins["admin"].append(admin.email)
    cress = _animator_org()
    animators = [
        create_user("camille.animatrice@cress.example", Role.ANIMATOR,
                    full_name="Camille Dubois", password=DEMO_PASSWORD, organisation=cress),
        create_user("nicolas.animateur@cress.example", Role.ANIMATOR,
                    full_name="Nicolas Faure", password=DEMO_PASSWORD, organisation=cress),
    ]
    logins["animator"] += [a.email for a in animators]
    for staff in [admin, *animators]:
        enrol_with_secret(staff, DEMO_TOTP_SECRET)
    members = []
    for (org, slug), full_name in zip(
            [o for o in organisations if o[0].kind != OrganisationKind.ANIMATOR], MEMBER_NAMES,
            strict=False):  # fewer names than organisations: the last ones get no member
        member = create_user(f"{slug}@membres.example", Role.MEMBER, full_name=full_name,
                             password=DEMO_PASSWORD, organisation=org)
        logins["member"].append(member.email)
        members.append(member)
    seed_signatories(admin, animators, members)  # issue 18: who signs for each organisation

    structures = seed_structures()
    triage.ensure_default_labels()
    labels = triage.all_labels()
    waiting: list[tuple] = []
    start = now - timedelta(days=330)
    for index, path in enumerate(PATHS):
        project = PROJECTS[index % len(PROJECTS)]
        title, structure, legal_form, town, area, qpv, stage, kinds, amount = project
        first, last = FIRST_NAMES[index % len(FIRST_NAMES)], LAST_NAMES[
            (index * 7) % len(LAST_NAMES)]
        if index >= len(PROJECTS):
            title = f"{title} — {town}, saison 2"
        holder = holder_for_email(
            f"{first.lower()}.{last.lower()}{index}@porteurs.example".replace("é", "e")
            .replace("ï", "i").replace("ë", "e").replace("è", "e"), f"{first} {last}")
        submitted_at = start + timedelta(days=int(index * 320 / len(PATHS)),
                                         hours=rng.randint(8, 18), minutes=rng.randint(0, 59))
        answers = services.Answers(values={
            "contact_name": f"{first} {last}", "structure_name": structure,
            "legal_form": legal_form, "phone": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)} {rng.randint(10, 99)}", "town": town, "title": title,
            "summary": f"{title}, porté par {structure}, pour et avec les habitants de {area}.",
            "need": "Peu d'offre de proximité dans le quartier ; les habitants le disent lors des "
                    "réunions du conseil citoyen.",
            "residents": "Les locataires du quartier, environ 300 foyers, dont beaucoup de "
                         "familles et de personnes âgées.",
            "neighbourhoods": f"{area}, {town}", "priority_area": qpv, "stage": stage,
            "support_kinds": [k.value for k in kinds],
            "financing_amount_cents": amount * 100 if amount else None,
            "support_details": "",
        }, consent=True)
        dossier = services.save_draft(holder, answers)
        dossier.created_at = submitted_at - timedelta(days=2)
        dossier.consent_at = submitted_at
        if index % 3 != 2:
            store(FileStorage(io.BytesIO(_presentation_pdf(title, structure)),
                              filename=f"Présentation — {structure}.pdf"),
                  dossier_id=dossier.id, uploaded_by_id=holder.id)
        services.submit_dossier(dossier, holder, now=submitted_at)
        moment = submitted_at
        animator = animators[index % 2]
        for position, name in enumerate(path):
            if name == "put_on_agenda":  # the committee takes it from here
                waiting.append((dossier, holder, path[position + 1:]))
                break
            moment += timedelta(days=rng.randint(3, 20))
            walk.step(dossier, name, animator, holder, min(moment, now), structures)
        if index in (2, 3):  # new ideas Camille took on, waiting for their first call
            triage.assign(dossier, animators[0], animators[0])
            triage.schedule_call(dossier, animators[0], now + timedelta(days=index - 1))
        for label_index in LABELS_OF.get(index, ()):
            triage.add_label([dossier], labels[label_index], animators[0])
        logins["holder"].append(holder.email)
    seed_committees(waiting, animators[0], members, now, rng, structures)
    seed_premises(members, animators[0], now, rng)
    seed_meetings(animators[0], members, now, rng)
    seed_organisation_details()
    # Issue 18: conventions signed in the application (one signature delegated).
    logins["member"] += seed_signatures(animators[0], DEMO_PASSWORD)
    seed_calls(animators[0], members, now)
    seed_followup(animators[0])  # issue 18: the holder's reports, one overdue
    # Two drafts: ideas started and not yet sent.
    for title in ("Potager sur le toit de la résidence", "Boîte à livres et café-lecture"):
        holder = holder_for_email(f"brouillon.{len(title)}@porteurs.example", "Porteur Brouillon")
        services.save_draft(holder, services.Answers(values={"title": title}))
    recount()  # the history was back-dated above: the milestones follow it
    return logins


@click.command("seed-demo")
@click.option("--seed", "seed_value", default=2026, show_default=True,
              help="Random seed: the same seed gives the same demo.")
@click.option("--if-empty", is_flag=True,
              help="Do nothing (successfully) when the database already has users.")
@with_appcontext
def seed_demo_command(seed_value: int, if_empty: bool) -> None:
    """Fill an empty database with the demo collective and about thirty dossiers."""
    if db.session.scalar(select(func.count(User.id))):
        if if_empty:
            click.echo("The database already has data: demo not seeded again.")
            return
        raise click.ClickException("The database already has users: seed-demo fills an empty "
                                   "database only (drop it, then `flask db upgrade`).")
    for name in ("murporteur.mail", "murporteur.notifications", "celery"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logins = seed(random.Random(seed_value), datetime.now(UTC))
    commit_and_dispatch()
    click.echo("Demo data ready. Every account below uses the password "
               f"{DEMO_PASSWORD!r}:")
    for role in ("admin", "animator", "member"):
        for email in logins[role]:
            click.echo(f"  {role:<9} {email}")
    click.echo("The admin and the animators also give a code from an authenticator app (the "
               f"second factor their role requires), set up with the key {DEMO_TOTP_SECRET}; "
               "or print the current code with:\n"
               f"  .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{DEMO_TOTP_SECRET}')"
               ".now())\"")
    click.echo(f"  {len(logins['holder'])} holders (no password: they use links by e-mail), "
               f"e.g. {logins['holder'][0]}")

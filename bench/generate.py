"""Fill a migrated PostgreSQL database with national-scale data, reproducibly.

    .venv/bin/python -m bench.generate --database-url postgresql://postgres@127.0.0.1/mp_bench \
        [--dossiers 100000] [--seed 2026]

The scale is "every regional CRESS used Mur porteur for ten years": by default 100,000
dossiers, 500 committee sessions (13 regions × 4 quarters × 10 years, fewer in the first
years), about 20,000 conventions and 60,000 payments; ``--dossiers`` scales everything else
down in proportion. Rows are written with PostgreSQL's COPY (a few minutes at full scale).
The same seed gives the same database.

Accounts the load scenario logs in with (password ``murporteur-bench``):
``bench.animatrice@cress.example`` (animator), ``bench.membre@membres.example`` (member of the
first landlord), ``bench.porteur@exemple.org`` (holder of the first dossiers).
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import sys
import time
from bisect import bisect_left
from datetime import UTC, datetime, timedelta

import psycopg

BENCH_PASSWORD = "murporteur-bench"
#: The staff's authenticator key (animators and admins must use a second factor).
BENCH_TOTP_SECRET = "MURPORTEURBENCHTOTPSECRET234567A"
ANIMATOR_EMAIL = "bench.animatrice@cress.example"
MEMBER_EMAIL = "bench.membre@membres.example"
HOLDER_EMAIL = "bench.porteur@exemple.org"

START = datetime(2017, 1, 1, 8, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

REGIONS = ["Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire",
           "Corse", "Grand Est", "Hauts-de-France", "Île-de-France", "Normandie",
           "Nouvelle-Aquitaine", "Occitanie", "Pays de la Loire", "Provence-Alpes-Côte d'Azur"]
TOWNS = {
    0: ["Lyon", "Villeurbanne", "Vaulx-en-Velin", "Vénissieux", "Grenoble", "Saint-Étienne"],
    1: ["Dijon", "Besançon", "Chalon-sur-Saône"], 2: ["Rennes", "Brest", "Lorient"],
    3: ["Tours", "Orléans", "Bourges"], 4: ["Ajaccio", "Bastia"],
    5: ["Strasbourg", "Mulhouse", "Metz", "Nancy"], 6: ["Lille", "Roubaix", "Amiens"],
    7: ["Saint-Denis", "Montreuil", "Aubervilliers", "Paris 19e", "Sarcelles"],
    8: ["Rouen", "Le Havre", "Caen"], 9: ["Bordeaux", "Limoges", "Poitiers"],
    10: ["Toulouse", "Montpellier", "Nîmes"], 11: ["Nantes", "Angers", "Le Mans"],
    12: ["Marseille", "Nice", "Avignon"],
}
LANDLORDS = ["Lyon Métropole Habitat", "Est Métropole Habitat", "Grand Lyon Habitat", "Dynacité",
             "Alliade Habitat", "Vilogia"]
PARTNERS = ["Banque des Territoires", "Caisse d'Épargne Rhône-Alpes"]
# (title, summary, themes, support kinds, legal forms) — the archetypes of DEMO-DATA.md.
PROJECTS = [
    ("Café coopératif en pied d'immeuble", "Un restaurant social tenu en SCIC au rez-de-chaussée "
     "d'une résidence, né d'une coopérative éphémère d'habitants.", ["food", "social_link"],
     ["premises", "financing"], ["scic", "association"]),
    ("Atelier partagé couture et bois de palette", "Un atelier de quartier : couture, "
     "menuiserie de palettes, broderie numérique et prototypage, porté par un centre social.",
     ["inclusion", "reuse"], ["premises", "introductions"], ["association"]),
    ("Ressourcerie solidaire petite enfance", "Une recyclerie d'articles de puériculture avec "
     "des ateliers parentalité, sous bail commercial d'utilité sociale.",
     ["early_childhood", "reuse"], ["premises"], ["association", "scic"]),
    ("Groupement d'achat bio et local", "Des commandes groupées de produits bio et locaux à "
     "prix juste, préparées et distribuées par les habitants.", ["food"],
     ["introductions", "financing"], ["informal_group", "association"]),
    ("Régie de quartier : nettoyage et petits travaux", "Des prestations de nettoyage et de "
     "petite maintenance par marchés réservés à l'insertion.", ["inclusion"],
     ["order"], ["association", "scop"]),
    ("Repair café et outilthèque", "Un repair café et une bibliothèque d'outils dans un local "
     "vacant en rez-de-chaussée.", ["reuse", "social_link"], ["premises"],
     ["association", "informal_group"]),
    ("Conciergerie solidaire", "Colis, petites réparations et courses pour les locataires, par "
     "des salariés en insertion.", ["inclusion", "social_link"], ["order", "pilot"],
     ["scic", "association"]),
    ("Habitat partagé et inclusif", "Un habitat partagé pour des personnes en situation de "
     "handicap, conçu avec un bailleur et un promoteur.", ["housing_energy", "health"],
     ["pilot", "financing"], ["association"]),
    ("Compostage de proximité", "Un service de compostage et de collecte des biodéchets sur une "
     "résidence.", ["reuse"], ["pilot", "order"], ["association", "scop"]),
    ("Atelier vélo et vélo-école", "Réparation de vélos et apprentissage pour les habitants.",
     ["mobility"], ["premises", "financing"], ["association"]),
    ("Accompagnement aux économies d'énergie", "Des ambassadeurs de l'énergie pour réduire les "
     "factures et lutter contre la précarité énergétique, avec une coopérative d'énergie "
     "renouvelable.", ["housing_energy"], ["pilot", "financing"], ["scic", "scop"]),
    ("Tiers-lieu de quartier", "Coworking, formations et café pour les habitants.",
     ["culture", "social_link"], ["premises", "financing"], ["scic", "association"]),
]
FIRST_NAMES = ["Amina", "Karim", "Sophie", "Lucas", "Fatou", "Thomas", "Léa", "Mehdi", "Julie",
               "Nicolas", "Aïcha", "Pierre", "Camille", "Yanis", "Chloé", "Hugo", "Inès", "Marc"]
LAST_NAMES = ["Diallo", "Martin", "Bernard", "Benali", "Dubois", "Nguyen", "Moreau", "Traoré",
              "Petit", "Garcia", "Roux", "Fontaine", "Mercier", "Lefèvre", "Haddad", "Bonnet"]
NEIGHBOURHOODS = ["Mas du Taureau", "La Duchère", "Les Minguettes", "Le Mirail", "Bellevue",
                  "Les Tarterêts", "La Castellane", "Villeneuve", "Hautepierre", "Les Izards"]
STAGES = ["emergence", "development", "consolidation", "mature"]
LABELS = [("À rappeler", "orange"), ("Complet", "green"), ("Urgent", "red"),
          ("À présenter", "purple")]


class Copier:
    """COPY rows into a table, checking that every NOT NULL column without a default is given."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn
        self.counts: dict[str, int] = {}

    def required(self, table: str) -> set[str]:
        rows = self.conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND is_nullable = 'NO' AND column_default IS NULL", (table,)).fetchall()
        return {r[0] for r in rows}

    def copy(self, table: str, columns: list[str], rows) -> int:
        missing = self.required(table) - set(columns)
        if missing:
            raise SystemExit(f"bench/generate.py does not fill {table}.{sorted(missing)}: "
                             "a column was added; give it a value here.")
        count = 0
        with self.conn.cursor() as cur, cur.copy(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
            for row in rows:
                cp.write_row(row)
                count += 1
        self.counts[table] = self.counts.get(table, 0) + count
        return count


def _move(row: list, state: str, at: datetime) -> None:
    """A dossier row's state and the instants that follow it."""
    row[3], row[23], row[25] = state, at, at


def _spread(rng: random.Random, n: int) -> list[datetime]:
    """n instants over the ten years, more each year (the window grows with its reputation)."""
    span = (NOW - START).total_seconds()
    # Density growing linearly from 1 to 3: inverse CDF of a trapezoid.
    out = []
    for _ in range(n):
        u = rng.random()
        x = (-1 + (1 + 8 * u) ** 0.5) / 2  # solves x + x² = 2u on [0, 1] (density 1 + 2x)
        out.append(START + timedelta(seconds=x * span))
    out.sort()
    return out


MILESTONES_FROM_HISTORY = (
    "INSERT INTO dossier_milestone (dossier_id, step, reached_at, actor_id) "
    "SELECT DISTINCT ON (dossier_id, to_state) dossier_id, to_state, created_at, actor_id "
    "FROM dossier_event ORDER BY dossier_id, to_state, created_at, id")


def generate(url: str, n_dossiers: int, seed: int, log=print) -> dict[str, int]:
    from argon2 import PasswordHasher

    rng = random.Random(seed)
    scale = n_dossiers / 100_000
    n_sessions = max(8, round(500 * scale))
    password_hash = PasswordHasher().hash(BENCH_PASSWORD)
    started = time.monotonic()
    with psycopg.connect(url) as conn:
        if conn.execute("SELECT count(*) FROM dossier").fetchone()[0]:
            raise SystemExit("The database already holds dossiers: give an empty, migrated one.")
        copier = Copier(conn)
        now = NOW

        # Organisations: a CRESS per region (the animators), landlords and partners.
        orgs = []  # (id, name, kind, region)
        for i, region in enumerate(REGIONS):
            orgs.append((len(orgs) + 1, f"CRESS {region}", "animator", i))
        landlord_names = LANDLORDS + [f"{kind} {region}" for region in REGIONS[1:]
                                      for kind in ("Habitat", "Logement social")]
        for name in landlord_names:
            orgs.append((len(orgs) + 1, name, "landlord", len(orgs) % len(REGIONS)))
        for name in PARTNERS + [f"Fondation solidaire {r}" for r in REGIONS[1:7]]:
            orgs.append((len(orgs) + 1, name, "partner", len(orgs) % len(REGIONS)))
        copier.copy("organisation", ["id", "name", "kind", "active", "created_at"],
                    ((o[0], o[1], o[2], True, START) for o in orgs))
        committee_orgs = [o for o in orgs if o[2] != "animator"]

        # Users: three animators per region, two members per organisation, one holder per
        # dossier (a few holders come back with a second idea).
        users = []  # (id, email, name, role, org, hash)
        animators_by_region: dict[int, list[int]] = {}
        for o in orgs[:len(REGIONS)]:
            for k in range(3):
                uid = len(users) + 1
                email = ANIMATOR_EMAIL if uid == 1 else f"animation{uid}@cress.example"
                users.append((uid, email, f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                              "animator", o[0], password_hash))
                animators_by_region.setdefault(o[3], []).append(uid)
        members_by_org: dict[int, list[int]] = {}
        for o in committee_orgs:
            for k in range(2):
                uid = len(users) + 1
                email = MEMBER_EMAIL if not members_by_org else f"membre{uid}@membres.example"
                users.append((uid, email, f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                              "member", o[0], password_hash))
                members_by_org.setdefault(o[0], []).append(uid)
        users.append((len(users) + 1, "admin@cress.example", "Admin", "admin", None,
                      password_hash))
        first_holder = len(users) + 1
        n_holders = max(1, round(n_dossiers * 0.93))
        for k in range(n_holders):
            uid = first_holder + k
            email = HOLDER_EMAIL if k == 0 else f"porteur{uid}@exemple.org"
            users.append((uid, email, f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                          "holder", None, password_hash if k == 0 else None))
        staff = ("animator", "admin")
        copier.copy("user_account", ["id", "email", "full_name", "role", "organisation_id",
                                     "password_hash", "active", "session_version",
                                     "created_at", "totp_secret", "totp_enabled_at"],
                    ((u[0], u[1], u[2], u[3], u[4], u[5], True, 1, START,
                      BENCH_TOTP_SECRET if u[3] in staff else None,
                      START if u[3] in staff else None) for u in users))
        log(f"  organisations and {len(users)} users ({time.monotonic() - started:.0f} s)")

        # Committee sessions: each region once a quarter, regions joining over the years.
        session_dates = []
        quarters = [(y, q) for y in range(2017, 2027) for q in range(4)]
        per_quarter = [min(len(REGIONS), 8 + i * len(REGIONS) // 12)
                       for i in range(len(quarters))]
        for (year, q), count in zip(quarters, per_quarter, strict=True):
            for region in range(count):
                month = 3 * q + 1 + (region % 3)
                day = 5 + (region * 2) % 20
                session_dates.append((datetime(year, month, day, 8, 0, tzinfo=UTC), region))
        rng.shuffle(session_dates)
        session_dates = sorted(session_dates[:n_sessions])
        sessions = []  # (id, starts_at, region, state, invited org ids)
        for sid, (starts, region) in enumerate(session_dates, 1):
            if starts < now - timedelta(days=14):
                state = "minutes_published"
            elif starts < now:
                state = "held"
            elif starts < now + timedelta(days=30):
                state = "convened"
            else:
                state = "planned"
            invited = sorted(o[0] for o in rng.sample(committee_orgs, rng.randint(7, 10)))
            if sid % 3 == 0 and committee_orgs[0][0] not in invited:  # the bench member
                invited = sorted(invited + [committee_orgs[0][0]])
            sessions.append((sid, starts, region, state, invited))
        copier.copy("committee_session",
                    ["id", "quarter", "starts_at", "place", "video_link", "slot_minutes",
                     "state", "positions_open_early", "minutes_published_at", "created_at"],
                    ((s[0], f"{s[1].year}-Q{(s[1].month - 1) // 3 + 1}", s[1],
                      f"Maison de l'ESS, {TOWNS[s[2]][0]}", "", 20, s[3], False,
                      s[1] + timedelta(days=7) if s[3] == "minutes_published" else None,
                      s[1] - timedelta(days=60)) for s in sessions))
        copier.copy("session_invitation", ["session_id", "organisation_id"],
                    ((s[0], org) for s in sessions for org in s[4]))
        copier.copy("committee_session_event",
                    ["id", "session_id", "actor_id", "transition", "from_state", "to_state",
                     "comment", "created_at"],
                    ((s[0], s[0], 1, "convene", "planned", "convened", "",
                      s[1] - timedelta(days=20)) for s in sessions
                     if s[3] != "planned"))
        session_starts = [s[1] for s in sessions]

        # Dossiers.
        submitted = _spread(rng, n_dossiers)
        counters: dict[int, int] = {}
        dossier_rows, events, quals, themes, calls, labels, messages = [], [], [], [], [], [], []
        agenda_candidates = []  # (submitted_at, dossier id, region)
        event_id = 0

        def event(did, transition, src, dst, at, actor):
            nonlocal event_id
            event_id += 1
            events.append((event_id, did, actor, transition, src, dst, "", at))

        for i, sub in enumerate(submitted):
            did = i + 1
            region = rng.randrange(len(REGIONS)) if rng.random() > 0.25 else 0
            counters[sub.year] = counters.get(sub.year, 0) + 1
            number = f"MP-{sub.year}-{counters[sub.year]:05d}"
            title, summary, p_themes, kinds, forms = rng.choice(PROJECTS)
            town = rng.choice(TOWNS[region])
            holder = first_holder + (i if i < n_holders else rng.randrange(n_holders))
            if i < 5:
                holder = first_holder  # the bench holder's own dossiers
            animator = rng.choice(animators_by_region[region])
            age = (now - sub).days
            r = rng.random()
            first_call = sub + timedelta(days=rng.randint(1, 14), hours=rng.randint(0, 8))
            event(did, "submit", "draft", "submitted", sub, holder)
            state, changed, assigned, called = "submitted", sub, animator, None
            if age < 12 and r < 0.8:
                assigned = animator if rng.random() < 0.3 else None
            elif age < 40 and r < 0.35:
                state, changed, called = "qualifying", first_call, first_call
                event(did, "start_qualification", "submitted", "qualifying", first_call,
                      animator)
            elif age < 70 and r < 0.25:
                state, changed, called = "needs_info", first_call, first_call
                event(did, "request_info", "submitted", "needs_info", first_call, animator)
            elif r < 0.85:
                called = first_call if r > 0.05 else None
                end = sub + timedelta(days=rng.randint(15, 60))
                state = "redirected" if r < 0.40 else "declined" if r < 0.76 else "withdrawn"
                if called:
                    event(did, "start_qualification", "submitted", "qualifying", first_call,
                          animator)
                event(did, {"redirected": "redirect", "declined": "decline",
                            "withdrawn": "withdraw"}[state],
                      "qualifying" if called else "submitted", state, end,
                      holder if state == "withdrawn" else animator)
                changed = end
            else:
                called = first_call
                event(did, "start_qualification", "submitted", "qualifying", first_call,
                      animator)
                retained_at = first_call + timedelta(days=rng.randint(10, 40))
                if retained_at > now:
                    state, changed = "qualifying", first_call
                else:
                    event(did, "retain", "qualifying", "retained", retained_at, animator)
                    state, changed = "retained", retained_at
                    agenda_candidates.append((retained_at, did, region))
            if called:
                quals.append((did, did, rng.choice(STAGES), rng.choice(NEIGHBOURHOODS),
                              rng.choice(["yes", "no", "unknown"]), rng.choice(forms),
                              json.dumps(kinds), summary, "Projet solide, porteur motivé.",
                              called + timedelta(days=2), animator))
                themes.extend((did, t) for t in p_themes)
                calls.append((did, did, animator, None, called, "reached",
                              "Premier échange : projet présenté.", called))
            if rng.random() < 0.1:
                labels.append((did, rng.randint(1, len(LABELS))))
            if rng.random() < 0.12:
                messages.append((did, holder, "Bonjour, voici les précisions demandées.",
                                 sub + timedelta(days=3)))
            dossier_rows.append([
                did, secrets.token_urlsafe(12) if i else f"bench-{seed}-holder-1", number,
                state, holder, f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                f"{title.split(' ')[0]} {rng.choice(NEIGHBOURHOODS)}", rng.choice(forms),
                "06 12 34 56 78", town, f"{title} — {town}", summary,
                "Aucun lieu de ce type dans le quartier.", "Les habitants de la résidence.",
                rng.choice(NEIGHBOURHOODS), rng.choice(["yes", "no", "unknown"]),
                rng.choice(STAGES), json.dumps(kinds),
                rng.choice([None, 200000, 500000, 1500000]), "", sub, "2026-11", sub, changed,
                sub, changed, assigned if state != "submitted" or assigned else None,
                called, None])
            # What the dashboard's filters read (``triage.models.keep_filtered_answers``): the
            # qualification's stage, priority area and themes, else the holder's answers.
            row, qualified = dossier_rows[-1], quals[-1] if called else None
            row += [qualified[2] if qualified else row[16],
                    qualified[4] if qualified else row[15],
                    sorted(p_themes) if qualified else []]

        # The agenda: retained dossiers go to the next session of their region with room.
        by_id = {row[0]: row for row in dossier_rows}
        items, positions, supporters = [], [], []
        supported = []  # (dossier id, session starts, supporter org ids)
        room = {s[0]: rng.randint(22, 38) for s in sessions}
        by_region: dict[int, list[tuple]] = {}
        for s in sessions:
            by_region.setdefault(s[2], []).append(s)
        item_id = 0
        rank: dict[int, int] = {}
        for retained_at, did, region in agenda_candidates:
            candidates = by_region.get(region) or sessions
            starts = [s[1] for s in candidates]
            k = bisect_left(starts, retained_at + timedelta(days=20))
            while k < len(candidates) and room[candidates[k][0]] <= 0:
                k += 1
            if k == len(candidates):
                continue
            session = candidates[k]
            room[session[0]] -= 1
            item_id += 1
            row = by_id[did]
            on_agenda_at = session[1] - timedelta(days=15)
            event(did, "put_on_agenda", "retained", "on_agenda", on_agenda_at, 1)
            _move(row, "on_agenda", on_agenda_at)
            stances = []
            for org in session[4]:
                stance = rng.choices(["supports", "wants_to_meet", "not_concerned", "abstains"],
                                     [0.22, 0.2, 0.48, 0.1])[0]
                if session[3] == "planned" and rng.random() < 0.6:
                    continue  # not answered yet
                amount = rng.choice([200000, 500000, 800000, 1500000]) \
                    if stance == "supports" else None
                stances.append((org, stance, amount))
                positions.append((item_id, org, stance,
                                  json.dumps(["financing"] if amount else []), amount, "",
                                  1, members_by_org[org][0], session[1] - timedelta(days=3)))
            decision, published = None, None
            backers = [org for org, stance, _ in stances if stance == "supports"]
            if session[3] in ("held", "minutes_published"):
                decision = "supported" if backers and rng.random() < 0.85 else "not_supported"
                if session[3] == "minutes_published":
                    published = session[1] + timedelta(hours=3)
                    if decision == "supported":
                        event(did, "support", "on_agenda", "supported", published, 1)
                        _move(row, "supported", published)
                        supported.append((did, session[1], backers, stances))
                        supporters.extend((item_id, org) for org in backers)
                    else:
                        event(did, "not_support", "on_agenda", "not_supported", published, 1)
                        _move(row, "not_supported", published)
            rank[session[0]] = rank.get(session[0], 0) + 1
            items.append((item_id, session[0], did, rank[session[0]], decision, "", published))
        log(f"  {len(dossier_rows)} dossiers, {item_id} agenda items "
            f"({time.monotonic() - started:.0f} s)")

        # Conventions and payments.
        conventions, payments, conv_events = [], [], []
        for did, starts, backers, stances in supported:
            row = by_id[did]
            signed_at = starts + timedelta(days=rng.randint(30, 90))
            amounts = {org: amount for org, _s, amount in stances}
            signed_any = False
            for org in backers:
                cid = len(conventions) + 1
                committed = amounts.get(org) or 500000
                start = signed_at.date()
                end = start + timedelta(days=365 * rng.choice([1, 2, 3]))
                if signed_at > now:
                    state, signed = rng.choice(["draft", "sent_for_signature"]), None
                elif end < now.date():
                    state, signed = ("completed" if rng.random() < 0.93 else "terminated"), \
                        signed_at
                else:
                    state, signed = "active", signed_at
                signed_any = signed_any or signed is not None
                conventions.append((cid, did, org, rng.choice(["financing", "premises",
                                                               "partnership", "order"]),
                                    state, committed, rng.choice([0, 0, 300000]), start, end,
                                    "Soutien au projet", "", f"CONV-{did}-{org}", signed,
                                    starts + timedelta(days=20), signed_at))
                conv_events.append((cid, cid, 1, "send_for_signature", "draft",
                                    "sent_for_signature", "", starts + timedelta(days=25)))
                share = committed // 3
                for k in range(3):
                    planned = start + timedelta(days=120 * k)
                    amount = share if k < 2 else committed - 2 * share
                    paid = planned <= now.date() and state in ("active", "completed")
                    payments.append((cid, planned, amount, planned if paid else None,
                                     amount if paid else None, signed_at))
            if signed_any:
                first = signed_at
                event(did, "convention", "supported", "conventioned", first, 1)
                _move(row, "conventioned", first)
                if first + timedelta(days=365 * 3) < now:
                    closed = first + timedelta(days=365 * 3)
                    event(did, "close", "conventioned", "closed", closed, 1)
                    _move(row, "closed", closed)

        copier.copy("dossier", [
            "id", "public_id", "number", "state", "holder_id", "contact_name", "structure_name",
            "legal_form", "phone", "town", "title", "summary", "need", "residents",
            "neighbourhoods", "priority_area", "stage", "support_kinds",
            "financing_amount_cents", "support_details", "consent_at", "consent_version",
            "created_at", "updated_at", "submitted_at", "state_changed_at", "assigned_to_id",
            "first_call_at", "redirect_structure_id", "effective_stage",
            "effective_priority_area", "qualified_themes"], dossier_rows)
        copier.copy("dossier_counter", ["year", "last_value"], counters.items())
        copier.copy("dossier_event", ["id", "dossier_id", "actor_id", "transition",
                                      "from_state", "to_state", "comment", "created_at"],
                    events)
        copier.copy("qualification", ["id", "dossier_id", "stage", "neighbourhoods",
                                      "priority_area", "legal_form", "support_kinds", "summary",
                                      "opinion", "updated_at", "updated_by_id"], quals)
        copier.copy("qualification_theme", ["qualification_id", "theme"], themes)
        copier.copy("phone_call", ["id", "dossier_id", "animator_id", "scheduled_at", "done_at",
                                   "outcome", "notes", "created_at"], calls)
        copier.copy("label", ["id", "name", "colour", "created_at"],
                    ((k, name, colour, START) for k, (name, colour) in enumerate(LABELS, 1)))
        copier.copy("dossier_label", ["dossier_id", "label_id"], labels)
        copier.copy("message", ["dossier_id", "author_id", "body", "created_at"], messages)
        copier.copy("agenda_item", ["id", "session_id", "dossier_id", "rank", "decision",
                                    "decision_comment", "decision_published_at"], items)
        copier.copy("position", ["item_id", "organisation_id", "stance", "offer_kinds",
                                 "amount_cents", "comment", "version", "updated_by_id",
                                 "updated_at"], positions)
        copier.copy("item_supporter", ["item_id", "organisation_id"], supporters)
        copier.copy("convention", ["id", "dossier_id", "organisation_id", "kind", "state",
                                   "committed_cents", "in_kind_cents", "start_date", "end_date",
                                   "object", "signatories", "reference", "signed_at",
                                   "created_at", "updated_at"], conventions)
        copier.copy("convention_event", ["id", "convention_id", "actor_id", "transition",
                                         "from_state", "to_state", "comment", "created_at"],
                    conv_events)
        copier.copy("payment", ["convention_id", "planned_date", "amount_cents", "paid_date",
                                "paid_amount_cents", "created_at"], payments)
        for table in ("organisation", "user_account", "committee_session",
                      "committee_session_event", "dossier", "dossier_event", "qualification",
                      "phone_call", "label", "message", "agenda_item", "position",
                      "convention", "convention_event", "payment"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")
        # The tab counts were kept by the triggers as the dossiers were copied; the
        # milestones are the lifecycle's, which COPY bypasses: rebuilt from the history as
        # migration 0019_perf does for existing data.
        conn.execute("DELETE FROM dossier_milestone")
        conn.execute(MILESTONES_FROM_HISTORY)
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    log(f"  done in {time.monotonic() - started:.0f} s")
    return copier.counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True,
                        help="a migrated, empty PostgreSQL database (postgresql://…)")
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    url = args.database_url.replace("postgresql+psycopg://", "postgresql://")
    counts = generate(url, args.dossiers, args.seed)
    for table, count in sorted(counts.items()):
        print(f"{table:28} {count:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

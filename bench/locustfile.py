"""The load scenario: one page at a time, hammered by N users without pause.

``bench/run`` starts locust once per scenario (``BENCH_SCENARIO``), headless, against
gunicorn on 127.0.0.1, and reads its CSV statistics. By hand::

    BENCH_SCENARIO=dashboard BENCH_TARGETS=/tmp/targets.json \
        .venv/bin/locust -f bench/locustfile.py --headless -u 10 -r 10 -t 20s \
        -H http://127.0.0.1:8765

``BENCH_TARGETS`` is a JSON file written by ``bench/run``: the dossier numbers, session ids
and user id the scenarios pick from.
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets

from locust import HttpUser, constant, task

SCENARIO = os.environ.get("BENCH_SCENARIO", "dashboard")
TARGETS = json.load(open(os.environ["BENCH_TARGETS"])) if os.environ.get("BENCH_TARGETS") \
    else {}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
STARTED = re.compile(r'name="started"[^>]*value="([^"]*)"')

#: scenario -> (who logs in, how the request is named in the statistics)
SCENARIOS = {
    "form": None, "submission": None, "ceiling": None,
    "dashboard": "animator", "dashboard_filtered": "animator", "dashboard_search": "animator",
    "dossier": "animator", "committee_grid": "animator", "reporting": "animator",
    "dashboard_deep": "animator", "members_session": "member", "holder_dossier": "holder",
}


class Visitor(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        role = SCENARIOS[SCENARIO]
        if role:
            # Logged in once by bench/run (Argon2 is slow on purpose: logging in is not what
            # is measured); every user reuses that session cookie.
            for name, value in TARGETS["cookies"][role].items():
                self.client.cookies.set(name, value)
        if SCENARIO == "submission":
            page = self.client.get("/deposer", name="(form for its token)").text
            self.csrf = CSRF.search(page).group(1)
            match = STARTED.search(page)
            self.started = match.group(1) if match else ""

    @task
    def scenario(self):
        getattr(self, SCENARIO)()

    def form(self):
        self.client.get("/deposer", name="form")

    def submission(self):
        n = secrets.token_hex(6)
        with self.client.post("/deposer", name="submission", allow_redirects=False,
                              catch_response=True, data={
                                  "csrf_token": self.csrf, "started": self.started,
                                  "submission_key": secrets.token_urlsafe(24),
                                  "action": "submit", "website": "",
                                  "contact_name": "Amina Diallo",
                                  "structure_name": "Le Comptoir des Voisins",
                                  "legal_form": "scic", "email": f"bench-{n}@exemple.org",
                                  "phone": "06 12 34 56 78", "town": "Vaulx-en-Velin",
                                  "title": "Café solidaire au pied des immeubles",
                                  "summary": "Un café coopératif au rez-de-chaussée.",
                                  "need": "Aucun lieu de rencontre dans le quartier.",
                                  "residents": "Les 400 foyers de la résidence.",
                                  "neighbourhoods": "Mas du Taureau", "priority_area": "yes",
                                  "stage": "development", "support_kinds": "premises",
                                  "financing_amount": "", "support_details": "",
                                  "consent": "y"}) as response:
            if response.status_code != 302 or "/merci" not in response.headers.get(
                    "Location", ""):
                response.failure(f"not submitted ({response.status_code})")

    def dashboard(self):
        self.client.get("/instruction/", name="dashboard")

    def dashboard_filtered(self):
        self.client.get("/instruction/?tab=all&theme=food&stage=development"
                        "&submitted_from=2024-01-01&sort=town&direction=asc",
                        name="dashboard_filtered")

    def dashboard_search(self):
        word = random.choice(["ressourcerie", "compostage", "conciergerie", "café coopératif",
                              "vélo", "tiers-lieu"])
        self.client.get(f"/instruction/?tab=all&q={word}", name="dashboard_search")

    def dossier(self):
        self.client.get(f"/instruction/dossiers/{random.choice(TARGETS['numbers'])}",
                        name="dossier")

    def committee_grid(self):
        self.client.get(f"/instruction/comites/{random.choice(TARGETS['sessions'])}/grille",
                        name="committee_grid")

    def reporting(self):
        self.client.get(f"/rapports/?year={random.choice([2023, 2024, 2025])}",
                        name="reporting")

    def ceiling(self):
        self.client.get(f"/_bench/dashboard-sql?user={TARGETS['animator_id']}",
                        name="ceiling")

    def dashboard_deep(self):
        # A deep page, reached as a person does: by the "next" link's cursor.
        self.client.get(TARGETS["deep_page"], name="dashboard_deep")

    def members_session(self):
        self.client.get(f"/comite/seances/{TARGETS['member_session']}", name="members_session")

    def holder_dossier(self):
        self.client.get(f"/mes-dossiers/{TARGETS['holder_dossier']}", name="holder_dossier")

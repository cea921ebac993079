"""The benchmark, end to end: ``bench/run`` (see the README's "Benchmark" section).

1. Two fresh PostgreSQL databases, migrated by ``flask --app murporteur db upgrade``, filled
   by ``bench/generate.py``: 1,000 dossiers and the national scale (100,000 by default).
2. On each, every page opened in-process once (after a warming request) with the SQL
   statements counted and timed: the query counts at both scales, and the slowest statements
   at full scale, whose plans (``EXPLAIN (ANALYZE, BUFFERS)``) go into the report.
3. gunicorn on 127.0.0.1 at full scale; for each scenario of ``bench/locustfile.py``, locust
   with 10 users and no think time; throughput and p50/p95/p99 from locust's statistics.
4. The CSV export of every dossier, timed, with the peak resident memory of the gunicorn
   worker that streamed it (sampled from /proc every 20 ms).
5. ``docs/benchmarks.md`` written from the results (the text between ``<!-- notes -->`` and
   ``<!-- /notes -->`` in an existing report is kept).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg

from bench.generate import (ANIMATOR_EMAIL, BENCH_PASSWORD, BENCH_TOTP_SECRET, HOLDER_EMAIL,
                            MEMBER_EMAIL, generate)

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
REPORT = ROOT / "docs" / "benchmarks.md"

#: name -> (who, method, url or None (filled from the targets), what it measures)
PAGES = {
    "form": (None, "GET", "/deposer", "the idea form"),
    "submission": (None, "POST", "/deposer", "an idea sent (anonymous)"),
    "dashboard": ("animator", "GET", "/instruction/", "dashboard, default tab"),
    "dashboard_filtered": ("animator", "GET",
                           "/instruction/?tab=all&theme=food&stage=development"
                           "&submitted_from=2024-01-01&sort=town&direction=asc",
                           "dashboard, filtered tab"),
    "dashboard_search": ("animator", "GET", "/instruction/?tab=all&q=ressourcerie",
                         "dashboard, full-text search"),
    "dossier": ("animator", "GET", None, "a dossier (animators)"),
    "committee_grid": ("animator", "GET", None, "committee live grid"),
    "reporting": ("animator", "GET", "/rapports/?year=2025", "reporting, one year"),
    # The same page just after a change: its figures computed, not read from Redis.
    "reporting_cold": ("animator", "GET", "/rapports/?year=2025",
                       "reporting, one year, figures not cached (in-process only)"),
    "dashboard_deep": ("animator", "GET", None, "dashboard, a deep page (keyset)"),
    "members_session": ("member", "GET", None, "a session (members)"),
    "holder_dossier": ("holder", "GET", None, "a dossier (its holder)"),
    "export": ("animator", "GET", "/instruction/export.csv?tab=all", "CSV export, every dossier"),
    "ceiling": (None, "GET", None, "bare dashboard SQL (ceiling)"),
}
LOAD_SCENARIOS = ["ceiling", "form", "submission", "dashboard", "dashboard_filtered",
                  "dashboard_search", "dashboard_deep", "dossier", "committee_grid",
                  "members_session", "holder_dossier", "reporting"]
EXPLAINED = ["submission", "dashboard", "dashboard_filtered", "dashboard_search",
             "dashboard_deep", "dossier", "committee_grid", "members_session",
             "holder_dossier", "reporting", "reporting_cold", "export", "ceiling"]
#: The dashboard again with these numbers of gunicorn workers: throughput should grow with
#: them (nothing is held in a web process), as far as the machine's cores allow.
SCALE_WORKERS = (1, 2, 4)
#: In-process, each page is timed this many times after its warming request; the fastest
#: counts (its statements with it).
IN_PROCESS_REPEATS = 3
#: How deep the keyset page is (rows skipped), at most the tab's size.
DEEP_ROWS = 10_000


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def database(admin_url: str, name: str) -> str:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def app_environ(url: str, redis_url: str) -> dict[str, str]:
    return {**os.environ, "MURPORTEUR_ENV": "development", "DATABASE_URL": url,
            "SECRET_KEY": "bench-secret-key", "REDIS_URL": redis_url, "BENCH": "1",
            "RATELIMIT_ENABLED": "false", "FORM_MIN_SECONDS": "0", "LOG_FORMAT": "json",
            "INSTANCE_PATH": "/tmp/murporteur-bench/instance",
            "UPLOAD_DIR": "/tmp/murporteur-bench/uploads",
            "BASE_URL": "http://127.0.0.1"}


def prepare(admin_url: str, name: str, dossiers: int, seed: int, redis_url: str,
            database_name: str | None = None) -> str:
    url = database(admin_url, database_name or name)
    log(f"{name}: migrating (flask --app murporteur db upgrade)")
    subprocess.run([str(VENV_BIN / "flask"), "--app", "murporteur", "db", "upgrade"],
                   env=app_environ(url, redis_url), check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log(f"{name}: generating {dossiers} dossiers (seed {seed})")
    started = time.monotonic()
    counts = generate(url, dossiers, seed, log=lambda m: log(f"{name}:{m}"))
    counts["_seconds"] = round(time.monotonic() - started)
    prepare.counts[name] = counts
    return url


prepare.counts = {}


def targets(url: str) -> dict:
    """What the scenarios open: the busiest dossiers and sessions, the bench accounts."""
    with psycopg.connect(url) as conn:
        q = conn.execute
        return {
            "emails": {"animator": ANIMATOR_EMAIL, "member": MEMBER_EMAIL,
                       "holder": HOLDER_EMAIL},
            "animator_id": q("SELECT id FROM user_account WHERE email = %s",
                             (ANIMATOR_EMAIL,)).fetchone()[0],
            # Dossiers with a long history: the page's heaviest case.
            "numbers": [r[0] for r in q(
                "SELECT d.number FROM dossier d JOIN dossier_event e ON e.dossier_id = d.id "
                "GROUP BY d.id ORDER BY count(*) DESC, d.id LIMIT 300")],
            "sessions": [r[0] for r in q(
                "SELECT session_id FROM agenda_item GROUP BY session_id "
                "ORDER BY count(*) DESC, session_id LIMIT 50")],
            "member_session": q(
                "SELECT s.id FROM committee_session s JOIN session_invitation i "
                "ON i.session_id = s.id JOIN user_account u ON u.organisation_id = "
                "i.organisation_id AND u.email = %s JOIN agenda_item a ON a.session_id = s.id "
                "GROUP BY s.id ORDER BY count(*) DESC, s.id LIMIT 1",
                (MEMBER_EMAIL,)).fetchone()[0],
            "holder_dossier": q(
                "SELECT d.public_id FROM dossier d JOIN user_account u ON u.id = d.holder_id "
                "WHERE u.email = %s ORDER BY d.id LIMIT 1", (HOLDER_EMAIL,)).fetchone()[0],
            "deep_page": deep_page(q),
        }


def deep_page(q) -> str:
    """The URL of a deep page of the "all" tab as its "next" link gives it: the cursor of the
    row before it (``triage.dashboard.encode_cursor``: the default sort, submitted desc)."""
    import base64

    total = q("SELECT count(*) FROM dossier WHERE state <> 'draft'").fetchone()[0]
    # A full page at both scales: at 1,000 dossiers, the page after row 999 showed one row
    # against fifty at full scale, and the ratio measured the rendering of 49 rows.
    skipped = max(1, min(DEEP_ROWS, total - 50))
    submitted, ident = q("SELECT submitted_at, id FROM dossier WHERE state <> 'draft' "
                         "ORDER BY submitted_at DESC NULLS LAST, id DESC OFFSET %s LIMIT 1",
                         (skipped - 1,)).fetchone()
    raw = json.dumps(["submitted", "desc", submitted.isoformat() if submitted else None, ident],
                     separators=(",", ":"))
    cursor = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    return f"/instruction/?tab=all&page={skipped // 50 + 1}&after={cursor}"


def page_url(name: str, t: dict) -> str:
    who, method, url, _what = PAGES[name]
    return {"dossier": f"/instruction/dossiers/{t['numbers'][0]}" if t["numbers"] else "",
            "committee_grid": f"/instruction/comites/{t['sessions'][0]}/grille",
            "members_session": f"/comite/seances/{t['member_session']}",
            "holder_dossier": f"/mes-dossiers/{t['holder_dossier']}",
            "dashboard_deep": t["deep_page"],
            "ceiling": f"/_bench/dashboard-sql?user={t['animator_id']}"}.get(name, url)


SUBMISSION = {
    "action": "submit", "contact_name": "Amina Diallo", "structure_name": "Le Comptoir",
    "legal_form": "scic", "phone": "06 12 34 56 78", "town": "Vaulx-en-Velin",
    "title": "Café solidaire", "summary": "Un café coopératif.", "need": "Un lieu.",
    "residents": "Les habitants.", "neighbourhoods": "Mas du Taureau", "priority_area": "yes",
    "stage": "development", "support_kinds": "premises", "consent": "y"}


def in_process(url: str, redis_url: str, t: dict, explain: bool) -> dict:
    """Each page once, in-process: statement count, and the slowest statements."""
    from sqlalchemy import event

    from murporteur import create_app
    from murporteur.extensions import db

    environ = app_environ(url, redis_url)
    app = create_app({"WTF_CSRF_ENABLED": False}, environ=environ)
    results: dict[str, dict] = {}
    slow: list[tuple[float, str, str, object]] = []
    with app.app_context():
        engine = db.engine
    # Requests run outside any app context of ours: each gets its own (and its own `g`,
    # where Flask-Login keeps the user), as under gunicorn.
    if True:
        current: list = []

        def before(conn, cursor, statement, parameters, context, executemany):
            context._bench_started = time.perf_counter()

        def after(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                return  # not counted, as in tests/core/test_query_counts.py
            current.append((time.perf_counter() - context._bench_started, statement,
                            parameters))

        clients = {}
        for role, email in t["emails"].items():
            client = app.test_client()
            response = client.post("/connexion", data={"email": email,
                                                       "password": BENCH_PASSWORD})
            if response.headers.get("Location", "").endswith(SECOND_STEP):
                response = client.post(SECOND_STEP, data={"code": second_factor_code()})
            assert response.status_code == 302, (role, response.status_code)
            clients[role] = client
        clients[None] = app.test_client()
        for name, (who, method, _url, _what) in PAGES.items():
            client, path = clients[who], page_url(name, t)
            data = {**SUBMISSION, "email": f"inprocess-{time.time_ns()}@exemple.org",
                    "submission_key": str(time.time_ns())} if method == "POST" else None
            client.open(path, method=method, data=data)  # warm (caches, first loads)
            best = None
            # The fastest of a few requests: one request on a shared machine measures the
            # neighbours as much as the page (the export, long and flat, once).
            for _attempt in range(1 if name == "export" else IN_PROCESS_REPEATS):
                if name.endswith("_cold"):
                    forget_cached(redis_url)
                if method == "POST":
                    data = {**SUBMISSION, "email": f"inprocess-{time.time_ns()}@exemple.org",
                            "submission_key": str(time.time_ns())}
                current.clear()
                event.listen(engine, "before_cursor_execute", before)
                event.listen(engine, "after_cursor_execute", after)
                try:
                    started = time.perf_counter()
                    response = client.open(path, method=method, data=data)
                    body = response.get_data()
                    elapsed = time.perf_counter() - started
                finally:
                    event.remove(engine, "before_cursor_execute", before)
                    event.remove(engine, "after_cursor_execute", after)
                if best is None or elapsed < best[0]:
                    best = (elapsed, response, body, list(current))
            elapsed, response, body, current[:] = best
            slowest = max(current, default=(0.0, "", None), key=lambda c: c[0])
            results[name] = {"status": response.status_code, "queries": len(current),
                             "sql_ms": round(sum(d for d, *_ in current) * 1000, 1),
                             "ms": round(elapsed * 1000, 1), "bytes": len(body),
                             "slowest_ms": round(slowest[0] * 1000, 1),
                             "slowest_sql": re.sub(r"\s+", " ", slowest[1])[:160]}
            for duration, statement, parameters in current:
                slow.append((duration, name, statement, parameters))
            if os.environ.get("BENCH_DUMP_STATEMENTS"):  # to see what a page runs
                with open(os.environ["BENCH_DUMP_STATEMENTS"], "a") as dump:
                    dump.write(f"==== {name} {len(current)}\n" + "\n".join(
                        re.sub(r"\s+", " ", s)[:160] for _d, s, _p in current) + "\n")
        plans = []
        if explain:
            # The slowest statement of each page the targets name, then the slowest overall.
            seen, pages = set(), set()
            ranked = sorted(slow, key=lambda s: -s[0])
            firsts = []
            for item in ranked:
                if item[1] in EXPLAINED and item[1] not in pages \
                        and item[2].lstrip().upper().startswith("SELECT"):
                    pages.add(item[1])
                    firsts.append(item)
            for duration, name, statement, parameters in firsts + ranked:
                key = re.sub(r"\s+", " ", statement)[:300]
                if key in seen or not statement.lstrip().upper().startswith("SELECT"):
                    continue
                seen.add(key)
                with engine.connect() as conn:
                    plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement,
                                                parameters).all()
                plans.append({"page": name, "ms": round(duration * 1000, 1),
                              "sql": statement.strip(), "plan": "\n".join(r[0] for r in plan)})
                if len(plans) == len(EXPLAINED) + int(os.environ.get("BENCH_MORE_PLANS", "2")):
                    break
    return {"pages": results, "plans": plans}


def forget_cached(redis_url: str) -> None:
    """Empty the application's cache (``core.cache``), as a change to the data does for the
    figures it reads."""
    import redis

    store = redis.Redis.from_url(redis_url)
    for key in store.scan_iter("murporteur:cache:*"):
        store.delete(key)


@contextmanager
def gunicorn(url: str, redis_url: str, port: int, workers: int):
    environ = {**app_environ(url, redis_url), "WEB_CONCURRENCY": str(workers),
               "GUNICORN_BIND": f"127.0.0.1:{port}", "ACCESS_LOG": "off",
               "GUNICORN_MAX_REQUESTS": "0", "GUNICORN_TIMEOUT": "120"}
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "murporteur:create_app()"],
        cwd=ROOT, env=environ, stdout=subprocess.DEVNULL, stderr=open(
            "/tmp/murporteur-bench/gunicorn.log", "w"), start_new_session=True)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer; see /tmp/murporteur-bench/gunicorn.log")
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def locust(scenario: str, port: int, users: int, seconds: int, targets_file: str) -> dict:
    prefix = f"/tmp/murporteur-bench/locust-{scenario}"
    subprocess.run([str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"),
                    "--headless", "-u", str(users), "-r", str(users), "-t", f"{seconds}s",
                    "-H", f"http://127.0.0.1:{port}", "--csv", prefix, "--only-summary",
                    "--loglevel", "WARNING"],
                   env={**os.environ, "BENCH_SCENARIO": scenario,
                        "BENCH_TARGETS": targets_file},
                   check=False, cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=open(f"{prefix}.log", "w"))
    with open(f"{prefix}_stats.csv") as f:
        for row in csv.DictReader(f):
            if row["Name"] == scenario:
                return {"rps": float(row["Requests/s"]), "requests": int(row["Request Count"]),
                        "failures": int(row["Failure Count"]), "p50": float(row["50%"]),
                        "p95": float(row["95%"]), "p99": float(row["99%"])}
    raise RuntimeError(f"no statistics for {scenario}; see {prefix}.log")


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def logged_in(port: int, email: str):
    """An opener logged in as ``email`` through the login form, and its cookie jar."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"http://127.0.0.1:{port}/connexion").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": email,
                                   "password": BENCH_PASSWORD}).encode()
    answer = opener.open(f"http://127.0.0.1:{port}/connexion", data=body)
    if answer.geturl().endswith(SECOND_STEP):  # staff: the authenticator's code
        page = answer.read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrf_token": token,
                                       "code": second_factor_code()}).encode()
        answer = opener.open(f"http://127.0.0.1:{port}{SECOND_STEP}", data=body)
    answer.read()
    return opener, jar


SECOND_STEP = "/connexion/verification"
_used_steps: set[int] = set()


def second_factor_code() -> str:
    """The bench staff's current code. A code is good once per account: a login in the same
    30 seconds waits for the next one."""
    import pyotp

    totp = pyotp.TOTP(BENCH_TOTP_SECRET)
    while (step := totp.timecode(datetime.now(UTC))) in _used_steps:
        time.sleep(1)
    _used_steps.add(step)
    return totp.at(datetime.now(UTC))


def export(port: int, master: int) -> dict:
    """Download the CSV of every dossier once, timed, sampling the workers' memory."""
    opener, _jar = logged_in(port, ANIMATOR_EMAIL)
    workers = _children(master)
    before = {pid: _rss_kib(pid) for pid in workers}
    peak = dict(before)
    done = threading.Event()

    def sample():
        while not done.is_set():
            for pid in workers:
                peak[pid] = max(peak.get(pid, 0), _rss_kib(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    first_byte = None
    rows = 0
    size = 0
    with opener.open(f"http://127.0.0.1:{port}/instruction/export.csv?tab=all",
                     timeout=120) as response:
        while chunk := response.read(65536):
            if first_byte is None:
                first_byte = time.perf_counter() - started
            rows += chunk.count(b"\n")
            size += len(chunk)
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    worker = max(workers, key=lambda pid: peak[pid] - before[pid])
    return {"seconds": round(elapsed, 2), "first_byte_s": round(first_byte or 0, 3),
            "rows": rows - 1, "mib": round(size / 2**20, 1),
            "rss_before_mib": round(before[worker] / 1024, 1),
            "rss_peak_mib": round(peak[worker] / 1024, 1)}


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text()
                  .splitlines() if line.startswith("MemTotal"))
    with psycopg.connect(os.environ.get("BENCH_ADMIN_URL",
                                        "postgresql://postgres@127.0.0.1:5432/postgres")) as c:
        pg = c.execute("SHOW server_version").fetchone()[0]
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory / 2**20, 1),
            "os": platform.platform(), "python": platform.python_version(),
            "postgresql": pg, "load": os.getloadavg()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Run the benchmark and write "
                                     "docs/benchmarks.md.")
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--admin-url", default=os.environ.get(
        "BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--redis-url", default=os.environ.get(
        "BENCH_REDIS_URL", "redis://127.0.0.1:6379/11"))
    parser.add_argument("--scale-workers", type=lambda v: [int(x) for x in v.split(",") if x],
                        default=list(SCALE_WORKERS),
                        help="the dashboard again with these numbers of workers (1,2,4)")
    parser.add_argument("--database", default="murporteur_bench",
                        help="the name of the full-scale database (the small one: <name>_small)")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--no-load", action="store_true",
                        help="in-process pass only (statement counts, times, plans): a check "
                        "of the bench on a busy machine, without gunicorn and locust")
    parser.add_argument("--output", default=str(REPORT))
    args = parser.parse_args(argv)
    Path("/tmp/murporteur-bench").mkdir(exist_ok=True)
    command = "bench/run " + " ".join(argv if argv is not None else sys.argv[1:])
    started = time.monotonic()
    load_before = os.getloadavg()  # whether the machine is quiet, before the run loads it

    small_url = prepare(args.admin_url, "murporteur_bench_small", args.small, args.seed,
                        args.redis_url, f"{args.database}_small")
    small = in_process(small_url, args.redis_url, targets(small_url), explain=False)
    log("query counts at the small scale measured")
    if args.dossiers == args.small:  # a check of the bench itself: one database
        url = small_url
        prepare.counts["murporteur_bench"] = prepare.counts["murporteur_bench_small"]
    else:
        url = prepare(args.admin_url, "murporteur_bench", args.dossiers, args.seed,
                      args.redis_url, args.database)
    t = targets(url)
    large = in_process(url, args.redis_url, t, explain=True)
    log("query counts and plans at full scale measured")
    targets_file = "/tmp/murporteur-bench/targets.json"
    load: dict = {}
    exports: list = []
    scaling: dict = {}
    if not args.no_load:
        load, exports, scaling = under_load(args, url, t, targets_file)
    if not args.keep:
        for name in (f"{args.database}_small", args.database):
            with psycopg.connect(args.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    results = {"command": command, "args": vars(args),
               "machine": {**machine(), "load_before": load_before},
               "generated": prepare.counts, "small": small, "large": large, "load": load,
               "export": exports, "scaling": scaling, "minutes":
               round((time.monotonic() - started) / 60, 1),
               "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}
    Path("/tmp/murporteur-bench/results.json").write_text(json.dumps(results, indent=2))
    from bench.report import write

    write(results, Path(args.output))
    log(f"done in {results['minutes']} min: {args.output}")
    return 0


def under_load(args, url: str, t: dict, targets_file: str) -> tuple[dict, list, dict]:
    """The pages under locust, the export, and the dashboard with more workers."""
    load = {}
    with gunicorn(url, args.redis_url, args.port, args.workers) as master:
        t["cookies"] = {role: {c.name: c.value for c in logged_in(args.port, email)[1]}
                        for role, email in t["emails"].items()}
        Path(targets_file).write_text(json.dumps(t))
        for scenario in LOAD_SCENARIOS:
            log(f"load: {scenario} ({args.users} users, {args.seconds} s)")
            load[scenario] = locust(scenario, args.port, args.users, args.seconds,
                                    targets_file)
            log(f"  {load[scenario]}")
        exports = [export(args.port, master.pid) for _ in range(3)]
        log(f"export: {exports}")
    scaling = {}
    for workers in args.scale_workers:
        with gunicorn(url, args.redis_url, args.port, workers):
            log(f"load: dashboard with {workers} workers")
            scaling[workers] = locust("dashboard", args.port, args.users, args.seconds,
                                      targets_file)
            log(f"  {scaling[workers]}")
    return load, exports, scaling


if __name__ == "__main__":
    sys.exit(main())

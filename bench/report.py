"""``docs/benchmarks.md`` from the results of ``bench/runner.py``.

Everything is generated except the text between ``<!-- notes -->`` and ``<!-- /notes -->``,
kept from the existing report (the reading of the numbers, written by a person).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

NOTES = re.compile(r"<!-- notes -->.*?<!-- /notes -->", re.S)
DEFAULT_NOTES = "<!-- notes -->\n(No notes yet.)\n<!-- /notes -->"


def _verdict(ok: bool) -> str:
    return "holds" if ok else "**does not hold**"


def write(results: dict, path: Path) -> None:
    from bench.runner import LOAD_SCENARIOS, PAGES

    notes = DEFAULT_NOTES
    if path.exists():
        match = NOTES.search(path.read_text())
        if match:
            notes = match.group(0)
    m, load, small, large = (results["machine"], results["load"], results["small"]["pages"],
                             results["large"]["pages"])
    args = results["args"]
    ceiling = load["ceiling"]["rps"]
    out = [
        "# Benchmarks",
        "",
        "Written by `bench/run` (see the README's \"Benchmark\" section); only the notes "
        "section is edited by hand. Reproduce from a clean PostgreSQL with:",
        "",
        "```sh",
        f"{results['command'].strip()}",
        "```",
        "",
        f"Run on {results['date']} in {results['minutes']} minutes.",
        "",
        "## Machine",
        "",
        f"- CPU: {m['cpu']}, {m['cores']} cores; memory {m['memory_gib']} GiB",
        f"- {m['os']}, Python {m['python']}, PostgreSQL {m['postgresql']} (default settings)",
        f"- load average at the end of the run: {', '.join(f'{x:.2f}' for x in m['load'])} "
        "(the machine is shared: other processes ran at the same time)",
        f"- gunicorn with {args['workers']} synchronous workers on 127.0.0.1, access log off, "
        "JSON application logs; locust on the same machine; Celery tasks handed to Redis "
        "(no worker draining them during the run)",
        "",
        "## Data",
        "",
        "| table | rows (full scale) | rows (small scale) |",
        "|---|---:|---:|",
    ]
    big, little = results["generated"]["murporteur_bench"], \
        results["generated"]["murporteur_bench_small"]
    for table in sorted(t for t in big if not t.startswith("_")):
        out.append(f"| {table} | {big[table]:,} | {little.get(table, 0):,} |")
    out += ["", f"Generated in {big['_seconds']} s (COPY, seed {args['seed']}).", ""]

    out += [
        f"## Load: {args['users']} concurrent users, no think time, {args['seconds']} s per page",
        "",
        "Throughput is also given as a ratio of the bare-SQL ceiling's (`/_bench/dashboard-sql`: "
        "the dashboard's own statements, without login, ORM objects or template).",
        "",
        "| page | requests/s | × ceiling | p50 ms | p95 ms | p99 ms | requests | failures |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in LOAD_SCENARIOS:
        r = load[name]
        ratio = f"{r['rps'] / ceiling:.0%}" if ceiling else "—"
        out.append(f"| {PAGES[name][3]} | {r['rps']:.1f} | {ratio} | {r['p50']:.0f} | "
                   f"{r['p95']:.0f} | {r['p99']:.0f} | {r['requests']:,} | {r['failures']} |")
    exports = results["export"]
    best = min(exports, key=lambda e: e["seconds"])
    out += [
        "",
        "## CSV export of every dossier",
        "",
        "| run | rows | size MiB | seconds | first byte s | worker RSS before MiB | "
        "peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for k, e in enumerate(exports, 1):
        out.append(f"| {k} | {e['rows']:,} | {e['mib']} | {e['seconds']} | {e['first_byte_s']} "
                   f"| {e['rss_before_mib']} | {e['rss_peak_mib']} |")
    out += ["", "## SQL statements per page", "",
            f"One request each, in-process, after a warming request: at {args['small']:,} and "
            f"{args['dossiers']:,} dossiers. `tests/core/test_query_counts.py` asserts in CI "
            "that the count does not grow with the data.", "",
            f"| page | statements ({args['small']:,}) | statements ({args['dossiers']:,}) | "
            f"SQL time ms ({args['dossiers']:,}) | in-process ms ({args['dossiers']:,}) |",
            "|---|---:|---:|---:|---:|"]
    for name in PAGES:
        s, b = small[name], large[name]
        flag = "" if s["queries"] == b["queries"] else " ⚠"
        out.append(f"| {PAGES[name][3]} | {s['queries']} | {b['queries']}{flag} | "
                   f"{b['sql_ms']} | {b['ms']} |")

    out += ["", "## Targets", ""]
    for name in ("dashboard", "dossier", "committee_grid", "reporting"):
        r = load[name]
        ok_ratio = ceiling and r["rps"] / ceiling >= 0.5
        out.append(f"- {PAGES[name][3]}: throughput ≥ 50% of the ceiling "
                   f"({r['rps'] / ceiling:.0%}) — {_verdict(ok_ratio)}; p95 < 100 ms "
                   f"({r['p95']:.0f} ms) — {_verdict(r['p95'] < 100)}")
    for name in ("dashboard_filtered", "dashboard_search"):
        r = load[name]
        out.append(f"- {PAGES[name][3]} (not a stated target): {r['rps'] / ceiling:.0%} of the "
                   f"ceiling, p95 {r['p95']:.0f} ms")
    form, sub = load["form"], load["submission"]
    out.append(f"- a submission's p95 within 2× the form page's ({sub['p95']:.0f} ms vs "
               f"{form['p95']:.0f} ms) — {_verdict(sub['p95'] <= 2 * form['p95'])}")
    out.append(f"- CSV export of {best['rows']:,} rows under 5 s ({best['seconds']} s) — "
               f"{_verdict(best['seconds'] < 5)}; memory flat (peak {best['rss_peak_mib']} MiB "
               f"for {best['rss_before_mib']} MiB before)")
    same = all(small[n]["queries"] == large[n]["queries"] for n in PAGES)
    out.append(f"- statements per page independent of the data — {_verdict(same)}")
    out += ["", "## Reading the numbers", "", notes, "",
            "## Plans of the slowest statements (full scale)", "",
            "`EXPLAIN (ANALYZE, BUFFERS)`, with the parameters they ran with, of the slowest "
            "statement of each page below, then of the two slowest others of the in-process "
            "pass (timings under load: see the machine's load average).", ""]
    for plan in results["large"]["plans"]:
        sql = re.sub(r"\s+", " ", plan["sql"])
        out += [f"### {PAGES[plan['page']][3]} — {plan['ms']} ms", "", "```sql",
                sql if len(sql) < 3000 else sql[:3000] + " …", "```", "", "```",
                plan["plan"], "```", ""]
    path.parent.mkdir(exist_ok=True)
    path.write_text("\n".join(out).rstrip() + "\n")


if __name__ == "__main__":  # re-render from a results file: python -m bench.report results.json
    write(json.loads(Path(sys.argv[1]).read_text()),
          Path(sys.argv[2] if len(sys.argv) > 2 else "docs/benchmarks.md"))

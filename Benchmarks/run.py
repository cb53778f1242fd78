#!/usr/bin/env python3
"""The side-by-side benchmark: ledgerctl against the tools people would reach for, in one run.

    Benchmarks/run.sh [--events 1000000] [--pairs 7] [--json Benchmarks/out/results.json]

Builds ledgerctl in release mode (the README's build: the Swift runtime linked statically),
generates N events of the catalog's mix (Benchmarks/generate.py) and imports them in one durable
`ledgerctl import`, then measures the rows of the performance table:

  incremental   each report after one more event (impact; attendees of one engagement;
                standings of one contest; proposals), from the state the reports saved: seconds
  cold replay   `report impact --fresh` (no saved state)  vs  python3+orjson counting events by
                type, and vs DuckDB computing the impact report's headline figures
  verify        `ledgerctl verify`  vs  `sha256sum` of the same segment files (wall)
  append        one durable `ledgerctl append`  vs  one `sqlite3` CLI insert (default settings)
  import        events per second of the one durable import of N events
  memory        peak RSS of that import, and the largest of the four reports' (`--fresh`)

A comparison runs its two commands in pairs, A B A B ..., so that both see the same machine at
the same moment; its figure is the median of the per-pair ratios, with their spread (lowest and
highest). A time alone is the median of the runs. Installs jq, sqlite3, orjson and duckdb when
missing. No timing is asserted anywhere: the figures are for people to read.
"""
import argparse, json, os, platform, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The README's release build (Package.swift links the Swift runtime statically in release).
LEDGERCTL = os.path.join(ROOT, ".build", "release", "ledgerctl")


def sh(command, **kwargs):
    return subprocess.run(command, shell=isinstance(command, str), check=True, capture_output=True, text=True, **kwargs)


def run_once(command):
    """The wall time of one run of a shell command, in seconds."""
    start = time.perf_counter()
    subprocess.run(command, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def timed(command, runs):
    """The median wall time of `runs` runs, and the lowest and highest."""
    times = [run_once(command) for _ in range(runs)]
    return statistics.median(times), min(times), max(times)


def paired(a, b, pairs):
    """Runs A B A B ... (`a` and `b`: shell commands, or functions returning a command for each
    run); returns the median of the per-pair ratios A/B, the lowest and highest, and the median
    times of A and B."""
    ratios, times_a, times_b = [], [], []
    for _ in range(pairs):
        ta = run_once(a() if callable(a) else a)
        tb = run_once(b() if callable(b) else b)
        ratios.append(ta / tb)
        times_a.append(ta)
        times_b.append(tb)
    return statistics.median(ratios), min(ratios), max(ratios), statistics.median(times_a), statistics.median(times_b)


def peak_rss_mb(command):
    """The peak RSS of a shell command, in MB, and its wall time in seconds."""
    start = time.perf_counter()
    result = subprocess.run(f"/usr/bin/time -v sh -c '{command}'", shell=True, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    for line in result.stderr.splitlines():
        if "Maximum resident set size" in line:
            return int(line.split()[-1]) / 1024, seconds
    return float("nan"), seconds


def ensure_tools():
    missing_apt = [tool for tool in ("jq", "sqlite3") if shutil.which(tool) is None]
    if not os.path.exists("/usr/bin/time"):
        missing_apt.append("time")
    if missing_apt:
        subprocess.run("apt-get update -qq && apt-get install -y -qq " + " ".join(missing_apt), shell=True, check=True)
    for module in ("orjson", "duckdb"):
        try:
            __import__(module)
        except ImportError:
            subprocess.run([sys.executable, "-m", "pip", "install", "-q", module], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--json", default=os.path.join(ROOT, "Benchmarks", "out", "results.json"))
    parser.add_argument("--keep", action="store_true", help="keep the generated ledger")
    args = parser.parse_args()
    pairs = max(1, args.pairs)

    ensure_tools()
    subprocess.run(["swift", "build", "-c", "release", "--product", "ledgerctl"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="ledger-bench-")
    generated = os.path.join(work, "generated")
    sh([sys.executable, os.path.join(ROOT, "Benchmarks", "generate.py"), "--events", str(args.events), "--out", generated,
        "--chunk", str(args.events + 1000)])
    (source,) = [os.path.join(generated, f) for f in os.listdir(generated)]
    full = os.path.join(work, "full")
    ledger = f"{LEDGERCTL} --dir {full}"
    sh(f"{ledger} init --segment-size 16M")
    import_rss, import_seconds = peak_rss_mb(f"{ledger} import {source} >/dev/null")
    events = int(sh(f"{ledger} verify").stdout.split()[1])
    segments = " ".join(sorted(os.path.join(full, f) for f in os.listdir(full) if f.startswith("segment-")))
    size_mb = sum(os.path.getsize(p) for p in segments.split()) / 1e6

    count_orjson = f"{sys.executable} -c \"import orjson,sys,collections; c=collections.Counter(orjson.loads(l)['type'] for f in sys.argv[1:] for l in open(f,'rb')); print(len(c))\" {segments}"
    duck_sql = (
        "WITH e AS (SELECT type, data FROM read_json_auto([" + ",".join(f"'{p}'" for p in segments.split()) + "], format='newline_delimited', maximum_object_size=1048576)),"
        " people AS (SELECT data.participant AS p, data.\"group\" AS g, data.sex AS s FROM e WHERE type='participant.registered'),"
        " acted AS (SELECT DISTINCT data.participant AS p FROM e WHERE type IN ('rsvp.submitted','attendance.checked_in','quiz.answer.submitted','photo.entry.submitted','proposal.submitted','proposal.supported')),"
        " came AS (SELECT DISTINCT data.participant AS p FROM e WHERE type='attendance.checked_in')"
        " SELECT (SELECT count(*) FROM acted), (SELECT count(*) FROM came),"
        " (SELECT list(x) FROM (SELECT g || ':' || count(*) AS x FROM acted JOIN people USING (p) GROUP BY g)),"
        " (SELECT list(x) FROM (SELECT coalesce(s,'undisclosed') || ':' || count(*) AS x FROM acted JOIN people USING (p) GROUP BY s)),"
        " (SELECT list(x) FROM (SELECT data.theme || ':' || count(*) AS x FROM e WHERE type='proposal.submitted' GROUP BY data.theme))"
    )
    duck_file = os.path.join(work, "headline.sql")
    open(duck_file, "w").write(duck_sql)
    duck = f"{sys.executable} -c \"import duckdb,sys; print(duckdb.connect().execute(open(sys.argv[1]).read()).fetchall())\" {duck_file}"

    # The reports of one engagement and one contest: the busiest of each, from the generator's ids.
    reports = {"impact": "impact", "attendees": "attendees --engagement forum-1", "standings": "standings --contest photo-1",
               "proposals": "proposals"}
    figures, ratios = {}, {}

    # Memory of each report, from the first event (this also saves each report's state at N).
    report_rss = {name: peak_rss_mb(f"{ledger} report {report} --fresh >/dev/null")[0] for name, report in reports.items()}
    figures["report_peak_rss_mb"] = max(report_rss.values())
    figures["import_peak_rss_mb"] = import_rss
    figures["import_events_per_s"] = events / import_seconds

    # Each report after one more event, from its saved state.
    sh(f"{ledger} append attendance.checked_in engagement=forum-1 participant=p0000001 >/dev/null")
    for name, report in reports.items():
        figures[f"incremental_{name}_s"] = timed(f"{ledger} report {report} >/dev/null", pairs)

    ratios["cold report impact --fresh / python3+orjson count"] = paired(f"{ledger} report impact --fresh >/dev/null", count_orjson, pairs)
    ratios["cold report impact --fresh / DuckDB headline"] = paired(f"{ledger} report impact --fresh >/dev/null", duck, pairs)
    ratios["verify / sha256sum"] = paired(f"{ledger} verify", f"sha256sum {segments}", pairs)

    database = os.path.join(work, "bench.sqlite")
    sh(["sqlite3", database, f"CREATE TABLE events(seq INTEGER PRIMARY KEY, type TEXT, data TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < {events}) INSERT INTO events SELECT i, 'rsvp.submitted', '{{\"engagement\":\"forum-1\"}}' FROM n;"])
    counter = [0]

    def one_append():
        counter[0] += 1
        return f"{ledger} append participant.registered participant=bench-{counter[0]} group=citizen name=Bench >/dev/null"

    def one_insert():
        return f"sqlite3 {database} \"INSERT INTO events(type, data) VALUES ('rsvp.submitted', 'k{counter[0]}');\""
    ratios["one append / one sqlite3 insert"] = paired(one_append, one_insert, max(pairs, 15))

    rows = [
        ("report after one more event: impact (s)", figures["incremental_impact_s"][0], "<= 0.1"),
        ("report after one more event: attendees of one engagement (s)", figures["incremental_attendees_s"][0], "<= 0.1"),
        ("report after one more event: standings of one contest (s)", figures["incremental_standings_s"][0], "<= 0.1"),
        ("report after one more event: proposals (s)", figures["incremental_proposals_s"][0], "<= 0.1"),
        ("cold report impact --fresh / python3+orjson count", ratios["cold report impact --fresh / python3+orjson count"][0], "<= 1.0"),
        ("cold report impact --fresh / DuckDB headline", ratios["cold report impact --fresh / DuckDB headline"][0], "<= 0.75"),
        ("verify / sha256sum (wall)", ratios["verify / sha256sum"][0], "<= 1.0"),
        ("one append / one sqlite3 insert", ratios["one append / one sqlite3 insert"][0], "<= 2.0"),
        ("import, durable (events/s)", figures["import_events_per_s"], ">= 150000"),
        ("peak RSS: import of N (MB)", figures["import_peak_rss_mb"], "<= 150"),
        ("peak RSS: largest report (MB)", figures["report_peak_rss_mb"], "<= 100"),
    ]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}"
    print(f"\nledger benchmark: {events:,} events ({size_mb:.0f} MB of segments); {pairs} pairs; {machine}\n")
    for name, report in reports.items():
        median, low, high = figures[f"incremental_{name}_s"]
        print(f"report {report} after one more event: {median:.3f} s (runs {low:.3f}-{high:.3f})")
    for name, (median, low, high, time_a, time_b) in ratios.items():
        print(f"{name}: ratio {median:.2f} (pairs {low:.2f}-{high:.2f}; {time_a * 1000:.1f} ms vs {time_b * 1000:.1f} ms)")
    print(f"peak RSS of each report --fresh: " + ", ".join(f"{name} {mb:.0f} MB" for name, mb in report_rss.items()))
    print(f"\n{'row':62} {'measured':>10}  target")
    for name, value, target in rows:
        print(f"{name:62} {value:10.2f}  {target}")
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump({"events": events, "segment_mb": size_mb, "pairs": pairs, "machine": machine, "figures": figures,
                   "report_peak_rss_mb": report_rss, "ratios": ratios, "rows": {name: value for name, value, _ in rows}}, f, indent=2)
    print(f"\nwritten: {args.json}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

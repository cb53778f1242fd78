#!/usr/bin/env python3
"""The side-by-side benchmark: ledgerctl against the tools people would reach for, in one run.

    Benchmarks/run.sh [--events 1000000] [--runs 3] [--json Benchmarks/out/results.json]

Builds ledgerctl in release mode (the Swift runtime linked statically), generates N events (Benchmarks/generate.py) and writes them
through the real write path (`ledgerctl import`, durable, fsync per batch), then measures, each
as the median of --runs runs, side by side:
  replay      report impact + attendees + standings, each reading every event (`--fresh`: no
              saved state)  vs  python3 json / orjson and jq counting events by type, and DuckDB
              computing the impact report's headline figures (cold); also the same three reports
              warm (report impact from the state it saved)
  verify      ledgerctl verify  vs  sha256sum of the same segment files
  append      one durable `ledgerctl append` into the N-event ledger  vs  one sqlite3 CLI insert
              into an N-row table (default settings)
  import      events per second, durable
  memory      peak RSS of replay (`report impact --fresh`) and verify at N/10 and N (/usr/bin/time -v)
  incremental `report impact` after one more event is appended (from the state the replays saved)
Prints a table of figures and ratios and writes it as JSON. Installs jq, sqlite3, orjson and
duckdb when missing. No timing is asserted anywhere: the figures are for people to read.
"""
import argparse, json, os, platform, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# A release build with the Swift runtime linked in statically: a script that calls `ledgerctl
# append` in a loop pays the process start each time, and static linking halves it (about 7 ms
# instead of 15 here). Kept apart from .build so that it does not disturb the normal build.
SCRATCH = os.path.join(ROOT, ".build-static")
LEDGERCTL = os.path.join(SCRATCH, "release", "ledgerctl")


def sh(command, **kwargs):
    return subprocess.run(command, shell=isinstance(command, str), check=True, capture_output=True, text=True, **kwargs)


def timed(command, runs, env=None):
    """The median wall time of `runs` runs of a shell command, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb(command):
    result = subprocess.run(f"/usr/bin/time -v {command}", shell=True, check=True, capture_output=True, text=True)
    for line in result.stderr.splitlines():
        if "Maximum resident set size" in line:
            return int(line.split()[-1]) / 1024
    return float("nan")


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


def build_ledger(directory, chunks):
    """Imports the chunks through ledgerctl; returns (events, seconds)."""
    sh([LEDGERCTL, "--dir", directory, "init", "--segment-size", "64M"])
    events, seconds = 0, 0.0
    for chunk in chunks:
        start = time.perf_counter()
        out = sh([LEDGERCTL, "--dir", directory, "--wait", "600", "import", chunk]).stdout
        seconds += time.perf_counter() - start
        events += int(out.split()[1])
    return events, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", default=os.path.join(ROOT, "Benchmarks", "out", "results.json"))
    parser.add_argument("--keep", action="store_true", help="keep the generated ledgers")
    args = parser.parse_args()

    ensure_tools()
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--scratch-path", SCRATCH, "--product", "ledgerctl"],
                   cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="ledger-bench-")
    generated = os.path.join(work, "generated")
    chunk = max(1000, min(50_000, args.events // 10))
    sh([sys.executable, os.path.join(ROOT, "Benchmarks", "generate.py"), "--events", str(args.events), "--out", generated, "--chunk", str(chunk)])
    chunks = sorted(os.path.join(generated, f) for f in os.listdir(generated))
    small, full = os.path.join(work, "small"), os.path.join(work, "full")
    small_events, _ = build_ledger(small, chunks[:max(1, len(chunks) // 10)])
    events, import_seconds = build_ledger(full, chunks)
    segments = " ".join(sorted(os.path.join(full, f) for f in os.listdir(full) if f.startswith("segment-")))
    size_mb = sum(os.path.getsize(p) for p in segments.split()) / 1e6

    ledger = f"{LEDGERCTL} --dir {full}"
    others = f"{ledger} report attendees --engagement forum-1 >/dev/null && {ledger} report standings --contest photo-1 >/dev/null"
    replay = f"{ledger} report impact --fresh >/dev/null && {others}"
    replay_warm = f"{ledger} report impact >/dev/null && {others}"
    count_py = f"{sys.executable} -c \"import json,sys,collections; c=collections.Counter(json.loads(l)['type'] for f in sys.argv[1:] for l in open(f,'rb')); print(len(c))\" {segments}"
    count_orjson = f"{sys.executable} -c \"import orjson,sys,collections; c=collections.Counter(orjson.loads(l)['type'] for f in sys.argv[1:] for l in open(f,'rb')); print(len(c))\" {segments}"
    count_jq = f"cat {segments} | jq -n 'reduce inputs as $e ({{}}; .[$e.type] += 1)'"
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

    figures = {}
    figures["replay_s"] = timed(replay, args.runs)
    figures["replay_warm_s"] = timed(replay_warm, args.runs)
    figures["python_json_count_s"] = timed(count_py, args.runs)
    figures["python_orjson_count_s"] = timed(count_orjson, args.runs)
    figures["jq_count_s"] = timed(count_jq, args.runs)
    figures["duckdb_headline_s"] = timed(duck, args.runs)
    figures["verify_s"] = timed(f"{ledger} verify", args.runs)
    figures["sha256sum_s"] = timed(f"sha256sum {segments}", args.runs)

    database = os.path.join(work, "bench.sqlite")
    sh(["sqlite3", database, f"CREATE TABLE events(seq INTEGER PRIMARY KEY, type TEXT, data TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < {events}) INSERT INTO events SELECT i, 'rsvp.submitted', '{{\"engagement\":\"forum-1\"}}' FROM n;"])
    counter = [0]

    def one_append():
        counter[0] += 1
        return f"{ledger} append participant.registered participant=bench-{counter[0]}-$RANDOM$RANDOM group=citizen name=Bench >/dev/null"
    appends = []
    for _ in range(max(5, args.runs)):
        start = time.perf_counter()
        subprocess.run(one_append(), shell=True, check=True)
        appends.append(time.perf_counter() - start)
    figures["append_s"] = statistics.median(appends)
    inserts = []
    for k in range(max(5, args.runs)):
        start = time.perf_counter()
        sh(["sqlite3", database, f"INSERT INTO events(type, data) VALUES ('rsvp.submitted', '{{\"k\":{k}}}');"])
        inserts.append(time.perf_counter() - start)
    figures["sqlite3_insert_s"] = statistics.median(inserts)
    figures["import_events_per_s"] = events / import_seconds
    figures["replay_rss_mb_small"] = peak_rss_mb(f"{LEDGERCTL} --dir {small} report impact --fresh >/dev/null")
    figures["replay_rss_mb"] = peak_rss_mb(f"{ledger} report impact --fresh >/dev/null")
    figures["verify_rss_mb_small"] = peak_rss_mb(f"{LEDGERCTL} --dir {small} verify >/dev/null")
    figures["verify_rss_mb"] = peak_rss_mb(f"{ledger} verify >/dev/null")
    sh(f"{ledger} report impact --fresh >/dev/null")  # the state at N events
    subprocess.run(one_append(), shell=True, check=True)
    figures["incremental_report_s"] = timed(f"{ledger} report impact", args.runs)

    rows = [
        ("replay of all projections / python3+orjson count", figures["replay_s"] / figures["python_orjson_count_s"], "<= 1.0"),
        ("replay of all projections / python3 json count", figures["replay_s"] / figures["python_json_count_s"], ""),
        ("replay of all projections / jq count", figures["replay_s"] / figures["jq_count_s"], "<= 0.25"),
        ("replay of all projections / DuckDB headline, cold", figures["replay_s"] / figures["duckdb_headline_s"], "<= 2.0"),
        ("replay, warm (saved state) / python3+orjson count", figures["replay_warm_s"] / figures["python_orjson_count_s"], ""),
        ("report after one more event / DuckDB headline", figures["incremental_report_s"] / figures["duckdb_headline_s"], "<= 0.1"),
        ("verify / sha256sum", figures["verify_s"] / figures["sha256sum_s"], "<= 1.5"),
        ("one durable append / one sqlite3 insert", figures["append_s"] / figures["sqlite3_insert_s"], "<= 3.0"),
    ]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}"
    print(f"\nledger benchmark: {events:,} events ({size_mb:.0f} MB of segments), N/10 = {small_events:,}; medians of {args.runs} runs; {machine}\n")
    print(f"{'figure':58} {'value':>12}")
    for key, value in figures.items():
        print(f"{key:58} {value:12.3f}")
    print(f"\n{'ratio':58} {'measured':>9}  target")
    for name, value, target in rows:
        print(f"{name:58} {value:9.2f}  {target}")
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump({"events": events, "events_small": small_events, "segment_mb": size_mb, "runs": args.runs, "machine": machine,
                   "figures": figures, "ratios": {name: value for name, value, _ in rows}}, f, indent=2)
    print(f"\nwritten: {args.json}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

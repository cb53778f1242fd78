#!/usr/bin/env python3
"""A long crash campaign for a benchmark machine: writers killed with SIGKILL at random moments.

    python3 Scripts/crash_campaign.py [--kills 2000] [--seed 1] [--ledgerctl PATH] [--dir DIR]

Each round starts one writer (a single append, an import batch of up to 500 events that rolls
segments over, or a forget) and kills it after a random delay. After each round `verify` must
pass (a torn tail is allowed until the next writer repairs it). At the end: every event whose
writer exited 0 is present exactly once, no import batch is half there, every forgotten person's
personal data is gone, and the ledger verifies without warnings. CI runs the same checks with
220 kills (Tests/ledgerctlTests/DurabilityTests.swift); this script runs as many as you like.
"""
import argparse, json, os, random, signal, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=2000, help="rounds to run (each kills a writer, or lets it finish)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ledgerctl", default=os.path.join(ROOT, ".build", "release", "ledgerctl"))
    parser.add_argument("--dir", default=None, help="the ledger to build (default: a new temporary directory)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    directory = args.dir or tempfile.mkdtemp(prefix="crash-campaign-")
    run = lambda *a, stdin=None: subprocess.run([args.ledgerctl, "--dir", directory, "--wait", "60", *a], input=stdin,
                                                capture_output=True, text=True)
    assert run("init", "--segment-size", "64K").returncode == 0
    assert run("append", "project.defined", "project=p", "title=T", "starts_on=2017-04-01", "ends_on=2020-03-31").returncode == 0
    acknowledged, batches, registered, forgotten, killed = set(), {}, [], set(), 0
    started = time.time()
    for round_ in range(args.kills):
        roll = rng.random()
        size = 0
        if roll < 0.1 and registered:
            who = rng.choice(registered)
            command = ["forget", who]
            forgotten.add(who)
            stdin = None
        elif roll < 0.4:
            size = 1
            command = ["append", "participant.registered", f"participant=r{round_}-1", "group=citizen", f"name=Single {round_}",
                       f"email=r{round_}@example.kz", "--id", f"r{round_}-1"]
            stdin = None
        else:
            size = rng.randint(2, 500)
            command = ["import", "-"]
            stdin = "".join(json.dumps({"type": "participant.registered", "id": f"r{round_}-{k}",
                                        "data": {"participant": f"r{round_}-{k}", "group": "citizen", "name": f"Қатысушы {round_} {k}"}},
                                       ensure_ascii=False) + "\n" for k in range(1, size + 1))
        process = subprocess.Popen([args.ledgerctl, "--dir", directory, "--wait", "60", *command], stdin=subprocess.PIPE,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
        try:
            if stdin:
                process.stdin.write(stdin)
            process.stdin.close()
        except BrokenPipeError:
            pass
        time.sleep(rng.uniform(0, 0.05))
        process.send_signal(signal.SIGKILL)
        code = process.wait()
        if size:
            batches[f"r{round_}"] = size
        if code == 0:
            acknowledged.update(f"r{round_}-{k}" for k in range(1, size + 1))
            if size:
                registered.append(f"r{round_}-1")
        else:
            killed += 1
        verify = run("verify")
        if verify.returncode != 0:
            sys.exit(f"round {round_}: verify failed: {verify.stderr.strip()}")
    for who in sorted(forgotten):
        run("forget", who)
    assert run("append", "participant.registered", "participant=after", "group=citizen", "name=After").returncode == 0
    verify = run("verify")
    if verify.returncode != 0 or verify.stderr:
        sys.exit(f"final verify: {verify.stderr.strip()}")
    ids = [json.loads(line)["id"] for line in run("log", "--json").stdout.splitlines()]
    problems = []
    if len(ids) != len(set(ids)):
        problems.append("an id appears twice")
    missing = acknowledged - set(ids)
    if missing:
        problems.append(f"{len(missing)} acknowledged events are missing, such as {sorted(missing)[:3]}")
    for batch, size in batches.items():
        present = sum(1 for i in ids if i.startswith(batch + "-"))
        if present not in (0, size):
            problems.append(f"batch {batch}: {present} of {size} events")
    personal_path = os.path.join(directory, "personal.jsonl")
    personal = open(personal_path, encoding="utf-8").read() if os.path.exists(personal_path) else ""
    for who in forgotten:
        if f'"participant":"{who}"' in personal:
            problems.append(f"{who} was forgotten but still has personal data")
    print(f"crash campaign: {args.kills} rounds, {killed} writers killed, {len(acknowledged)} acknowledged events, "
          f"{len(ids)} in the ledger, {len(forgotten)} forgotten, {time.time() - started:.0f} s, ledger in {directory}")
    if problems:
        sys.exit("FAIL: " + "; ".join(problems))
    print("ok: nothing acknowledged was lost, nothing duplicated, no half batch, every forgotten person gone")


if __name__ == "__main__":
    main()

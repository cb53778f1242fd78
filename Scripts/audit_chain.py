#!/usr/bin/env python3
"""Check a ledger directory's event files without trusting ledgerctl (python3, standard library only).

Usage: python3 Scripts/audit_chain.py DIR [--checkpoint FILE]

Reads DIR/segment-NNNNNNNNNNNN.jsonl (12 or more digits: the seq of the file's first line) in the
order of that number, and checks that:
  - every line ends in LF and is a UTF-8 JSON object without duplicate member names;
  - `seq` runs 1, 2, 3, ... across segments; each segment's first line has the seq its name says
    (only the last segment may be empty);
  - `prev` is the lowercase hex SHA-256 of the exact bytes of the line before, without its LF
    (64 zeros for seq 1): a segment's first line links to the last line of the segment before;
  - ids are unique; `recorded_at` never goes back (compared as instants, to the millisecond);
  - lines with `"batch":{"first":F,"count":N}` (written by one import) form the whole run F..F+N-1;
  - with --checkpoint FILE (as `ledgerctl checkpoint` prints it): the line of its seq exists and
    hashes to its sha256 (else history was rewritten, or events were removed).
Bytes after the last LF of the last segment, or an unfinished batch at its very end, are a torn
tail (a writer died, or is writing right now): a warning, not damage; the events before it count.
Anywhere else, the same is damage. Event data is not checked against the catalog. Events removed
from the end, or an edited last line, show only against a checkpoint kept elsewhere.

On success it prints what `ledgerctl verify` prints (`ok: ...`, then `head: seq N sha256 HEX`, the
SHA-256 of the last line) and exits 0. On the first damage it prints
`FAIL: <file> line <n>: <reason>` on stderr and exits 1. It exits 2 when it cannot read DIR or FILE.
"""
import argparse, datetime, hashlib, json, os, re, sys

SEGMENT = re.compile(r"segment-([0-9]{12,})\.jsonl")
TIME = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:Z|([+-])(\d\d):(\d\d))", re.ASCII)
ZERO = "0" * 64

class Damage(Exception):
    pass

def instant(text):
    """An RFC 3339 date-time with an offset, as a (naive, UTC) datetime cut to milliseconds, or None."""
    m = TIME.fullmatch(text) if isinstance(text, str) else None
    try:
        y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
        t = datetime.datetime(y, mo, d, h, mi, s, int((m[7] or "0")[:3].ljust(3, "0")) * 1000)
        offset = int(m[8] + "1") * (int(m[9]) * 60 + int(m[10])) if m[8] else 0  # minutes east of UTC
        return t - datetime.timedelta(minutes=offset)
    except (AttributeError, ValueError, OverflowError):
        return None

def unique_members(pairs):
    if len({key for key, _ in pairs}) != len(pairs):
        raise ValueError("a member name appears twice")
    return dict(pairs)

def read_checkpoint(path):
    data = open(path, "rb").read(4097)
    if len(data) > 4096:
        raise ValueError(f"{path} is not a checkpoint (it is larger than 4096 bytes)")
    # Lines end in LF, CRLF or CR; each is trimmed of ASCII white space, blank ones skipped.
    blank = " \t\v\f\r"
    text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip(blank) for line in text.split("\n") if line.strip(blank)]
    if any(":" not in line for line in lines[1:]):
        raise ValueError(f"{path} is not a checkpoint (a line is not 'name: value')")
    pairs = [(k.strip(blank), v.strip(blank)) for k, _, v in (line.partition(":") for line in lines[1:])]
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise ValueError(f"{path} is not a checkpoint (a field is given twice)")
    seq, sha = fields.get("seq", ""), fields.get("sha256", "")
    if lines[:1] != ["ledger-checkpoint/1"] or not re.fullmatch("0|[1-9][0-9]*", seq) \
            or not re.fullmatch("[0-9a-f]{64}", sha) or (int(seq) == 0 and sha != ZERO):
        raise ValueError(f"{path} is not a checkpoint ('ledger-checkpoint/1', 'seq: N', 'sha256: <64 hex>')")
    return int(seq), sha

def audit(directory, checkpoint, warn):
    if json.load(open(os.path.join(directory, "ledger.json"), encoding="utf-8")).get("format") != "ledger/1":
        raise ValueError(f"{directory}/ledger.json: the format is not ledger/1")
    segments = sorted((int(m[1]), m[0]) for m in map(SEGMENT.fullmatch, os.listdir(directory)) if m)
    for name in sorted(os.listdir(directory)):
        if name.startswith("segment-") and not SEGMENT.fullmatch(name):
            raise Damage(f"{directory}/{name}: a file named like a segment that is not one (renamed or left behind)")
    seq, head, recorded, ids, batch = 0, ZERO, None, set(), None  # batch: (its "batch" member, head before it)
    for k, (first_seq, name) in enumerate(segments):
        path, is_last = os.path.join(directory, name), k == len(segments) - 1
        *lines, tail = open(path, "rb").read().split(b"\n")
        if tail and not is_last:
            raise Damage(f"{path} line {len(lines) + 1}: {len(tail)} bytes without a line feed before the next segment")
        if tail:
            warn(f"torn tail: {len(tail)} bytes without a line feed at the end of {name} (a writer died, or is writing now)")
        if not lines and not tail and not is_last:
            raise Damage(f"{path} line 1: an empty segment before the last one")
        for n, raw in enumerate(lines, 1):
            def fail(reason):
                raise Damage(f"{path} line {n}: {reason}")
            try:
                e = json.loads(raw.decode("utf-8"), object_pairs_hook=unique_members)
            except ValueError as error:
                fail(f"not a UTF-8 JSON line ({error})")
            if not isinstance(e, dict) or type(e.get("seq")) is not int or not isinstance(e.get("id"), str) \
                    or not isinstance(e.get("prev"), str) or not isinstance(e.get("data"), dict):
                fail("not a stored event (it needs an integer seq, a string id and prev, an object data)")
            if n == 1 and e["seq"] != first_seq:
                fail(f"the name says seq {first_seq}, the first line is seq {e['seq']} (segments renamed, removed or reordered)")
            if e["seq"] != seq + 1:
                fail(f"seq is {e['seq']}, expected {seq + 1} ({'repeated or out of order' if e['seq'] <= seq else 'events are missing'})")
            if e["prev"] != head:
                fail("prev is not the SHA-256 of the line before (that line, or this one, was altered, removed or reordered)")
            if e["id"] in ids:
                fail(f"id {e['id']!r} appears twice")
            time = instant(e.get("recorded_at"))
            if time is None or instant(e.get("occurred_at")) is None:
                fail("recorded_at or occurred_at is not an RFC 3339 date-time with an offset")
            if recorded is not None and time < recorded:
                fail(f"recorded_at {e['recorded_at']} is earlier than the line before")
            b = e.get("batch")
            if b is not None and not (isinstance(b, dict) and set(b) == {"first", "count"} and type(b["first"]) is int
                                      and type(b["count"]) is int and b["count"] >= 2 and b["first"] <= e["seq"] < b["first"] + b["count"]):
                fail('batch is not {"first": F, "count": N} around this line\'s seq')
            if batch and b != batch[0]:
                fail(f"the import batch from seq {batch[0]['first']} stops at seq {seq}, short of its {batch[0]['count']} events")
            if b and e["seq"] == b["first"]:
                batch = (b, head)
            if b and not batch:
                fail("a line of an import batch whose first line is missing")
            if b and e["seq"] == b["first"] + b["count"] - 1:
                batch = None
            seq, head, recorded = e["seq"], hashlib.sha256(raw).hexdigest(), time
            ids.add(e["id"])
            if checkpoint and seq == checkpoint[0] and head != checkpoint[1]:
                fail(f"does not match the checkpoint: history up to seq {seq} was rewritten")
    if batch:
        warn(f"torn tail: the import batch from seq {batch[0]['first']} stops short of its {batch[0]['count']} events (a writer died, or is writing now)")
        seq, head = batch[0]["first"] - 1, batch[1]
    if checkpoint and checkpoint[0] > seq:
        raise Damage(f"{directory}: the ledger ends at seq {seq}, before the checkpoint's seq {checkpoint[0]}: events were removed")
    return seq, len(segments), head

def main():
    parser = argparse.ArgumentParser(description="Check a ledger's hash chain without ledgerctl.")
    parser.add_argument("dir")
    parser.add_argument("--checkpoint", metavar="FILE")
    args = parser.parse_args()
    warn = lambda message: print(f"warning: {message}", file=sys.stderr)
    try:
        checkpoint = read_checkpoint(args.checkpoint) if args.checkpoint else None
        events, segments, head = audit(args.dir.rstrip("/") or "/", checkpoint, warn)
    except Damage as damage:
        print(f"FAIL: {damage}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as error:  # not a ledger, unreadable, not a checkpoint
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"ok: {events} events in {segments} segment{'' if segments == 1 else 's'}, chain intact")
    if checkpoint:
        print(f"extends checkpoint: seq {checkpoint[0]} sha256 {checkpoint[1]}")
    print(f"head: seq {events} sha256 {head}")
    return 0

if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Recomputes every impact indicator from a ledger's segment files alone, and compares them
with a report made by `ledgerctl report impact --format json`.

    python3 Scripts/audit_impact.py DIR REPORT.json [--project P]

It follows events/README.md section 8, not the program: DuckDB reads the segment files (the
committed lines, in seq order), and the rules of section 8 are applied to them here. It checks
each indicator's value and its sex breakdown, the group, district and sex tables, and the actual
of every target period and, for a report made with `--period`, of every reporting period. It prints one line per figure and exits 0 when every figure agrees
(values to 1e-9), 1 listing each difference, 2 when it cannot run.

DuckDB is installed with pip when it is missing.
"""
import argparse, glob, json, os, subprocess, sys, unicodedata
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

try:
    import duckdb
except ImportError:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "duckdb"], check=True)
    import duckdb

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
ACTIONS = {"rsvp.submitted", "rsvp.cancelled", "attendance.checked_in", "quiz.answer.submitted",
           "photo.entry.submitted", "proposal.submitted", "proposal.supported"}
SEXES = ["female", "male", "other", "undisclosed"]
GROUPS = ["government", "civil_society", "business", "expert", "academia", "culture", "media", "citizen"]
DISTRICTS = ["alatau", "almaly", "auezov", "bostandyk", "zhetysu", "medeu", "nauryzbay", "turksib", "other", "unknown"]
PEOPLE = ["people_registered", "people_engaged", "unique_attendees", "repeat_attendees"]


def instant(text):
    """Milliseconds since 1970 of an RFC 3339 date-time with an offset, or None."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return (moment - EPOCH) // __import__("datetime").timedelta(milliseconds=1)


def deadline(text, zone):
    """A deadline: an instant with an offset, or a wall-clock time read in `zone` (section 6)."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return (moment - EPOCH) // __import__("datetime").timedelta(milliseconds=1)


def local_day(ms, zone):
    """Days since 1970 of the calendar date of instant `ms` in `zone` (UTC when None)."""
    zone = zone or timezone.utc
    moment = datetime.fromtimestamp(ms / 1000, tz=timezone.utc).astimezone(zone)
    return (moment.date() - date(1970, 1, 1)).days


def days_of_date(text):
    try:
        return (date.fromisoformat(text[:10]) - date(1970, 1, 1)).days
    except (ValueError, TypeError):
        return None


def zone_of(name):
    try:
        return ZoneInfo(name) if name else timezone.utc
    except Exception:
        return timezone.utc


def hashtags(caption):
    """The hashtags of a caption as section 6 compares them: NFC, lower case, '-' trimmed at the end."""
    tags, current = set(), None

    def finish():
        nonlocal current
        if current is not None:
            tag = current.rstrip("-")
            if len(tag) > 1:
                tags.add(unicodedata.normalize("NFC", tag).lower())
        current = None

    for ch in unicodedata.normalize("NFC", caption or ""):
        if ch == "#":
            finish()
            current = "#"
        elif current is not None and (ch.isalpha() or ch.isnumeric() or ch in "_-" or unicodedata.category(ch) in ("Mn", "Mc")):
            current += ch
        else:
            finish()
    finish()
    return tags


def committed_lines(directory):
    """(seq, type, occurred_at, data) of every committed line, in seq order, read by DuckDB."""
    files = sorted(glob.glob(os.path.join(directory, "segment-*.jsonl")))
    if not files:
        return []
    con = duckdb.connect()
    rows = con.execute(
        "SELECT json_extract(j, '$.seq')::BIGINT, json_extract_string(j, '$.type'), json_extract_string(j, '$.occurred_at'), "
        "json_extract(j, '$.data')::VARCHAR, json_extract(j, '$.batch')::VARCHAR "
        "FROM read_ndjson_objects(?, format = 'newline_delimited') AS t(j) ORDER BY 1", [files]).fetchall()
    # An import batch whose last line is missing at the end is not part of the ledger yet.
    if rows and rows[-1][4]:
        batch = json.loads(rows[-1][4])
        if rows[-1][0] < batch["first"] + batch["count"] - 1:
            rows = [r for r in rows if r[0] < batch["first"]]
    return [(seq, kind, occurred, json.loads(data)) for seq, kind, occurred, data, _ in rows]


class Ledger:
    """The ledger folded as section 8.1 describes it."""

    def __init__(self, lines):
        self.projects, self.project_order, self.targets = {}, [], []
        self.engagements = {}            # id -> scheduled data, with "zone", "starts", "answers"
        self.scheduled = []
        self.contests = {}               # id -> engagement, kind, deadline, tags
        self.entries = []                # photo entries: contest, person, posted, meets_rules
        self.proposals, self.proposal_order = {}, []
        self.profile = {}                # person -> current profile (dict)
        self.registered = {}             # person -> (day, profile)
        self.involvements = {}           # (person, engagement) -> dict
        self.person_order = []
        self.actions = {}                # (engagement, type) -> action lines counted
        for seq, kind, occurred, data in lines:
            self.apply(seq, kind, occurred, data)

    def zone(self, engagement):
        e = self.engagements.get(engagement)
        return e["zone"] if e else timezone.utc

    def apply(self, seq, kind, occurred, data):
        if kind == "project.defined":
            self.projects[data["project"]] = data
            self.project_order.append(data["project"])
        elif kind == "indicator.target.set":
            key = (data["indicator"], data["project"], data["period_start"], data["period_end"])
            self.targets = [t for t in self.targets if (t["indicator"], t["project"], t["period_start"], t["period_end"]) != key] + [data]
        elif kind == "engagement.scheduled":
            self.engagements[data["engagement"]] = dict(data, zone=zone_of(data.get("time_zone")),
                                                        starts=instant(data.get("starts_at")), answers=[])
            self.scheduled.append(data["engagement"])
        elif kind == "contest.announced":
            engagement = data.get("engagement", "")
            zone = self.engagements[engagement]["zone"] if engagement in self.engagements else timezone.utc
            if data["contest"] in self.contests:
                self.entries = [e for e in self.entries if e["contest"] != data["contest"]]
            self.contests[data["contest"]] = {"engagement": engagement, "kind": data.get("kind", "quiz"),
                                              "deadline": deadline(data.get("entry_deadline"), zone),
                                              "tags": {unicodedata.normalize("NFC", t).lower() for t in data.get("required_hashtags", [])}}
            return
        elif kind in ("participant.registered", "participant.updated", "participant.erased"):
            person = data["participant"]
            if kind == "participant.registered":
                profile = {"group": data.get("group", "citizen"), "district": data.get("district"), "sex": data.get("sex")}
                self.profile[person] = profile
                day = days_of_date(occurred)
                if day is not None:
                    self.registered[person] = (day, profile)
                if person not in self.person_order:
                    self.person_order.append(person)
            elif person in self.profile:
                profile = dict(self.profile[person])
                for field in ("group", "district", "sex"):
                    if kind == "participant.updated" and field in data:
                        profile[field] = data[field]
                self.profile[person] = profile
            return
        if kind == "photo.entry.submitted" and data.get("contest") in self.contests and "entry" in data:
            contest = self.contests[data["contest"]]
            posted = instant(data.get("posted_at"))
            in_time = contest["deadline"] is None or posted is None or posted <= contest["deadline"]
            self.entries.append({"contest": data["contest"], "person": data["participant"], "posted": posted,
                                 "rules": in_time and contest["tags"] <= hashtags(data.get("caption", ""))
                                 and data.get("platform") in ("facebook", "instagram")})
        if kind == "proposal.submitted":
            self.proposals[data["proposal"]] = {"engagement": data.get("engagement", ""), "submitted": instant(occurred),
                                                "supports": 0, "history": []}
            if data["proposal"] not in self.proposal_order:
                self.proposal_order.append(data["proposal"])
        elif kind == "proposal.supported" and data.get("proposal") in self.proposals:
            self.proposals[data["proposal"]]["supports"] += 1
        elif kind == "proposal.status.changed" and data.get("proposal") in self.proposals:
            self.proposals[data["proposal"]]["history"].append((data["status"], instant(occurred)))
            return
        if kind in ACTIONS:
            self.action(seq, kind, occurred, data)

    def engagement_of(self, data):
        if "engagement" in data:
            return data["engagement"]
        if "contest" in data:
            return self.contests.get(data["contest"], {}).get("engagement")
        if "proposal" in data:
            return self.proposals.get(data["proposal"], {}).get("engagement")
        return None

    def action(self, seq, kind, occurred, data):
        person, at = data.get("participant"), instant(occurred)
        engagement = self.engagement_of(data)
        if person not in self.profile or at is None or engagement is None:
            return
        profile = self.profile[person]
        self.actions[(engagement, kind)] = self.actions.get((engagement, kind), 0) + 1
        scheduled = self.engagements.get(engagement)
        today = local_day(at, scheduled["zone"] if scheduled else timezone.utc)
        inv = self.involvements.setdefault((person, engagement), {"first_at": None, "first_profile": None, "days": set(),
                                                                     "check_in": None, "quiz_day": None, "answered": False})
        if inv["first_at"] is None:
            inv["first_at"], inv["first_profile"] = at, profile
        inv["days"].add(today)
        if kind in ("rsvp.submitted", "rsvp.cancelled") and scheduled is not None:
            inv["answered"] = True
            scheduled["answers"].append((at, seq, person, "cancelled" if kind == "rsvp.cancelled" else data.get("response", "accepted")))
        elif kind == "attendance.checked_in" and inv["check_in"] is None:
            inv["check_in"] = (today, profile)
        elif kind == "quiz.answer.submitted" and inv["quiz_day"] is None:
            inv["quiz_day"] = today

    def seat_holders(self, engagement):
        """Section 8.1: replay the answers by occurred_at, then seq, against the capacity."""
        e = self.engagements[engagement]
        capacity = e.get("capacity")
        seated, waiting, response, cancelled = [], [], {}, set()

        def free(p):
            if p in seated:
                seated.remove(p)
            if p in waiting:
                waiting.remove(p)
            while capacity is not None and len(seated) < capacity and waiting:
                seated.append(waiting.pop(0))

        for at, seq, p, kind in sorted(e["answers"], key=lambda a: (a[0], a[1])):
            was = response.get(p) == "accepted" and p not in cancelled
            if kind == "cancelled":
                cancelled.add(p)
                free(p)
                continue
            cancelled.discard(p)
            response[p] = kind
            if kind == "accepted":
                if was:
                    continue
                (waiting if capacity is not None and len(seated) >= capacity else seated).append(p)
            elif was:
                free(p)
        return seated


def tally(profiles, key, categories):
    """How many of `profiles` fall in each category of `key` (a missing district is `unknown`, a missing sex `undisclosed`)."""
    missing = {"district": "unknown", "sex": "undisclosed"}.get(key)
    counts = {c: 0 for c in categories}
    for profile in profiles:
        value = profile.get(key) or missing
        counts[value] = counts.get(value, 0) + 1
    return counts


def compute(ledger, project_id, periods=()):
    """Every figure of section 8.2 and 8.3 for the project, and the actual of each (indicator, start, end) of
    `periods`: {figure name: value}."""
    scope = [e for e in ledger.scheduled if ledger.engagements[e].get("project") == project_id]
    in_scope = set(scope)
    figures = {}
    people = ledger.person_order
    inv_of = {}
    for (person, engagement), inv in ledger.involvements.items():
        inv_of.setdefault(person, []).append((engagement, inv))
    several_projects = len(ledger.project_order) > 1

    registered, engaged, attendees, repeaters, players = [], [], [], [], 0
    first_actions = []
    for person in people:
        mine = [(e, i) for e, i in inv_of.get(person, []) if e in in_scope]
        acted = [(e, i) for e, i in mine if i["first_at"] is not None]
        if person in ledger.registered and (not several_projects or acted):
            registered.append(ledger.registered[person][1])
        if acted:
            e, first = min(acted, key=lambda x: (x[1]["first_at"], x[0]))
            engaged.append(first["first_profile"])
            first_actions.append((first["first_at"], e))
        visits = [(e, i) for e, i in mine if i["check_in"] is not None]
        if visits:
            e, first = min(visits, key=lambda x: (x[1]["check_in"][0], x[0]))
            attendees.append(first["check_in"][1])
            if len(visits) >= 2:
                repeaters.append(first["check_in"][1])
        if any(i["quiz_day"] is not None for _, i in mine):
            players += 1
    groups = {"people_registered": registered, "people_engaged": engaged, "unique_attendees": attendees, "repeat_attendees": repeaters}
    for name, profiles in groups.items():
        figures[name] = len(profiles)
        for sex, count in tally(profiles, "sex", SEXES).items():
            figures[f"{name} / {sex}"] = count
        for dimension, categories in (("group", GROUPS), ("district", DISTRICTS), ("sex", SEXES)):
            for category, count in tally(profiles, dimension, categories).items():
                figures[f"by_{dimension} {category} / {name}"] = count

    def checked_in(person, engagement):
        inv = ledger.involvements.get((person, engagement))
        return inv is not None and inv["check_in"] is not None

    def conversion(engagements):
        holders = came = 0
        for e in engagements:
            seated = ledger.seat_holders(e)
            holders += len(seated)
            came += sum(1 for p in seated if checked_in(p, e))
        return None if holders == 0 else 100 * came / holders

    figures["rsvp_conversion"] = conversion(scope)
    figures["no_show_rate"] = None if figures["rsvp_conversion"] is None else 100 - figures["rsvp_conversion"]
    figures["quiz_players"] = players

    def entries():
        for entry in ledger.entries:
            contest = ledger.contests[entry["contest"]]
            if contest["kind"] == "photo" and contest["engagement"] in in_scope:
                yield entry, entry["rules"] and checked_in(entry["person"], contest["engagement"]), ledger.zone(contest["engagement"])

    photo = list(entries())
    figures["photo_entries"] = len(photo)
    figures["photo_entries_eligible"] = sum(1 for _, ok, _ in photo if ok)
    figures["photo_entries_ineligible"] = figures["photo_entries"] - figures["photo_entries_eligible"]
    proposals = [ledger.proposals[p] for p in ledger.proposal_order if ledger.proposals[p]["engagement"] in in_scope]
    taken = [p for p in proposals if p["history"] and p["history"][-1][0] in ("accepted", "implemented")]
    figures["proposals_received"] = len(proposals)
    figures["proposals_accepted"] = len(taken)
    figures["proposals_accepted_share"] = None if not proposals else 100 * len(taken) / len(proposals)
    figures["supports_per_proposal"] = None if not proposals else sum(p["supports"] for p in proposals) / len(proposals)
    budget = ledger.projects.get(project_id, {}).get("budget_eur")
    figures["cost_per_engaged_person"] = None if budget is None or not engaged else budget / len(engaged)

    # The events behind each figure (section 8.2).
    def actions(*kinds):
        return sum(count for (e, kind), count in ledger.actions.items() if e in in_scope and (not kinds or kind in kinds))
    answers = sum(len(ledger.engagements[e]["answers"]) for e in scope)
    changes = sum(len(p["history"]) for p in proposals)
    check_ins = actions("attendance.checked_in")
    events = {"people_registered": len(registered), "people_engaged": actions(), "unique_attendees": check_ins,
              "repeat_attendees": check_ins, "rsvp_conversion": answers + check_ins, "no_show_rate": answers + check_ins,
              "quiz_players": actions("quiz.answer.submitted"), "photo_entries": len(photo),
              "photo_entries_eligible": len(photo) + check_ins, "photo_entries_ineligible": len(photo) + check_ins,
              "proposals_received": len(proposals), "proposals_accepted": changes, "proposals_accepted_share": len(proposals) + changes,
              "supports_per_proposal": len(proposals) + sum(p["supports"] for p in proposals), "cost_per_engaged_person": 1 + actions()}
    for name, count in events.items():
        figures[f"{name} events"] = count

    # Section 8.3: the actual of an indicator over a period (targets, and reporting periods).
    def actual_over(name, start, end):
        first, last = days_of_date(start), days_of_date(end)

        def in_period(day, upper=last, lower=first):
            return day is not None and lower <= day <= upper

        def engaged_through(lower, upper):
            out = []
            for person in people:
                mine = [(e, i) for e, i in inv_of.get(person, []) if e in in_scope]
                if any(in_period(d, upper, lower) for _, i in mine for d in i["days"]):
                    acted = [(e, i) for e, i in mine if i["first_at"] is not None]
                    out.append(min(acted, key=lambda x: (x[1]["first_at"], x[0]))[1]["first_profile"])
            return out

        def proposal_day(p):
            return None if p["submitted"] is None else local_day(p["submitted"], ledger.zone(p["engagement"]))

        def taken_within(p, lower, upper):
            return any(status in ("accepted", "implemented") and at is not None and lower <= local_day(at, ledger.zone(p["engagement"])) <= upper
                       for status, at in p["history"])

        def visitors(needed):
            out = []
            for person in people:
                visits = [(e, i) for e, i in inv_of.get(person, []) if e in in_scope and i["check_in"] and in_period(i["check_in"][0])]
                if len(visits) >= needed:
                    out.append(min(visits, key=lambda x: (x[1]["check_in"][0], x[0]))[1]["check_in"][1])
            return out

        received = [p for p in proposals if in_period(proposal_day(p))]
        profiles = None
        if name == "people_registered":
            profiles = [ledger.registered[p][1] for p in people if p in ledger.registered and in_period(ledger.registered[p][0])]
        elif name == "people_engaged":
            profiles = engaged_through(first, last)
        elif name in ("unique_attendees", "repeat_attendees"):
            profiles = visitors(1 if name == "unique_attendees" else 2)
        if profiles is not None:
            return len(profiles), tally(profiles, "sex", SEXES)
        if name in ("rsvp_conversion", "no_show_rate"):
            value = conversion([e for e in scope if ledger.engagements[e]["starts"] is not None
                                and in_period(local_day(ledger.engagements[e]["starts"], ledger.engagements[e]["zone"]))])
            actual = value if name == "rsvp_conversion" or value is None else 100 - value
        elif name == "quiz_players":
            actual = len({person for (person, e), i in ledger.involvements.items() if e in in_scope and in_period(i["quiz_day"])})
        elif name.startswith("photo_entries"):
            chosen = [ok for entry, ok, zone in photo if entry["posted"] is not None and in_period(local_day(entry["posted"], zone))]
            actual = len(chosen) if name == "photo_entries" else sum(1 for ok in chosen if ok == (name == "photo_entries_eligible"))
        elif name == "proposals_received":
            actual = len(received)
        elif name == "proposals_accepted":
            actual = sum(1 for p in proposals if taken_within(p, first, last))
        elif name == "proposals_accepted_share":
            actual = None if not received else 100 * sum(1 for p in received if taken_within(p, first, 10**9)) / len(received)
        elif name == "supports_per_proposal":
            actual = None if not received else sum(p["supports"] for p in received) / len(received)
        elif name == "cost_per_engaged_person":
            everyone = len(engaged_through(-10**9, last))
            actual = None if budget is None or everyone == 0 else budget / everyone
        else:
            actual = None
        return actual, None

    for target in ledger.targets:
        if target["project"] == project_id:
            figures[f"target {target['indicator']} {target['period_start']} – {target['period_end']}"] = \
                actual_over(target["indicator"], target["period_start"], target["period_end"])[0]
    for name, start, end in periods:
        actual, by_sex = actual_over(name, start, end)
        figures[f"period {name} {start} – {end}"] = actual
        for sex, count in (by_sex or {}).items():
            figures[f"period {name} {start} – {end} / {sex}"] = count
    return figures


def reported(report):
    """The same figures, read from the report's JSON."""
    figures = {}
    for section in report["sections"]:
        rows = section.get("rows") or []
        if section["id"] == "indicators":
            for row in rows:
                figures[row["indicator"]] = row["value"]
                if "events" in row:
                    figures[f"{row['indicator']} events"] = row["events"]
                if row["indicator"] in PEOPLE:
                    for sex in SEXES:
                        figures[f"{row['indicator']} / {sex}"] = row[sex]
        elif section["id"] == "targets":
            for row in rows:
                figures[f"target {row['indicator']} {row['period']}"] = row["actual"]
        elif section["id"] == "periods":
            for row in rows:
                figures[f"period {row['indicator']} {row['period']}"] = row["actual"]
                if row["indicator"] in PEOPLE:
                    for sex in SEXES:
                        figures[f"period {row['indicator']} {row['period']} / {sex}"] = row[sex]
        elif section["id"] in ("by_group", "by_district", "by_sex"):
            dimension = section["id"][3:]
            for row in rows:
                for name in PEOPLE:
                    figures[f"by_{dimension} {row[dimension]} / {name}"] = row[name]
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory")
    parser.add_argument("report")
    parser.add_argument("--project")
    args = parser.parse_args()
    try:
        report = json.load(open(args.report, encoding="utf-8"))
        ledger = Ledger(committed_lines(args.directory))
    except (OSError, ValueError, KeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    project = args.project or (ledger.project_order[0] if len(ledger.project_order) == 1 else None)
    if project is None:
        print("error: the ledger has several projects; name one with --project", file=sys.stderr)
        return 2
    periods = [(row["indicator"], *row["period"].split(" – ")) for section in report["sections"] if section["id"] == "periods"
               for row in section.get("rows") or []]
    mine, theirs = compute(ledger, project, periods), reported(report)
    differences = []
    width = max(len(k) for k in theirs) if theirs else 10
    for key in sorted(theirs):
        expected = mine.get(key, 0 if key.startswith("by_") else None)
        got = theirs[key]
        same = (expected is None and got is None) or (expected is not None and got is not None and abs(expected - got) <= 1e-9 * max(1, abs(expected)))
        print(f"{key:<{width}}  report {got!s:>20}  recomputed {expected!s:>20}  {'ok' if same else 'DIFFERENT'}")
        if not same:
            differences.append(key)
    for key in sorted(set(mine) - set(theirs)):
        if key.startswith("by_") and mine[key] == 0:
            continue  # the report leaves out rows that are all zero
        print(f"{key:<{width}}  missing from the report (recomputed {mine[key]})")
        differences.append(key)
    if differences:
        print(f"{len(differences)} figure(s) differ: {', '.join(differences)}", file=sys.stderr)
        return 1
    print(f"ok: {len(theirs)} figures agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())

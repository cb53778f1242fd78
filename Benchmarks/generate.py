#!/usr/bin/env python3
"""Writes a synthetic WeAlmaty-like history of N events as import files for `ledgerctl import`.

    python3 Benchmarks/generate.py --events 1000000 --out DIR [--chunk 100000] [--seed 1]

The mix follows the catalog: many engagements (a forum per 5,000 events), people registered
ahead of each (names in Kazakh, Russian and English, mostly Cyrillic), RSVPs, check-ins, a quiz
and a photo contest per forum with answers, entries and jury scores, proposals, supports and
decisions. Lines are about 300-500 bytes as stored. Each chunk only refers to what earlier
chunks or earlier lines defined, so the files can be imported one after another.
"""
import argparse, json, os, random

FIRST = ["Айгүл", "Әлия", "Нұрлан", "Ерлан", "Сәуле", "Ғалым", "Анна", "Дмитрий", "Ольга", "Сергей", "Ёлкин", "Emily", "James"]
LAST = ["Сәрсенова", "Әбенов", "Жұмабаев", "Қасымова", "Төлеуов", "Иванов", "Смирнова", "Кузнецов", "Smith", "Brown"]
GROUPS = ["government", "civil_society", "business", "expert", "academia", "culture", "media", "citizen"]
DISTRICTS = ["alatau", "almaly", "auezov", "bostandyk", "zhetysu", "medeu", "nauryzbay", "turksib"]
THEMES = ["pedestrian_zones", "cycle_paths", "parks", "green_areas", "public_space", "other"]
CAPTION = "Жасыл дәліз: Есентай өзені бойымен велосипед жолы және көлеңкелі орындықтар керек. Зелёный коридор вдоль реки. #WeAlmaty #МенWeAlmatyіс-шарасынабарамын"
TEXT = "Предлагаем продолжить пешеходную зону и велодорожку вдоль Малой Алматинки до парка, с освещением и питьевыми фонтанчиками. Жаяу жүргіншілерге көлеңке."


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--out", required=True)
    parser.add_argument("--chunk", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--audit", action="store_true",
                        help="a history for Scripts/audit_impact.py: targets for several periods, profile changes between a "
                             "person's actions, back-dated answers, engagements spread over the months")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    lines, chunk_index, written = [], 0, 0

    def emit(type_, data, day=0):
        nonlocal written
        minute = written % 1440
        lines.append(json.dumps({"type": type_, "occurred_at": f"2017-{4 + day // 28 % 9:02d}-{1 + day % 28:02d}T{minute // 60:02d}:{minute % 60:02d}:00+06:00",
                                 "data": data}, ensure_ascii=False, separators=(",", ":")))
        written += 1

    def flush(final=False):
        nonlocal lines, chunk_index
        while len(lines) >= args.chunk or (final and lines):
            part, lines = lines[:args.chunk], lines[args.chunk:]
            with open(os.path.join(args.out, f"chunk-{chunk_index:04d}.jsonl"), "w", encoding="utf-8") as f:
                f.write("\n".join(part) + "\n")
            chunk_index += 1

    emit("project.defined", {"project": "wealmaty", "title": "WeAlmaty: Almaty, a city of active citizens by 2020", "funder": "European Union",
                             "budget_eur": 430000, "starts_on": "2017-04-01", "ends_on": "2020-03-31",
                             "partners": ["British Council", "Almaty city akimat", "JSC Almaty Development Center", "Kazakh-British Technical University"]})
    if args.audit:
        periods = [("2017-04-01", "2017-06-30"), ("2017-07-01", "2017-09-30"), ("2017-10-01", "2017-12-31"), ("2018-01-01", "2018-03-31"),
                   ("2017-04-01", "2018-03-31")]
        indicators = ["people_registered", "people_engaged", "unique_attendees", "repeat_attendees", "rsvp_conversion", "no_show_rate",
                      "quiz_players", "photo_entries", "photo_entries_eligible", "photo_entries_ineligible", "proposals_received",
                      "proposals_accepted", "proposals_accepted_share", "supports_per_proposal", "cost_per_engaged_person"]
        for indicator in indicators:
            for start, end in periods:
                emit("indicator.target.set", {"indicator": indicator, "project": "wealmaty", "period_start": start, "period_end": end,
                                              "target": rng.randint(10, 500), "baseline": 0})
    people, forum = 0, 0
    while written < args.events:
        forum += 1
        day = forum * (30 if args.audit else 3)
        e, q, c = f"forum-{forum}", f"quiz-{forum}", f"photo-{forum}"
        starts = f"2017-{4 + (day + 1) // 28 % 9:02d}-{1 + (day + 1) % 28:02d}" if args.audit else "2017-11-30"
        emit("engagement.scheduled", {"engagement": e, "project": "wealmaty", "title": f"WeAlmaty forum {forum}: жасыл дәліз және қоғамдық кеңістік",
                                      "starts_at": f"{starts}T09:00:00+06:00", "ends_at": f"{starts}T13:00:00+06:00", "time_zone": "Asia/Almaty",
                                      "venue": "Transforma theatre, Smart Point, AlmatyTowers, 280 Baizakov street", "rsvp_deadline": "2017-11-29T12:00",
                                      "capacity": 900}, day)
        emit("contest.announced", {"contest": q, "engagement": e, "kind": "quiz", "title": "Жасыл дәліз викторинасы", "prize": "Costa Coffee gift certificate", "prize_count": 3}, day)
        emit("contest.announced", {"contest": c, "engagement": e, "kind": "photo", "title": "Most active Almaty resident", "prize": "a tablet",
                                   "entry_deadline": "2017-11-28T23:59", "required_hashtags": ["#WeAlmaty", "#МенWeAlmatyіс-шарасынабарамын"],
                                   "criteria": {"idea": 0.6, "creativity": 0.4}, "score_min": 1, "score_max": 10}, day)
        for k in range(5):
            emit("quiz.question.published", {"contest": q, "question": f"q{k}", "text": "Жасыл дәліз дегеніміз не? Что такое зелёный коридор?",
                                             "options": ["cycle and pedestrian paths", "a bus lane", "a parking belt"], "correct": "cycle and pedestrian paths"}, day)
        new_people = []
        for _ in range(500):
            people += 1
            pid = f"p{people:07d}"
            new_people.append(pid)
            emit("participant.registered", {"participant": pid, "group": rng.choice(GROUPS), "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                                            "organization": "Жасыл Алматы қоғамдық бірлестігі", "district": rng.choice(DISTRICTS),
                                            "sex": rng.choice(["female", "male", "female", "male", "undisclosed"]), "email": f"{pid}@example.kz",
                                            "phone": "+7 701 765 05 10"}, day)
        pool = new_people + [f"p{rng.randint(1, people):07d}" for _ in range(300)]
        pool = list(dict.fromkeys(pool))
        attended = []
        for pid in pool:
            emit("rsvp.submitted", {"engagement": e, "participant": pid, "response": rng.choice(["accepted"] * 8 + ["declined", "tentative"]),
                                    "channel": rng.choice(["phone", "email", "web"])}, day)
            if rng.random() < 0.75:
                attended.append(pid)
        for pid in attended:
            emit("attendance.checked_in", {"engagement": e, "participant": pid}, day + 1)
        if args.audit:
            # Profiles change between a person's actions; answers typed in late carry an earlier occurred_at.
            for pid in attended[:40]:
                emit("participant.updated", {"participant": pid, "sex": rng.choice(["female", "male", "other"]), "group": rng.choice(GROUPS),
                                             "district": rng.choice(DISTRICTS)}, day + 1)
            for pid in pool[-20:]:
                emit("rsvp.submitted", {"engagement": e, "participant": pid, "response": "declined", "channel": "phone"}, max(0, day - 2))
        for pid in attended[:300]:
            for k in range(5):
                emit("quiz.answer.submitted", {"contest": q, "question": f"q{k}", "participant": pid, "answer": rng.choice(["cycle and pedestrian paths", "a bus lane"])}, day + 1)
        for n, pid in enumerate(attended[:60]):
            emit("photo.entry.submitted", {"contest": c, "entry": f"e{n}", "participant": pid, "platform": rng.choice(["instagram", "facebook"]),
                                           "url": f"https://www.instagram.com/p/{forum}-{n}", "posted_at": "2017-11-27T20:00:00+06:00", "caption": CAPTION}, day)
            for juror in ("jury-1", "jury-2", "jury-3"):
                for criterion in ("idea", "creativity"):
                    emit("jury.score.recorded", {"contest": c, "entry": f"e{n}", "juror": juror, "criterion": criterion, "score": rng.randint(1, 10)}, day + 1)
        for n, pid in enumerate(attended[:100]):
            proposal = f"pr-{forum}-{n}"
            emit("proposal.submitted", {"proposal": proposal, "engagement": e, "participant": pid, "theme": rng.choice(THEMES),
                                        "title": "Велосипед жолы Есентай өзені бойымен", "text": TEXT, "district": rng.choice(DISTRICTS)}, day + 1)
            for supporter in attended[n + 1:n + 4]:
                emit("proposal.supported", {"proposal": proposal, "participant": supporter}, day + 1)
            emit("proposal.status.changed", {"proposal": proposal, "status": rng.choice(["under_review", "accepted", "declined"]),
                                             "note": "Сәулет және қала құрылысы басқармасына жіберілді"}, day + 20)
        flush()
    flush(final=True)
    print(f"{written} events in {chunk_index} files in {args.out}")


if __name__ == "__main__":
    main()

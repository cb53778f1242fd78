#!/usr/bin/env python3
"""Builds the demo ledger of the WeAlmaty project in events/ (or DIR), through ledgerctl.

    python3 Scripts/build-demo.py [--ledgerctl PATH] [--dir DIR]

Deterministic: the people and their actions come from a seeded generator, every event has a
fixed id, and the recording clock is pinned with SOURCE_DATE_EPOCH for each step, so building
twice gives byte-identical files. Everyone in it is fictional.

The story: the project (EUR 430,000, April 2017, three years, four partners), the organisations
it names for IATI (the EU funding; the British Council reporting and implementing with the
akimat, the Almaty Development Center and KBTU) and its targets;
forum 1 (22 September 2017, KBTU); forum 2 (30 November 2017, Transforma theatre, Smart Point,
AlmatyTowers), with RSVPs on time and late, a capacity and its waiting list, cancellations,
walk-ins and no-shows; the interactive quiz (Costa Coffee certificates); the "Most active Almaty
resident" photo contest (a tablet) with entries that are eligible, late by minutes, short of a
hashtag, from another platform, or by someone who did not come, scored by three jurors;
proposals on every theme with the city's decisions through 2018; and one person forgotten.
"""
import argparse
import calendar
import json
import os
import random
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone

ALMATY = timezone(timedelta(hours=6))  # Asia/Almaty in 2017
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

KAZAKH_FEMALE = ["Айгүл", "Әлия", "Гүлнар", "Жанар", "Сәуле", "Динара", "Меруерт", "Айнұр", "Ақмарал", "Зарина", "Мөлдір", "Құралай"]
KAZAKH_MALE = ["Нұрлан", "Ерлан", "Асқар", "Бауыржан", "Дәурен", "Ержан", "Қайрат", "Серік", "Ғалым", "Мұрат", "Тимур", "Өркен"]
KAZAKH_SURNAMES = ["Сәрсенов", "Әбенов", "Жұмабаев", "Қасымов", "Төлеуов", "Нұрпейісов", "Оспанов", "Ғабитов", "Байжанов", "Құдайбергенов", "Үсенов", "Іскаков"]
RUSSIAN_FEMALE = ["Анна", "Елена", "Ольга", "Наталья", "Татьяна", "Юлия", "Мария", "Светлана", "Ирина", "Ксения"]
RUSSIAN_MALE = ["Иван", "Дмитрий", "Алексей", "Сергей", "Андрей", "Михаил", "Павел", "Николай", "Владимир", "Артём"]
RUSSIAN_SURNAMES = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Соколов", "Попов", "Лебедев", "Ёлкин", "Фёдоров", "Морозов"]
ENGLISH_FEMALE = ["Emily", "Sarah", "Charlotte", "Olivia", "Grace", "Hannah"]
ENGLISH_MALE = ["James", "Oliver", "Thomas", "William", "Daniel", "George"]
ENGLISH_SURNAMES = ["Smith", "Brown", "Taylor", "Wilson", "Evans", "Walker", "Hughes", "Clarke"]
GROUPS = ["government"] * 3 + ["civil_society"] * 5 + ["business"] * 4 + ["expert"] * 3 + ["academia"] * 3 + ["culture"] * 2 + ["media"] * 2 + ["citizen"] * 8
DISTRICTS = ["alatau", "almaly", "auezov", "bostandyk", "zhetysu", "medeu", "nauryzbay", "turksib"]
ORGANISATIONS = {
    "government": ["Сәулет және қала құрылысы басқармасы", "Управление пассажирского транспорта и автомобильных дорог",
                   "Табиғи ресурстар басқармасы", "Управление туризма и внешних связей"],
    "civil_society": ["Жасыл Алматы", "Velo Almaty", "Общественный фонд «Город для людей»", "Almaty Urban Forum"],
    "business": ["Smart Point", "Costa Coffee Kazakhstan", "ТОО «Алматы Девелопмент»", "Kaspi Partners"],
    "expert": ["Urban Lab Almaty", "Центр урбанистики", "Green Design Studio"],
    "academia": ["KBTU", "ҚазҰУ", "Satbayev University"],
    "culture": ["Transforma theatre", "Алматы өнер орталығы"],
    "media": ["Vласть", "Tengri News", "Алматы ақшамы"],
    "citizen": [None],
}
THEMES = ["pedestrian_zones", "cycle_paths", "parks", "green_areas", "public_space", "other"]
PROPOSAL_TITLES = {
    "pedestrian_zones": ["Жаяу жүргіншілер көшесі: Жібек жолы", "Пешеходная зона вдоль Панфилова", "Safe crossings near schools"],
    "cycle_paths": ["Есентай өзені бойымен велосипед жолы", "Велодорожка по Аль-Фараби", "Bike parking at metro stations"],
    "parks": ["Саябақтарда көлеңке мен орындықтар", "Парк на месте старой ТЭЦ", "Community garden in Orbita"],
    "green_areas": ["Ағаш отырғызу апталығы", "Зелёный коридор по Большой Алматинке", "Rain gardens on Abay avenue"],
    "public_space": ["Аула кеңістігін жаңарту", "Летние площадки у Арбата", "Open-air library on Panfilov street"],
    "other": ["Қоғамдық көлік кестесінің ашықтығы", "Карта доступности для колясок", "City data open portal"],
}


def epoch(local):
    """Seconds since 1970 of an Almaty wall-clock datetime."""
    return calendar.timegm(local.astimezone(timezone.utc).timetuple())


def stamp(local):
    return local.isoformat(timespec="seconds")


class Demo:
    def __init__(self, ledgerctl, directory):
        self.ledgerctl = ledgerctl
        self.directory = directory
        self.random = random.Random(20171130)
        self.batch = []
        self.count = 0

    def run(self, args, stdin=None, clock=None):
        env = dict(os.environ)
        env.pop("LEDGER_DIR", None)
        if clock is not None:
            env["SOURCE_DATE_EPOCH"] = str(epoch(clock))
        result = subprocess.run([self.ledgerctl, "--dir", self.directory] + args, input=stdin, env=env,
                                capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"build-demo: ledgerctl {' '.join(args[:2])} failed ({result.returncode}): {result.stderr.strip()}")
        return result.stdout

    def event(self, type_, id_, occurred, data, actor=None):
        line = {"type": type_, "id": id_, "occurred_at": stamp(occurred), "data": data}
        if actor:
            line["actor"] = actor
        self.batch.append(line)

    def commit(self, recorded):
        """Imports what was gathered as one batch, recorded at `recorded` (Almaty time)."""
        if not self.batch:
            return
        self.batch.sort(key=lambda e: e["occurred_at"])
        text = "".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in self.batch)
        self.run(["import", "-"], stdin=text, clock=recorded)
        self.count += len(self.batch)
        self.batch = []

    # MARK: - the story

    def people(self, count):
        people = []
        for n in range(1, count + 1):
            r = self.random.random()
            sex = self.random.choice(["female", "male"]) if self.random.random() > 0.06 else self.random.choice(["undisclosed", "other"])
            female = sex == "female" or (sex not in ("female", "male") and self.random.random() < 0.5)
            if r < 0.55:
                first = self.random.choice(KAZAKH_FEMALE if female else KAZAKH_MALE)
                last = self.random.choice(KAZAKH_SURNAMES) + ("а" if female else "")
            elif r < 0.88:
                first = self.random.choice(RUSSIAN_FEMALE if female else RUSSIAN_MALE)
                last = self.random.choice(RUSSIAN_SURNAMES) + ("а" if female else "")
            else:
                first = self.random.choice(ENGLISH_FEMALE if female else ENGLISH_MALE)
                last = self.random.choice(ENGLISH_SURNAMES)
            group = self.random.choice(GROUPS)
            person = {"participant": f"p{n:04d}", "group": group, "name": f"{first} {last}", "sex": sex}
            if self.random.random() < 0.93:
                person["district"] = self.random.choice(DISTRICTS)
            organisation = self.random.choice(ORGANISATIONS[group])
            if organisation:
                person["organization"] = organisation
            if self.random.random() < 0.7:
                person["email"] = f"user{n:04d}@example.kz"
            if self.random.random() < 0.6:
                person["phone"] = f"+7 70{self.random.randint(0, 8)} {self.random.randint(100, 999)} {self.random.randint(10, 99)} {self.random.randint(10, 99)}"
            if self.random.random() < 0.3:
                person["handle"] = f"@almaty_{n:04d}"
            people.append(person)
        return people

    def build(self):
        rnd = self.random
        start = datetime(2017, 4, 3, 10, 0, tzinfo=ALMATY)
        self.event("project.defined", "project-wealmaty", start, {
            "project": "wealmaty", "title": "WeAlmaty: Almaty, a city of active citizens by 2020",
            "funder": "European Union", "budget_eur": 430000, "starts_on": "2017-04-01", "ends_on": "2020-03-31",
            "partners": ["British Council", "Almaty city akimat", "JSC Almaty Development Center", "Kazakh-British Technical University"],
            "description": "An EU-funded action (EUR 430,000, April 2017 to March 2020) to make Almaty a city of active citizens: "
                           "building the capacity of urban communities, drawing citizens into the city's development and "
                           "supporting social entrepreneurship, through forums that bring together the authorities, civil society and business.",
            # IATI: the British Council reports the activity (charity 209131 in England and Wales; type 15, other public sector).
            "reporting_org_ref": "GB-CHC-209131", "reporting_org_name": "British Council", "reporting_org_type": "15",
            "iati_identifier": "GB-CHC-209131-WEALMATY"})
        # Who takes part, in IATI's roles: the EU funds (DG INTPA's org-id; XM-DAC-918-3 is the older DAC code); the
        # British Council implements; the akimat, the Development Center and KBTU implement with it. No org-id is given for
        # the three Kazakh partners: their registration numbers (KZ-BIN) are not in the source, so none is made up.
        for organisation, name, role, type_, ref in [
                ("eu", "European Union", "1", "40", "XI-IATI-EC_INTPA"),
                ("british-council", "British Council", "4", "15", "GB-CHC-209131"),
                ("almaty-akimat", "Almaty city akimat", "4", "11", None),
                ("almaty-development-center", "JSC Almaty Development Center", "4", "15", None),
                ("kbtu", "Kazakh-British Technical University", "4", "80", None)]:
            data = {"project": "wealmaty", "organisation": organisation, "name": name, "role": role, "type": type_}
            if ref:
                data["ref"] = ref
            self.event("project.organisation.added", f"organisation-{organisation}-{role}", start, data)
        for indicator, target, baseline in [("people_engaged", 300, 0), ("unique_attendees", 220, 0), ("repeat_attendees", 40, 0),
                                            ("proposals_received", 40, 0), ("proposals_accepted", 10, 0), ("rsvp_conversion", 75, 0)]:
            self.event("indicator.target.set", f"target-{indicator}-y1", start, {
                "indicator": indicator, "project": "wealmaty", "period_start": "2017-04-01", "period_end": "2018-03-31",
                "target": target, "baseline": baseline})
        forum1 = datetime(2017, 9, 22, 10, 0, tzinfo=ALMATY)
        self.event("engagement.scheduled", "schedule-forum-1", datetime(2017, 8, 28, 11, 0, tzinfo=ALMATY), {
            "engagement": "forum-1", "project": "wealmaty", "title": "WeAlmaty forum 1: active citizens and the city",
            "starts_at": stamp(forum1), "ends_at": stamp(forum1 + timedelta(hours=3)), "time_zone": "Asia/Almaty",
            "venue": "KBTU, 59 Tole Bi street, Almaty", "rsvp_deadline": "2017-09-21T12:00", "capacity": 120})
        self.commit(datetime(2017, 8, 28, 18, 0, tzinfo=ALMATY))

        people = self.people(240)  # the last ten register and never take part
        personal = ("name", "email", "phone", "handle")
        # Registrations before forum 1 (the first 140) and before forum 2 (the rest).
        for k, person in enumerate(people[:140]):
            when = datetime(2017, 9, 1, 9, 0, tzinfo=ALMATY) + timedelta(minutes=k * 137)
            self.event("participant.registered", f"reg-{person['participant']}", when, person, actor="registration-desk")
        # Forum 1: RSVPs, attendance, walk-ins.
        forum1_rsvp = people[:110]
        attended1 = set()
        for k, person in enumerate(forum1_rsvp):
            pid = person["participant"]
            response = "accepted" if rnd.random() < 0.86 else rnd.choice(["declined", "tentative"])
            when = datetime(2017, 9, 8, 10, 0, tzinfo=ALMATY) + timedelta(minutes=k * 181)
            self.event("rsvp.submitted", f"f1-rsvp-{pid}", when, {"engagement": "forum-1", "participant": pid, "response": response,
                                                                  "channel": rnd.choice(["phone", "email", "web"])})
            if response == "accepted" and rnd.random() < 0.82 or response == "tentative" and rnd.random() < 0.4:
                attended1.add(pid)
        for pid in [p["participant"] for p in people[110:122]]:  # walk-ins
            attended1.add(pid)
        for k, pid in enumerate(sorted(attended1)):
            self.event("attendance.checked_in", f"f1-door-{pid}", forum1 - timedelta(minutes=40) + timedelta(seconds=k * 23),
                       {"engagement": "forum-1", "participant": pid}, actor="door-scanner-1")
        self.commit(datetime(2017, 9, 22, 18, 0, tzinfo=ALMATY))

        # Between the forums: some people change group or district (reports use the profile of the day).
        for person in people[5:12]:
            change = {"participant": person["participant"], "district": rnd.choice(DISTRICTS)}
            if rnd.random() < 0.5:
                change["group"] = "civil_society"
            self.event("participant.updated", f"upd-{person['participant']}", datetime(2017, 10, 15, 12, 0, tzinfo=ALMATY), change)
        for k, person in enumerate(people[140:]):
            when = datetime(2017, 10, 20, 9, 0, tzinfo=ALMATY) + timedelta(minutes=k * 293)
            self.event("participant.registered", f"reg-{person['participant']}", when, person, actor="registration-desk")
        forum2 = datetime(2017, 11, 30, 9, 0, tzinfo=ALMATY)
        self.event("engagement.scheduled", "schedule-forum-2", datetime(2017, 11, 1, 10, 0, tzinfo=ALMATY), {
            "engagement": "forum-2", "project": "wealmaty",
            "title": "WeAlmaty forum 2: dialogue platform on the Green Corridor and public space",
            "starts_at": stamp(forum2), "ends_at": stamp(forum2 + timedelta(hours=4)), "time_zone": "Asia/Almaty",
            "venue": "Transforma theatre, Smart Point coworking, AlmatyTowers business centre (south tower), 280 Baizakov street, Almaty",
            "rsvp_deadline": "2017-11-29T12:00", "capacity": 130})
        self.event("contest.announced", "announce-photo-2", datetime(2017, 11, 6, 10, 0, tzinfo=ALMATY), {
            "contest": "photo-2", "engagement": "forum-2", "kind": "photo", "title": "Most active Almaty resident",
            "prize": "a tablet", "prize_count": 1, "entry_deadline": "2017-11-28T23:59",
            "required_hashtags": ["#WeAlmaty", "#МенWeAlmatyіс-шарасынабарамын"],
            "criteria": {"idea": 0.6, "creativity": 0.4}, "score_min": 1, "score_max": 10})
        self.event("contest.announced", "announce-quiz-2", datetime(2017, 11, 6, 10, 5, tzinfo=ALMATY), {
            "contest": "quiz-2", "engagement": "forum-2", "kind": "quiz", "title": "Green corridor quiz",
            "prize": "Costa Coffee gift certificate", "prize_count": 3})
        self.commit(datetime(2017, 11, 6, 18, 0, tzinfo=ALMATY))

        # Forum 2 RSVPs: on time, late (after noon on the 29th), some cancelled, beyond the capacity of 150.
        forum2_rsvp = people[60:225]
        accepted2 = []
        for k, person in enumerate(forum2_rsvp):
            pid = person["participant"]
            r = rnd.random()
            response = "accepted" if r < 0.9 else ("declined" if r < 0.96 else "tentative")
            if k < 150:
                when = datetime(2017, 11, 13, 9, 0, tzinfo=ALMATY) + timedelta(minutes=k * 151)
            else:  # the last ones answer late: from a few minutes to a day after the deadline
                when = datetime(2017, 11, 29, 12, 0, tzinfo=ALMATY) + timedelta(minutes=3 + (k - 150) * 97)
            if k == 149:
                when = datetime(2017, 11, 29, 12, 0, tzinfo=ALMATY)  # exactly at the deadline: on time
            self.event("rsvp.submitted", f"f2-rsvp-{pid}", when, {"engagement": "forum-2", "participant": pid, "response": response,
                                                                  "channel": rnd.choice(["phone", "email", "web"])})
            if response == "accepted":
                accepted2.append((pid, when))
        for pid, when in accepted2[3:90:11]:
            self.event("rsvp.cancelled", f"f2-cancel-{pid}", when + timedelta(days=2), {"engagement": "forum-2", "participant": pid})
        self.commit(datetime(2017, 11, 29, 23, 0, tzinfo=ALMATY))

        # Photo entries, posted before the forum.
        entrants = [p["participant"] for p in people[62:78]]
        hashtags = "#WeAlmaty #МенWeAlmatyіс-шарасынабарамын"
        ideas = ["Есентай бойына велосипед жолы керек", "Больше тени и скамеек в сквере у Арбата", "A river promenade along the Malaya Almatinka",
                 "Аулаларды жасылдандыру", "Пешеходный мост к Ботаническому саду", "Rails to trails on the old Turksib spur",
                 "Қоғамдық бақша әр ауданда", "Велопрокат у каждой станции метро", "Shaded bus stops on Abay avenue",
                 "Көктөбеге жаяу соқпақ", "Фонтаны с питьевой водой в парках", "Open courtyards for street art",
                 "Өзен жағасында спорт алаңы", "Зелёный коридор от Сайрана до Первомайских прудов", "Night lighting on the Esentai path",
                 "Балалар алаңы Орбита шағын ауданында"]
        entries = []
        for k, pid in enumerate(entrants):
            posted = datetime(2017, 11, 20, 19, 0, tzinfo=ALMATY) + timedelta(hours=k * 9)
            platform = "instagram" if k % 3 else "facebook"
            caption = f"{ideas[k]} {hashtags}"
            if k == 3:
                posted = datetime(2017, 11, 29, 0, 1, tzinfo=ALMATY)  # two minutes late
            if k == 5:
                caption = f"{ideas[k]} #WeAlmaty"  # one hashtag missing
            if k == 7:
                caption = f"{ideas[k]} #wealmaty #МенWeAlmatyіс-шарасынабарамын"  # case differs: still eligible
            if k == 9:
                platform = "other"  # posted on another network
            if k == 11:
                posted = datetime(2017, 11, 28, 23, 59, tzinfo=ALMATY)  # at the deadline: on time
            entry = f"e{k + 1:02d}"
            entries.append((entry, pid))
            self.event("photo.entry.submitted", f"photo-{entry}", posted, {
                "contest": "photo-2", "entry": entry, "participant": pid, "platform": platform,
                "url": f"https://www.{platform if platform != 'other' else 'vk'}.com/wealmaty/{entry}", "posted_at": stamp(posted),
                "caption": caption})
        self.commit(datetime(2017, 11, 29, 23, 30, tzinfo=ALMATY))

        # The forum: check-ins (no-shows among the accepted), walk-ins, the quiz, proposals.
        cancelled = {pid for pid, _ in accepted2[3:90:11]}
        attended2 = set()
        for pid, _ in accepted2:
            if pid not in cancelled and rnd.random() < 0.85:
                attended2.add(pid)
        attended2.discard(entrants[13])  # an entrant who did not come
        for p in people[225:230]:
            attended2.add(p["participant"])  # walk-ins
        for pid in entrants[:13]:
            attended2.add(pid)
        for k, pid in enumerate(sorted(attended2)):
            self.event("attendance.checked_in", f"f2-door-{pid}", forum2 - timedelta(minutes=45) + timedelta(seconds=k * 17),
                       {"engagement": "forum-2", "participant": pid}, actor="door-scanner-2")
        questions = [("q1", "Жасыл дәліз дегеніміз не? / What is a green corridor?", ["cycle and pedestrian paths", "a bus lane", "a parking belt"], "cycle and pedestrian paths"),
                     ("q2", "Usually it runs along…", ["a river bank", "a motorway", "a railway in use"], "a river bank"),
                     ("q3", "Rails to trails means…", ["paths on disused rails", "new tram lines", "freight corridors"], "paths on disused rails"),
                     ("q4", "Сколько районов в Алматы?", ["6", "8", "10"], "8"),
                     ("q5", "When will the second phase of the centre's reconstruction be planned?", ["2018", "2020", "2025"], "2018")]
        published = {}
        for k, (qid, text, options, correct) in enumerate(questions):
            at = datetime(2017, 11, 30, 11, 0, tzinfo=ALMATY) + timedelta(minutes=k * 6)
            published[qid] = at
            self.event("quiz.question.published", f"quiz-{qid}", at, {"contest": "quiz-2", "question": qid, "text": text,
                                                                      "options": options, "correct": correct})
        players = sorted(attended2)[::3][:48]
        for n, pid in enumerate(players):
            skill = rnd.random()
            for qid, text, options, correct in questions:
                delay = timedelta(seconds=8 + rnd.randint(0, 120))
                answer = correct if rnd.random() < 0.35 + skill * 0.6 else rnd.choice([o for o in options if o != correct])
                self.event("quiz.answer.submitted", f"ans-{pid}-{qid}", published[qid] + delay,
                           {"contest": "quiz-2", "question": qid, "participant": pid, "answer": answer}, actor="quiz-app")
                if n % 9 == 0:  # a second tap: ignored by the standings, counted as such
                    self.event("quiz.answer.submitted", f"ans-{pid}-{qid}-again", published[qid] + delay + timedelta(seconds=20),
                               {"contest": "quiz-2", "question": qid, "participant": pid, "answer": correct}, actor="quiz-app")
        proposals = []
        authors = sorted(attended2)
        for k in range(42):
            theme = THEMES[k % len(THEMES)]
            author = authors[(k * 7) % len(authors)]
            title = PROPOSAL_TITLES[theme][k % 3]
            proposal = f"pr-{k + 1:03d}"
            proposals.append(proposal)
            data = {"proposal": proposal, "engagement": "forum-2", "participant": author, "theme": theme, "title": title,
                    "text": f"{title}. Ұсыныс / Предложение / Proposal #{k + 1}"}
            if k % 5:
                data["district"] = DISTRICTS[k % len(DISTRICTS)]
            self.event("proposal.submitted", f"prop-{proposal}", forum2 + timedelta(hours=2, minutes=k), data)
            for s in range(k % 7):
                supporter = authors[(k * 11 + s * 13 + 1) % len(authors)]
                if supporter != author:
                    self.event("proposal.supported", f"sup-{proposal}-{supporter}", forum2 + timedelta(hours=2, minutes=k + s + 1),
                               {"proposal": proposal, "participant": supporter})
        self.commit(datetime(2017, 11, 30, 13, 30, tzinfo=ALMATY))

        # The jury scores the photo entries; the winner is announced at the end of the forum.
        jurors = ["jury-british-council", "jury-akimat", entrants[0]]  # the third juror also entered: excluded from own entry
        scores = {}
        for entry, pid in entries:
            for criterion in ("idea", "creativity"):
                for juror in jurors:
                    if entry == "e10" and juror == "jury-akimat" and criterion == "creativity":
                        continue  # a missing score: that entry is incomplete
                    value = rnd.randint(4, 10)
                    if entry == "e05":
                        value = 10
                    scores[(entry, criterion, juror)] = value
                    self.event("jury.score.recorded", f"score-{entry}-{criterion}-{juror}", forum2 + timedelta(hours=3, minutes=10),
                               {"contest": "photo-2", "entry": entry, "juror": juror, "criterion": criterion, "score": value},
                               actor="jury-sheet")
        self.event("contest.winner.announced", "winner-photo-2", forum2 + timedelta(hours=3, minutes=55),
                   {"contest": "photo-2", "entry": "e05", "prize": "a tablet"})
        self.commit(datetime(2017, 11, 30, 14, 0, tzinfo=ALMATY))

        # The city's decisions through 2018.
        for k, proposal in enumerate(proposals):
            decision = (k // 6 + k) % 3  # varies within each theme: some accepted, some declined, some still under review
            self.event("proposal.status.changed", f"status-{proposal}-review", datetime(2017, 12, 15, 10, 0, tzinfo=ALMATY) + timedelta(minutes=k),
                       {"proposal": proposal, "status": "under_review", "note": "Сәулет және қала құрылысы басқармасына жіберілді"})
            if decision == 0:
                self.event("proposal.status.changed", f"status-{proposal}-accepted", datetime(2018, 2, 20, 10, 0, tzinfo=ALMATY) + timedelta(days=k),
                           {"proposal": proposal, "status": "accepted", "note": "Included in the second phase of the centre's reconstruction"})
                if (k // 6) % 2 == 0:
                    self.event("proposal.status.changed", f"status-{proposal}-implemented", datetime(2018, 9, 1, 10, 0, tzinfo=ALMATY) + timedelta(days=k),
                               {"proposal": proposal, "status": "implemented", "note": "Реализовано летом 2018 года"})
            elif decision == 1:
                self.event("proposal.status.changed", f"status-{proposal}-declined", datetime(2018, 4, 2, 10, 0, tzinfo=ALMATY) + timedelta(days=k),
                           {"proposal": proposal, "status": "declined", "note": "Outside the 2018 reconstruction area"})
        self.commit(datetime(2018, 10, 1, 12, 0, tzinfo=ALMATY))

        # One person asks to be forgotten.
        self.run(["forget", "p0071"], clock=datetime(2018, 10, 15, 12, 0, tzinfo=ALMATY))
        self.count += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ledgerctl", default=os.path.join(ROOT, ".build", "release", "ledgerctl"))
    parser.add_argument("--dir", default=os.path.join(ROOT, "events"))
    args = parser.parse_args()
    if not os.path.exists(args.ledgerctl):
        sys.exit(f"build-demo: {args.ledgerctl} not found; run 'swift build -c release' first, or pass --ledgerctl")
    # Start from an empty ledger, keeping the directory's README; refuse a directory that holds
    # anything but a ledger's files.
    os.makedirs(args.dir, exist_ok=True)
    ledger_files = ("README.md", "ledger.json", "ledger.json.tmp", "personal.jsonl", "personal.jsonl.tmp", "lock", "index", "quarantine")
    strangers = [n for n in os.listdir(args.dir) if n not in ledger_files and not n.startswith("segment-")]
    if strangers:
        sys.exit(f"build-demo: {args.dir} holds files that are not a ledger's ({', '.join(sorted(strangers)[:3])}); refusing to empty it")
    for name in os.listdir(args.dir):
        path = os.path.join(args.dir, name)
        if name == "README.md":
            continue
        shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
    demo = Demo(args.ledgerctl, args.dir)
    demo.run(["init", "--segment-size", "256K"])
    demo.build()
    shutil.rmtree(os.path.join(args.dir, "index"), ignore_errors=True)  # derived; rebuilt on the next write
    for leftover in ("lock",):
        path = os.path.join(args.dir, leftover)
        if os.path.exists(path):
            os.remove(path)
    print(f"build-demo: {demo.count} events in {args.dir}")


if __name__ == "__main__":
    main()

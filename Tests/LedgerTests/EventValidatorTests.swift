import Foundation
import Testing
@testable import Ledger

/// A ledger state from a fixed set of keys and data.
struct FixedState: LedgerState {
    var keys: [EntityKey: JSON] = [:]
    func contains(_ key: EntityKey) throws(LedgerError) -> Bool { keys[key] != nil }
    func data(of key: EntityKey) throws(LedgerError) -> JSON? { keys[key] }
}

@Suite struct EventValidatorTests {
    let validator = EventValidator()
    let state = FixedState(keys: [
        EntityKey("project", ["wealmaty"]): .object([]),
        EntityKey("engagement", ["forum-2"]): .object([]),
        EntityKey("participant", ["p-1"]): .object([]),
        EntityKey("participant", ["p-gone"]): .object([]),
        EntityKey("erased", ["p-gone"]): .object([]),
        EntityKey("contest", ["photo"]): .object([("kind", .string("photo")), ("criteria", .object([("idea", .integer(2)), ("creativity", .integer(1))])),
                                                  ("score_min", .integer(1)), ("score_max", .integer(5))]),
        EntityKey("contest", ["quiz"]): .object([("kind", .string("quiz"))]),
        EntityKey("question", ["quiz", "q1"]): .object([("options", .array([.string("river"), .string("rails")]))]),
        EntityKey("entry", ["photo", "e1"]): .object([]),
        EntityKey("check-in", ["forum-2", "p-1"]): .object([]),
    ])

    func problem(_ event: NewEvent) -> String? {
        do {
            _ = try validator.validate(event, in: state)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: [
        (event("rsvp.sent", ["participant": "p-1"]), "unknown event type 'rsvp.sent'; 'ledgerctl types' lists the catalog"),
        (event("rsvp.submitted", ["participant": "p-1"]), "rsvp.submitted: field 'engagement' is required"),
        (event("rsvp.submitted", ["engagement": "forum-2", "participant": "p-1", "mood": "good"]), "rsvp.submitted: field 'mood' is not a field of this type (fields: engagement, participant, response, channel)"),
        (event("rsvp.submitted", ["engagement": "forum-2", "participant": 42]), "rsvp.submitted: field 'participant' must be a string, not a number"),
        (event("rsvp.submitted", ["engagement": "forum-2", "participant": "p-1", "response": "maybe"]), "rsvp.submitted: field 'response' is 'maybe'; it must be one of accepted, declined, tentative"),
        (event("rsvp.submitted", ["engagement": "forum-9", "participant": "p-1"]), "rsvp.submitted: field 'engagement' names engagement 'forum-9', which the ledger has not seen"),
        (event("rsvp.submitted", ["engagement": "forum-2", "participant": "p-gone"]), "rsvp.submitted: field 'participant' names participant 'p-gone', whose data was erased; register a new participant id"),
        (event("rsvp.submitted", ["engagement": "forum-2", "participant": "../etc"]), "rsvp.submitted: field 'participant' '../etc' is not a valid id (1-128 of A-Z a-z 0-9 . _ : -, starting with a letter or digit)"),
        (event("participant.registered", ["participant": "p-1", "group": "citizen", "name": "A"]), "participant.registered: field 'participant' names participant 'p-1', which already exists"),
        (event("participant.registered", ["participant": "p-2", "group": "citizen", "name": "A\u{1B}[31m"]), "participant.registered: field 'name' holds the control character U+001B (line breaks and tabs are not allowed here)"),
        (event("participant.registered", ["participant": "p-2", "group": "citizen", "name": "A\u{202E}B"]), "participant.registered: field 'name' holds the bidirectional override U+202E"),
        (event("participant.registered", ["participant": "p-2", "group": "citizen", "name": "  "]), "participant.registered: field 'name' is empty"),
        (event("participant.registered", ["participant": "p-2", "group": "citizen", "name": "A", "phone": "call me"]), "participant.registered: field 'phone' is not a phone number (digits, spaces, + - ( ), such as +7 701 765 05 10)"),
        (event("participant.updated", ["participant": "p-1"]), "participant.updated: at least one field to change is required"),
        (event("attendance.checked_in", ["engagement": "forum-2", "participant": "p-1"]), "attendance.checked_in: participant 'p-1' is already checked in to 'forum-2'"),
        (event("rsvp.cancelled", ["engagement": "forum-2", "participant": "p-1"]), "rsvp.cancelled: participant 'p-1' has no RSVP for engagement 'forum-2' to cancel"),
        (event("engagement.scheduled", ["engagement": "f3", "project": "wealmaty", "title": "T", "starts_at": "2017-11-30T09:00:00", "ends_at": "2017-11-30T13:00:00+06:00", "time_zone": "Asia/Almaty"]), "engagement.scheduled: field 'starts_at' '2017-11-30T09:00:00' is not a date-time with an offset, such as 2017-11-30T09:00:00+06:00"),
        (event("engagement.scheduled", ["engagement": "f3", "project": "wealmaty", "title": "T", "starts_at": "2017-11-30T09:00:00+06:00", "ends_at": "2017-11-30T08:00:00+06:00", "time_zone": "Asia/Almaty"]), "engagement.scheduled: field 'ends_at' is not after starts_at"),
        (event("engagement.scheduled", ["engagement": "f3", "project": "wealmaty", "title": "T", "starts_at": "2017-11-30T09:00:00+06:00", "ends_at": "2017-11-30T13:00:00+06:00", "time_zone": "Almaty"]), "engagement.scheduled: field 'time_zone' 'Almaty' is not a tz database zone name such as Asia/Almaty"),
        (event("engagement.scheduled", ["engagement": "f3", "project": "wealmaty", "title": "T", "starts_at": "2017-11-30T09:00:00+06:00", "ends_at": "2017-11-30T13:00:00+06:00", "time_zone": "Asia/Almaty", "capacity": 2.5]), "engagement.scheduled: field 'capacity' must be a whole number, not a fraction"),
        (event("jury.score.recorded", ["contest": "photo", "entry": "e1", "juror": "j1", "criterion": "idea", "score": 6]), "jury.score.recorded: field 'score' is 6.0; this contest scores from 1.0 to 5.0"),
        (event("jury.score.recorded", ["contest": "photo", "entry": "e1", "juror": "j1", "criterion": "beauty", "score": 3]), "jury.score.recorded: field 'criterion' 'beauty' is not a criterion of this contest (idea, creativity)"),
        (event("jury.score.recorded", ["contest": "quiz", "entry": "e1", "juror": "j1", "criterion": "idea", "score": 3]), "jury.score.recorded: field 'contest' names a quiz contest; jury.score.recorded needs a photo contest"),
        (event("quiz.answer.submitted", ["contest": "quiz", "question": "q1", "participant": "p-1", "answer": "bus"]), "quiz.answer.submitted: field 'answer' must be one of the question's options (river, rails)"),
        (event("contest.announced", ["contest": "c2", "engagement": "forum-2", "kind": "photo", "title": "T", "prize": "tablet"]), "contest.announced: field 'criteria' is required for a photo contest (the jury scores each criterion)"),
        (event("photo.entry.submitted", ["contest": "photo", "entry": "e2", "participant": "p-1", "platform": "instagram", "url": "javascript:alert(1)", "posted_at": "2017-11-28T20:00:00+06:00", "caption": "x"]), "photo.entry.submitted: field 'url' 'javascript:alert(1)' is not an http(s) URL"),
        (event("participant.erased", ["participant": "p-1"]), "participant.erased: this type is written by a ledgerctl command only, not by append or import"),
        (NewEvent(type: "rsvp.submitted", data: .array([])), "rsvp.submitted: data must be a JSON object, not an array"),
    ])
    func refusesWithAMessageThatNamesTheField(event: NewEvent, message: String) {
        #expect(problem(event) == message)
    }

    @Test func acceptsValidEventsAndSplitsPersonalFields() throws {
        let validated = try validator.validate(event("participant.registered", ["participant": "p-2", "group": "expert", "name": "John Smith",
                                                                               "email": "john@example.org", "district": "turksib", "sex": "male"]), in: state)
        #expect(validated.publicData.serialized == #"{"district":"turksib","group":"expert","participant":"p-2","sex":"male"}"#)
        #expect(validated.personalData?.serialized == #"{"email":"john@example.org","name":"John Smith"}"#)
        #expect(validated.keys == [EntityKey("participant", ["p-2"])])
        let score = try validator.validate(event("jury.score.recorded", ["contest": "photo", "entry": "e1", "juror": "j1", "criterion": "idea", "score": 4.5]), in: state)
        #expect(score.publicData["score"] == .double(4.5))
        let caption = try validator.validate(event("photo.entry.submitted", ["contest": "photo", "entry": "e2", "participant": "p-1", "platform": "instagram",
                                                                             "url": "https://instagram.com/p/x", "posted_at": "2017-11-28T20:00:00+06:00",
                                                                             "caption": "Жасыл дәліз\nидея: велосипед жолдары #WeAlmaty"]), in: state)
        #expect(caption.keys == [EntityKey("entry", ["photo", "e2"])])
    }

    @Test func refusesTextOverTheLimit() {
        let long = String(repeating: "ә", count: 301)
        #expect(problem(event("project.defined", ["project": "x", "title": long, "starts_on": "2017-04-01", "ends_on": "2020-03-31"]))
                == "project.defined: field 'title' is 301 characters long; the limit is 300")
    }

    /// The bit table of identifier bytes says what the rule says: every byte value first and
    /// last, and random texts of identifier bytes with others mixed in.
    @Test func identifiersAreReadByTheRuleForEveryByte() {
        func byRule(_ bytes: [UInt8]) -> Bool {
            func isAlphanumeric(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
            return (1...128).contains(bytes.count) && isAlphanumeric(bytes[0])
                && bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "-") }
        }
        func read(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer { EventValidator.isIdentifier($0) } }
        for b in UInt8.min...UInt8.max {
            for text in [[b], [UInt8(ascii: "a"), b], [UInt8(ascii: "7"), b, UInt8(ascii: "z")]] {
                #expect(read(text) == byRule(text), "\(text)")
            }
        }
        var generator = SystemRandomNumberGenerator()
        let pool = Array("aZ09._:-".utf8) + [0x00, 0x2F, 0x3B, 0x40, 0x5B, 0x60, 0x7B, 0x7F, 0x80, 0xC3, 0xFF]
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...130, using: &generator)).map { _ in
                Int.random(in: 0..<10, using: &generator) == 0 ? pool.randomElement(using: &generator)! : pool[Int.random(in: 0..<8, using: &generator)]
            }
            #expect(read(text) == byRule(text))
        }
    }
}

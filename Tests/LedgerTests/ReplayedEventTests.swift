import Testing
@testable import Ledger

/// The one-pass reader of stored lines that replay uses must accept exactly what the strict
/// reader accepts, and give the same fields.
@Suite struct ReplayedEventTests {
    static let prev = String(repeating: "ab", count: 32)
    static let data = ##"{"participant":"p1","group":"citizen","name":"Айгүл \"Ә\"","n":-2.5e3,"tags":["#a",{"k":[1,2,{}]}],"nothing":null,"yes":true}"##
    static let line = #"{"seq":7,"id":"e-7","type":"participant.registered","occurred_at":"2017-11-30T09:00:00+06:00","recorded_at":"2017-11-30T03:00:00.000Z","batch":{"first":6,"count":3},"data":"# + data + #","prev":""# + prev + #""}"#

    func replayed(_ text: String) throws(StoredEvent.Malformed) -> ReplayedEvent {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer throws(StoredEvent.Malformed) in try ReplayedEvent(line: buffer) }
    }

    func scans(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBufferPointer { JSONParser.scanStoredLine($0) { scanned, _ in scanned } != nil }
    }

    @Test func readsTheWritersFormInOnePassWithTheStrictReadersFields() throws {
        #expect(scans(Self.line))
        let event = try replayed(Self.line)
        let strict = try StoredEvent(line: Array(Self.line.utf8))
        #expect(event.seq == 7 && event.type == "participant.registered" && event.occurredAt == "2017-11-30T09:00:00+06:00")
        #expect(event.occurred == Timestamp(rfc3339: "2017-11-30T03:00:00Z"))
        #expect(event.prev == strict.prev)
        for member in strict.data.objectMembers! {
            #expect(event.data[member.key] == member.value, "member \(member.key)")
        }
        #expect(event.data["name"]?.stringValue == "Айгүл \"Ә\"")
        #expect(event.data["absent"] == nil)
        #expect(event.data.json == strict.data)
    }

    /// A replayed line keeps its members' places, its payload and its `occurred_at` in one
    /// buffer (`LineText`): every member, of any number and kind, reads back as the strict reader
    /// gives it, from the scanned line and from the strict reader's event alike. A payload with
    /// more members than the scan has room for on the stack is read by the strict reader.
    @Test(arguments: [0, 1, 3, MemberBuffer.capacity, MemberBuffer.capacity + 1, 100])
    func keepsEveryMemberAndTheDate(memberCount: Int) throws {
        let values = [#""Айгүл""#, "-2.5e3", #"[1,{"k":"v"}]"#, "null", "true", #"{"nested":{"deep":[]}}"#, #""""#]
        let members = (0..<memberCount).map { #""m\#($0)":"# + values[$0 % values.count] }
        let occurredAt = "2017-11-30T09:00:00.5+06:00"
        let text = #"{"seq":3,"id":"e","type":"rsvp.sent","occurred_at":""# + occurredAt + #"","recorded_at":"x","data":{"#
            + members.joined(separator: ",") + #"},"prev":""# + Self.prev + #""}"#
        #expect(scans(text) == (memberCount <= MemberBuffer.capacity))
        let strict = try StoredEvent(line: Array(text.utf8))
        for event in [try replayed(text), ReplayedEvent(strict)] {
            #expect(event.occurredAt == occurredAt && event.type == "rsvp.sent" && event.seq == 3)
            for k in 0..<memberCount {
                #expect(event.data["m\(k)"] == strict.data["m\(k)"] && event.data["m\(k)"] != nil, "member m\(k)")
            }
            #expect(event.data["m\(memberCount)"] == nil)
            #expect(event.data.json == strict.data)
        }
    }

    @Test(arguments: [
        // Valid, but not in the writers' form: read by the strict reader, same fields.
        #"{ "seq" : 7, "id":"e","type":"t","occurred_at":"2017-11-30T09:00:00Z","recorded_at":"x","data":{ "a" : 1 },"prev":"PREV"} "#,
        #"{"prev":"PREV","data":{"a":1},"recorded_at":"x","occurred_at":"2017-11-30T09:00:00Z","type":"t","id":"e","seq":7}"#,
        #"{"seq":7,"id":"e","type":"t","occurred_at":"2017-11-30T09:00:00Z","recorded_at":"x","data":{"\u0061":1},"prev":"PREV"}"#,
        #"{"seq":7,"id":"e","typ\u0065":"t","occurred_at":"2017-11-30T09:00:00Z","recorded_at":"x","data":{"a":1},"prev":"PREV"}"#,
        #"{"seq":7,"id":"e","type":"t","occurred_at":"2017-11-30T09:00:00Z","recorded_at":"x","batch":{"count":2,"first":6},"data":{"a":1},"prev":"PREV"}"#,
        #"{"seq":7,"id":"e","type":"t","occurred_at":"2017-11-30T09:00:00Z","recorded_at":"x","batch":{"first":6, "count":2.0},"data":{"a":1},"prev":"PREV"}"#,
        #"{"seq":7,"id":"e","type":"t\u002e","occurred_at":"2017-11-30T09:00:00Z","recorded_at":"x","data":{"a":1},"prev":"PREV"}"#,
    ])
    func acceptsWhatTheStrictReaderAccepts(template: String) throws {
        let text = template.replacingOccurrences(of: "PREV", with: Self.prev)
        let event = try replayed(text)
        let strict = try StoredEvent(line: Array(text.utf8))
        #expect(event.seq == strict.seq && event.type == strict.type && event.occurredAt == strict.occurredAt && event.prev == strict.prev)
        #expect(event.data["a"] == strict.data["a"] && event.data.json == strict.data)
    }

    @Test(arguments: [
        #"{"seq":7,"id":"e","type":"t","occurred_at":"o","recorded_at":"x","data":{"a":1,"a":2},"prev":"PREV"}"#,
        #"{"seq":7,"seq":7,"id":"e","type":"t","occurred_at":"o","recorded_at":"x","data":{"a":1},"prev":"PREV"}"#,
        #"{"seq":7,"id":"e","type":"t","occurred_at":"o","recorded_at":"x","data":{"a":1},"prev":"PREV","extra":1}"#,
        #"{"seq":0,"id":"e","type":"t","occurred_at":"o","recorded_at":"x","data":{"a":1},"prev":"PREV"}"#,
        #"{"seq":7,"id":"e","type":"t","occurred_at":"o","recorded_at":"x","data":{"a":1},"prev":"ABAB"}"#,
        #"{"seq":7,"id":"e","type":"t","occurred_at":"o","recorded_at":"x","data":[1],"prev":"PREV"}"#,
        #"{"seq":7,"id":"e","type":"t","occurred_at":"o","recorded_at":"x","batch":{"first":8,"count":2},"data":{},"prev":"PREV"}"#,
        #"{"seq":7,"id":"e","type":"t","occurred_at":"o","recorded_at":"x","batch":{"first":7,"count":1},"data":{},"prev":"PREV"}"#,
        #"{"seq":7,"id":"e","type":"t","occurred_at":"o","recorded_at":"x","batch":{"first":07,"count":2},"data":{},"prev":"PREV"}"#,
        #"{"seq":7,"id":"e","type":"t","occurred_at":"o","recorded_at":"x","batch":{"first":6,"count":2,"count":3},"data":{},"prev":"PREV"}"#,
        #"{"seq":7,"id":"e","type":"t","occurred_at":"o","recorded_at":"x","data":{"a":"\x"},"prev":"PREV"}"#,
        #"{"seq":7,"id":"e","type":"t","occurred_at":"o","recorded_at":"x","data":{"a":"\ud800"},"prev":"PREV"}"#,
        #"{"seq":7,"id":"e","type":"t","occurred_at":"o","recorded_at":"x","data":{"a":01},"prev":"PREV"}"#,
        #"{"seq":7,"id":"e","type":"t","occurred_at":"o","recorded_at":"x","data":{"a":1},"prev":"PREV"} x"#,
        #"{"seq":7,"id":"e","type":"t","occurred_at":"o","recorded_at":"x","data":{"a":1}"#,
        #"{"seq":7,"id":"e","occurred_at":"o","recorded_at":"x","data":{"a":1},"prev":"PREV"}"#,
        #"{"seq":7,"id":1,"type":"t","occurred_at":"o","recorded_at":"x","data":{"a":1},"prev":"PREV"}"#,
        #"{"seq":7,"id":"e","type":"t","occurred_at":"o","recorded_at":"x","data":{"a":{"b":1,"b":2}},"prev":"PREV"}"#,
        #"{"seq":7,"id":"e","type":"t","occurred_at":"o","recorded_at":"x","data":{"a":[{"b":1,"b":2}]},"prev":"PREV"}"#,
        "{\"seq\":7,\"id\":\"e\",\"type\":\"t\",\"occurred_at\":\"o\",\"recorded_at\":\"x\",\"data\":{\"\u{E9}\":1,\"e\u{301}\":2},\"prev\":\"PREV\"}",
    ])
    func refusesWhatTheStrictReaderRefusesWithItsReason(template: String) {
        let text = template.replacingOccurrences(of: "PREV", with: Self.prev)
        #expect(!scans(text))
        var strictReason = ""
        do { _ = try StoredEvent(line: Array(text.utf8)) } catch { strictReason = error.reason }
        #expect(!strictReason.isEmpty)
        #expect(throws: StoredEvent.Malformed.self) { try replayed(text) }
        do { _ = try replayed(text) } catch { #expect(error.reason == strictReason) }
    }

    @Test func refusesInvalidUTF8AndControlCharactersInThePayload() {
        for bad: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0x01], [0xFF]] {
            let bytes = Array(#"{"seq":1,"id":"e","type":"t","occurred_at":"o","recorded_at":"x","data":{"a":""#.utf8) + bad
                + Array(#""},"prev":""#.utf8) + Array(Self.prev.utf8) + Array(#""}"#.utf8)
            #expect(bytes.withUnsafeBufferPointer { JSONParser.scanStoredLine($0) { scanned, _ in scanned } } == nil)
            #expect(throws: StoredEvent.Malformed.self) {
                try bytes.withUnsafeBufferPointer { buffer throws(StoredEvent.Malformed) in try ReplayedEvent(line: buffer) }
            }
        }
    }
}

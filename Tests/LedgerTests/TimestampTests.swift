import Foundation
import Testing
@testable import Ledger

@Suite struct TimestampTests {
    @Test func readsRFC3339WithOffsets() throws {
        let almaty = try #require(Timestamp(rfc3339: "2017-11-30T09:00:00+06:00"))
        let utc = try #require(Timestamp(rfc3339: "2017-11-30T03:00:00Z"))
        #expect(almaty == utc)
        #expect(utc.description == "2017-11-30T03:00:00.000Z")
        #expect(Timestamp(rfc3339: "2017-11-30T03:00:00.25Z")?.millisecondsSinceEpoch == utc.millisecondsSinceEpoch + 250)
    }

    @Test(arguments: ["2017-11-30T09:00:00", "2017-11-30 09:00:00+06:00", "2017-02-29T00:00:00Z", "2017-11-30T24:00:00Z",
                      "2017-11-30T09:00+06:00", "2017-11-30T09:00:00+6:00", "yesterday"])
    func refusesInstantsWithoutAnOffsetOrOutOfRange(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func readsLocalDeadlinesByTheZoneRulesOfTheirDate() throws {
        let almaty = try #require(TimeZone(identifier: "Asia/Almaty"))
        // UTC+06:00 in 2017: noon on 29 November is 06:00 UTC.
        #expect(Timestamp(deadline: "2017-11-29T12:00", timeZone: almaty) == Timestamp(rfc3339: "2017-11-29T06:00:00Z"))
        #expect(Timestamp(deadline: "2017-11-28T23:59", timeZone: almaty) == Timestamp(rfc3339: "2017-11-28T17:59:00Z"))
        // UTC+05:00 since 1 March 2024.
        #expect(Timestamp(deadline: "2024-11-29T12:00:00", timeZone: almaty) == Timestamp(rfc3339: "2024-11-29T07:00:00Z"))
        // An explicit offset wins over the zone.
        #expect(Timestamp(deadline: "2017-11-29T12:00:00+05:00", timeZone: almaty) == Timestamp(rfc3339: "2017-11-29T07:00:00Z"))
    }

    @Test func countsDaysAcrossCenturies() {
        #expect(Timestamp.days(ofDate: "1970-01-01") == 0)
        #expect(Timestamp.days(ofDate: "2000-03-01") == 11017)
        #expect(Timestamp.days(ofDate: "2017-02-29") == nil)
        #expect(Timestamp(millisecondsSinceEpoch: -1).description == "1969-12-31T23:59:59.999Z")
    }

    /// The text written digit by digit reads back as the instant, over the whole range and past it.
    @Test func theTextOfAnyInstantReadsBackAsIt() {
        var generator = SystemRandomNumberGenerator()
        let range = Timestamp.earliest.millisecondsSinceEpoch...Timestamp.latest.millisecondsSinceEpoch
        for ms in [range.lowerBound, range.upperBound, 0, -1, 951_782_400_000] + (0..<5_000).map({ _ in Int64.random(in: range, using: &generator) }) {
            let text = Timestamp(millisecondsSinceEpoch: ms).description
            #expect(text.utf8.count == 24)
            #expect(Timestamp(rfc3339: text)?.millisecondsSinceEpoch == ms, "\(text)")
        }
        #expect(Timestamp(millisecondsSinceEpoch: Timestamp.latest.millisecondsSinceEpoch + 1).description == "10000-01-01T00:00:00.000Z")
        #expect(Timestamp(millisecondsSinceEpoch: Timestamp.earliest.millisecondsSinceEpoch - 1).description == "0000-12-31T23:59:59.999Z")
    }

    @Test func pinsTheClockWithSourceDateEpoch() throws {
        #expect(try Timestamp.now(environment: ["SOURCE_DATE_EPOCH": "1512000000"]).description == "2017-11-30T00:00:00.000Z")
    }
}

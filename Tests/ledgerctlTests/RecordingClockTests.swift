import Foundation
import Testing

/// The recording clock pinned through `SOURCE_DATE_EPOCH` (whole seconds since 1970), and the
/// range of times an event may carry: a value out of range is refused, never wrapped or trapped.
@Suite struct RecordingClockTests {
    @Test func aPinnedClockGivesTheRecordedTime() throws {
        try withTemporaryDirectory { dir in
            try given(dir, "init")
            let result = try Ledgerctl.run(["--dir", dir, "append", "participant.registered", "participant=p1", "group=citizen", "name=Pinned Person"],
                                           environment: ["SOURCE_DATE_EPOCH": "1511978400"])
            #expect(result.status == 0, "\(result.stderr)")
            let stored = try Self.lastStoredEvent(dir)
            #expect(stored["recorded_at"] as? String == "2017-11-29T18:00:00.000Z")
            #expect(result.stdout.contains(#""recorded_at":"2017-11-29T18:00:00.000Z""#))
        }
    }

    @Test(arguments: ["1511978400000", "9223372036854775807", "-99999999999999", "abc", "1.5", ""])
    func aPinnedClockThatIsNotWholeSecondsInRangeIsAUsageError(value: String) throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let before = ledgerFiles(dir)
            let result = try Ledgerctl.run(["--dir", dir, "append", "participant.registered", "participant=p1", "group=citizen", "name=Pinned Person"],
                                           environment: ["SOURCE_DATE_EPOCH": value])
            #expect(result.exited, "'\(value)': killed by a signal")
            #expect(result.status == 64, "'\(value)': \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("SOURCE_DATE_EPOCH"), "'\(value)': \(result.stderr)")
            #expect(ledgerFiles(dir) == before, "'\(value)': the event was written")
            #expect(try ledger(dir, "verify").status == 0)
        }
    }

    @Test(arguments: ["10000-01-01T00:00:00Z", "0000-12-31T00:00:00Z"])
    func anOccurredAtBeforeYearOneOrAfterYear9999IsRefused(time: String) throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let before = ledgerFiles(dir)
            let result = try ledger(dir, "append", "participant.registered", "participant=p1", "group=citizen", "name=Any One", "--occurred-at", time)
            #expect(result.exited && result.status == 65, "\(time): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("occurred_at"), "\(time): \(result.stderr)")
            #expect(ledgerFiles(dir) == before)
            #expect(try ledger(dir, "verify").status == 0)
        }
    }

    @Test(arguments: ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"])
    func anOccurredAtAtTheEdgeOfTheRangeIsStoredAsGiven(time: String) throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let result = try ledger(dir, "append", "participant.registered", "participant=p1", "group=citizen", "name=Any One", "--occurred-at", time)
            #expect(result.exited && result.status == 0, "\(time): \(result.stderr)")
            #expect(try Self.lastStoredEvent(dir)["occurred_at"] as? String == time)
            #expect(try ledger(dir, "verify").status == 0)
        }
    }

    /// The last stored line of the ledger in `dir`, decoded.
    static func lastStoredEvent(_ dir: String) throws -> [String: Any] {
        let lines = try ledger(dir, "log", "--json").stdout.split(separator: "\n")
        let last = try #require(lines.last)
        return try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
    }
}

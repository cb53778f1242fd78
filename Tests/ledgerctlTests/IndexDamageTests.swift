import Foundation
import Testing

/// Derived files never decide: whatever happens to a file in `DIR/index/`, writers behave
/// exactly as they do with `index/` deleted.
@Suite struct IndexDamageTests {
    /// Ways to damage an index file; `other` is a second ledger's directory, `older` the file as
    /// it was a few events earlier.
    static let damages: [(name: String, apply: @Sendable (_ path: String, _ other: String, _ older: Data) throws -> Void)] = [
        ("body zeroed, header intact", { path, _, _ in
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            let header = path.hasSuffix("/keys") ? 88 : 16
            if bytes.count > header { bytes.replaceSubrange(header..<bytes.count, with: Data(count: bytes.count - header)) }
            try bytes.write(to: URL(fileURLWithPath: path))
        }),
        ("random bytes", { path, _, _ in
            let size = try Data(contentsOf: URL(fileURLWithPath: path)).count
            var generator = SystemRandomNumberGenerator()
            try Data((0..<max(size, 64)).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: URL(fileURLWithPath: path))
        }),
        ("truncated", { path, _, _ in
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            try bytes.prefix(bytes.count / 2 + 3).write(to: URL(fileURLWithPath: path))
        }),
        ("a copy from another ledger", { path, other, _ in
            let name = URL(fileURLWithPath: path).lastPathComponent
            try Data(contentsOf: URL(fileURLWithPath: other + "/index/" + name)).write(to: URL(fileURLWithPath: path))
        }),
        ("an older copy of its own", { path, _, older in
            try older.write(to: URL(fileURLWithPath: path))
        }),
    ]

    static let files = ["keys", "offsets"]

    /// A ledger with an acknowledged `append --id X` and a registered participant.
    func makeLedger(_ dir: String) throws {
        try demoLedger(dir)
        try given(dir, "append", "participant.registered", "participant=p-1", "group=citizen", "name=Айгүл", "--id", "X")
        try given(dir, "append", "participant.registered", "participant=p-2", "group=business", "name=Ivan")
        _ = try ledger(dir, "report", "impact") // saves index/impact.state
    }

    /// What the writers do: a retry appends nothing, the same id with other data is refused, a
    /// second registration is refused, a valid event is accepted, verify passes.
    func writersBehave(_ dir: String, _ label: String) throws {
        let before = try storedIDs(dir).count
        let retry = try ledger(dir, "append", "participant.registered", "participant=p-1", "group=citizen", "name=Айгүл", "--id", "X")
        #expect(retry.status == 0, "\(label): retry: \(retry.stderr)")
        #expect(try storedIDs(dir).count == before, "\(label): a retried append wrote again")
        let conflict = try ledger(dir, "append", "participant.registered", "participant=p-9", "group=citizen", "name=Other", "--id", "X")
        #expect(conflict.status == 65, "\(label): same id, other data: \(conflict.status) \(conflict.stderr)")
        let duplicate = try ledger(dir, "append", "participant.registered", "participant=p-2", "group=business", "name=Ivan")
        #expect(duplicate.status == 65, "\(label): second registration: \(duplicate.status) \(duplicate.stderr)")
        let valid = try ledger(dir, "append", "rsvp.submitted", "engagement=forum-2", "participant=p-2", "response=accepted",
                               "--occurred-at", "2017-11-20T10:00:00+06:00")
        #expect(valid.status == 0, "\(label): a valid event: \(valid.stderr)")
        #expect(try storedIDs(dir).count == before + 1, "\(label)")
        let verify = try ledger(dir, "verify")
        #expect(verify.status == 0, "\(label): verify: \(verify.stdout) \(verify.stderr)")
        let report = try ledger(dir, "report", "impact", "--format", "json")
        let fresh = try ledger(dir, "report", "impact", "--format", "json", "--fresh")
        #expect(report.status == 0 && report.stdout == fresh.stdout, "\(label): report impact differs from a fresh replay")
    }

    @Test func writersActAsWithTheIndexDeletedWhateverHappensToAnIndexFile() throws {
        var cases = 0
        try withTemporaryDirectory { other in
            try makeLedger(other)
            try given(other, "append", "participant.registered", "participant=p-3", "group=citizen", "name=Third")
            for file in Self.files {
                for damage in Self.damages {
                    try withTemporaryDirectory { dir in
                        try demoLedger(dir)
                        _ = try ledger(dir, "report", "impact")
                        let older = try Data(contentsOf: URL(fileURLWithPath: dir + "/index/" + file))
                        try given(dir, "append", "participant.registered", "participant=p-1", "group=citizen", "name=Айгүл", "--id", "X")
                        try given(dir, "append", "participant.registered", "participant=p-2", "group=business", "name=Ivan")
                        _ = try ledger(dir, "report", "impact")
                        try damage.apply(dir + "/index/" + file, other, older)
                        try writersBehave(dir, "\(file), \(damage.name)")
                        cases += 1
                    }
                }
            }
        }
        #expect(cases == Self.files.count * Self.damages.count)
    }

    @Test func writersActTheSameWithTheIndexDeleted() throws {
        try withTemporaryDirectory { dir in
            try makeLedger(dir)
            try FileManager.default.removeItem(atPath: dir + "/index")
            try writersBehave(dir, "index deleted")
        }
    }

    @Test func aDamagedIndexIsNamedInAWarningAndRebuilt() throws {
        try withTemporaryDirectory { dir in
            try makeLedger(dir)
            let keys = dir + "/index/keys"
            var bytes = try Data(contentsOf: URL(fileURLWithPath: keys))
            bytes.replaceSubrange(88..<bytes.count, with: Data(count: bytes.count - 88))
            try bytes.write(to: URL(fileURLWithPath: keys))
            let result = try ledger(dir, "append", "participant.registered", "participant=p-1", "group=citizen", "name=Айгүл", "--id", "X")
            #expect(result.status == 0)
            #expect(result.stderr.contains("warning: \(keys)") && result.stderr.contains("rebuilding the index"), "\(result.stderr)")
            let again = try ledger(dir, "append", "participant.registered", "participant=p-1", "group=citizen", "name=Айгүл", "--id", "X")
            #expect(again.status == 0 && again.stderr.isEmpty, "the rebuilt index is trusted again: \(again.stderr)")
        }
    }
}

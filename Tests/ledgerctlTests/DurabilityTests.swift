import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Several writers at once, writers killed at random, and a writer that waits for the lock.
@Suite struct DurabilityTests {
    @Test func eightWritersAppendTwoThousandEventsWithoutGapOrDuplicate() throws {
        try withTemporaryDirectory { dir in
            try given(dir, "init", "--segment-size", "64K")
            try given(dir, "append", "project.defined", "project=p", "title=T", "starts_on=2017-04-01", "ends_on=2020-03-31", "--id", "setup")
            let failures = Failures()
            DispatchQueue.concurrentPerform(iterations: 8) { writer in
                for k in 1...250 {
                    let result = try? Ledgerctl.run(["--dir", dir, "--wait", "60", "append", "participant.registered", "participant=w\(writer)-\(k)",
                                                     "group=citizen", "name=Writer \(writer) \(k)", "--id", "w\(writer)-\(k)"])
                    if result?.status != 0 { failures.add("w\(writer)-\(k): \(result?.stderr ?? "did not start")") }
                }
            }
            #expect(failures.all.isEmpty, "\(failures.all.prefix(3))")
            let verify = try ledger(dir, "verify")
            #expect(verify.status == 0 && verify.stdout.contains("ok: 2001 events"))
            let log = try ledger(dir, "log", "--json").stdout.split(separator: "\n")
            #expect(log.count == 2001)
            for (k, line) in log.enumerated() { #expect(line.hasPrefix("{\"seq\":\(k + 1),")) }
            let ids = try storedIDs(dir)
            #expect(Set(ids).count == 2001)
            #expect(Set(ids) == Set(["setup"] + (0..<8).flatMap { w in (1...250).map { "w\(w)-\($0)" } }))
        }
    }

    /// The crash campaign: 220 writers (single appends, import batches that roll segments over,
    /// forgets) killed with SIGKILL at random moments. After each kill the ledger verifies (a torn
    /// tail is allowed until the next writer repairs it); at the end every acknowledged event is
    /// there exactly once, no batch is half there, and every forgotten person is gone.
    @Test func killedWritersLoseNothingAcknowledgedAndLeaveNoHalfBatch() throws {
        try withTemporaryDirectory { dir in
            try given(dir, "init", "--segment-size", "32K")
            try given(dir, "append", "project.defined", "project=p", "title=T", "starts_on=2017-04-01", "ends_on=2020-03-31")
            var generator = SeededGenerator(seed: 20171130)
            var acknowledged: [String] = []
            var batches: [String: Int] = [:]
            var registered: [String] = []
            var forgotten: [String] = []
            var kills = 0
            for round in 0..<220 {
                let roll = Int.random(in: 0..<100, using: &generator)
                let arguments: [String]
                var size = 1
                var file: String?
                if roll < 15, let who = registered.randomElement(using: &generator) {
                    arguments = ["--dir", dir, "--wait", "30", "forget", who]
                    forgotten.append(who)
                    size = 0
                } else if roll < 40 {
                    arguments = ["--dir", dir, "--wait", "30", "append", "participant.registered", "participant=r\(round)-1",
                                 "group=citizen", "name=Single \(round) Name", "email=single\(round)@example.kz", "--id", "r\(round)-1"]
                } else {
                    size = Int.random(in: 2...300, using: &generator)
                    let lines = (1...size).map { k in
                        #"{"type":"participant.registered","id":"r\#(round)-\#(k)","data":{"participant":"r\#(round)-\#(k)","group":"citizen","name":"Қатысушы \#(round) \#(k)","district":"auezov"}}"#
                    }
                    let path = dir + "/../batch-\(UUID().uuidString).jsonl"
                    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
                    file = path
                    arguments = ["--dir", dir, "--wait", "30", "import", path]
                }
                let running = try Ledgerctl.start(arguments)
                usleep(UInt32.random(in: 0...40_000, using: &generator))
                running.kill()
                let result = running.finish()
                if let file { try? FileManager.default.removeItem(atPath: file) }
                if size > 0 { batches["r\(round)"] = size }
                if result.exited && result.status == 0 {
                    acknowledged += (0..<size).map { "r\(round)-\($0 + 1)" }
                    if size > 0 { registered.append("r\(round)-1") }
                } else {
                    kills += 1
                    if size == 0 { registered.removeAll { $0 == arguments.last } } // repeated below
                }
                let verify = try ledger(dir, "verify")
                #expect(verify.status == 0, "round \(round): \(verify.stderr)")
            }
            #expect(kills >= 60, "too few writers were killed mid-run (\(kills)) to test recovery")
            // The next writer recovers whatever the last kill left; a forget that was cut short is repeated.
            for who in Set(forgotten) {
                let again = try ledger(dir, "forget", who)
                #expect(again.status == 0 || again.stderr.contains("no participant"), "\(again.stderr)")
            }
            let after = try ledger(dir, "append", "participant.registered", "participant=after", "group=citizen", "name=After")
            #expect(after.status == 0)
            let verify = try ledger(dir, "verify")
            #expect(verify.status == 0 && verify.stderr.isEmpty, "\(verify.stderr)")
            let ids = try storedIDs(dir)
            #expect(Set(ids).count == ids.count)
            #expect(Set(acknowledged).isSubset(of: Set(ids)))
            for (round, size) in batches {
                let present = ids.filter { $0.hasPrefix(round + "-") }.count
                #expect(present == 0 || present == size, "batch \(round): \(present) of \(size) events")
            }
            let personal = (try? String(contentsOfFile: dir + "/personal.jsonl", encoding: .utf8)) ?? ""
            for who in Set(forgotten) where ids.contains(who) {
                #expect(!personal.contains("\"participant\":\"\(who)\""), "\(who) was forgotten but has personal data")
            }
        }
    }

    @Test func aWriterThatCannotGetTheLockGivesUpWithExit75() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let fd = open(dir + "/lock", O_RDWR)
            #expect(fd >= 0 && flockLock(fd) == 0)
            let before = snapshot(dir)
            let result = try ledger(dir, "--wait", "0.3", "append", "participant.registered", "participant=p", "group=citizen", "name=N")
            #expect(result.status == 75)
            #expect(result.stderr.hasPrefix("error: the ledger is busy: another writer held the lock for 0."))
            let reader = try ledger(dir, "verify") // readers need no lock
            #expect(reader.status == 0)
            close(fd)
            #expect(snapshot(dir) == before)
            #expect(try ledger(dir, "append", "participant.registered", "participant=p", "group=citizen", "name=N").status == 0)
        }
    }
}

@_silgen_name("flock")
private func flockSystemCall(_ fd: Int32, _ operation: Int32) -> Int32

private func flockLock(_ fd: Int32) -> Int32 { flockSystemCall(fd, LOCK_EX) }

/// Collects failures from concurrent writers.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ item: String) { lock.lock(); items.append(item); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}

/// A small reproducible generator (SplitMix64), so a failing run can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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

    @Test func killedWritersLoseNothingAcknowledgedAndLeaveNoHalfBatch() throws {
        try withTemporaryDirectory { dir in
            try given(dir, "init", "--segment-size", "32K")
            try given(dir, "append", "project.defined", "project=p", "title=T", "starts_on=2017-04-01", "ends_on=2020-03-31")
            var generator = SeededGenerator(seed: 20171130)
            var acknowledged: [String] = []
            var batches: [String: Int] = [:]
            var kills = 0
            for round in 0..<120 {
                let size = Int.random(in: 1...300, using: &generator)
                let lines = (1...size).map { k in
                    #"{"type":"participant.registered","id":"r\#(round)-\#(k)","data":{"participant":"r\#(round)-\#(k)","group":"citizen","name":"Қатысушы \#(round) \#(k)","district":"auezov"}}"#
                }
                let file = dir + "/../batch-\(UUID().uuidString).jsonl"
                try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
                defer { try? FileManager.default.removeItem(atPath: file) }
                let running = try Ledgerctl.start(size == 1 ? ["--dir", dir, "--wait", "30", "append", "participant.registered", "participant=r\(round)-1",
                                                               "group=citizen", "name=Single \(round)", "--id", "r\(round)-1"]
                                                             : ["--dir", dir, "--wait", "30", "import", file])
                usleep(UInt32.random(in: 0...40_000, using: &generator))
                running.kill()
                let result = running.finish()
                batches["r\(round)"] = size
                if result.exited && result.status == 0 {
                    acknowledged += (1...size).map { "r\(round)-\($0)" }
                } else {
                    kills += 1
                }
            }
            #expect(kills >= 30, "too few writers were killed mid-run (\(kills)) to test recovery")
            // The next writer recovers whatever the last kill left.
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

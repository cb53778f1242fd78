import Foundation
import Testing
@testable import Ledger

/// System calls that fail once, at the n-th call of the write path, as SQLite's I/O error tests do.
final class FailingAtCall: @unchecked Sendable {
    private let lock = NSLock()
    private var calls = 0
    private(set) var failedCall: String?
    let failAt: Int
    let code: Int32

    init(failAt: Int, code: Int32) {
        self.failAt = failAt
        self.code = code
    }

    /// Counts this call; true when it is the one to fail.
    private func shouldFail(_ name: String) -> Bool {
        lock.withLock {
            calls += 1
            if calls == failAt { failedCall = name; return true }
            return false
        }
    }

    var count: Int { lock.withLock { calls } }

    var system: SystemCalls {
        let live = SystemCalls.live
        var system = live
        system.open = { directory, path, flags, mode in
            if self.shouldFail("open \(path)") { errno = self.code; return -1 }
            return live.open(directory, path, flags, mode)
        }
        system.write = { fd, buffer, count in
            if self.shouldFail("write") { errno = self.code; return -1 }
            return live.write(fd, buffer, count)
        }
        system.pwrite = { fd, buffer, count, offset in
            if self.shouldFail("pwrite") { errno = self.code; return -1 }
            return live.pwrite(fd, buffer, count, offset)
        }
        system.fsync = { fd in
            if self.shouldFail("fsync") { errno = self.code; return -1 }
            return live.fsync(fd)
        }
        system.ftruncate = { fd, length in
            if self.shouldFail("ftruncate") { errno = self.code; return -1 }
            return live.ftruncate(fd, length)
        }
        system.rename = { directory, from, toDirectory, to in
            if self.shouldFail("rename \(from)") { errno = self.code; return -1 }
            return live.rename(directory, from, toDirectory, to)
        }
        system.unlink = { directory, path, flags in
            if self.shouldFail("unlink \(path)") { errno = self.code; return -1 }
            return live.unlink(directory, path, flags)
        }
        system.mkdir = { directory, path, mode in
            if self.shouldFail("mkdir \(path)") { errno = self.code; return -1 }
            return live.mkdir(directory, path, mode)
        }
        system.flock = { fd, operation in
            if self.shouldFail("flock") { errno = self.code; return -1 }
            return live.flock(fd, operation)
        }
        return system
    }
}

/// Every system call of the write path fails in turn; whatever fails, the ledger is left as it
/// was or with the whole write, and the next writer carries on.
@Suite struct FaultLoopTests {
    /// The event files and personal data: what must be either before or after, never between.
    func evidence(_ dir: String) throws -> [String: Data] {
        try snapshot(dir).filter { $0.key.hasPrefix("segment-") || $0.key == "personal.jsonl" }
    }

    /// Runs `operation` with the n-th call failing, for every n until the operation makes fewer calls than n.
    /// - Returns: how many faults were injected.
    func failEveryCall(code: Int32, setUp: (String) throws -> Void, operation: (Ledger) throws -> Void,
                       check: (String, _ succeeded: Bool) throws -> Void) throws -> Int {
        var injected = 0
        var n = 1
        while true {
            let done = try withTemporaryDirectory { dir -> Bool in
                try setUp(dir)
                let before = try evidence(dir)
                let faults = FailingAtCall(failAt: n, code: code)
                var succeeded = true
                do {
                    // Opening the ledger makes system calls too (its directory, ledger.json): they fail in turn as well.
                    let ledger = try Ledger(path: dir, system: faults.system)
                    ledger.environment = [:]
                    try operation(ledger)
                } catch let error as LedgerError {
                    succeeded = false
                    guard case .io = error else {
                        Issue.record("call \(n) (\(faults.failedCall ?? "?")): not an I/O error: \(error)")
                        return true
                    }
                }
                if faults.failedCall == nil { return true } // the operation made fewer than n calls
                injected += 1
                if !succeeded {
                    // Nothing half-done may remain in the evidence; derived files may differ.
                    let after = try evidence(dir)
                    if after != before {
                        // A failure after the data reached the disk may leave the whole write: acceptable only when complete and verified.
                        let report = try Verifier(path: dir).verify()
                        #expect(report.damage == nil, "call \(n) (\(faults.failedCall ?? "?")): \(String(describing: report.damage))")
                    }
                }
                let next = try Ledger(path: dir)
                next.environment = [:]
                _ = try next.append(event("participant.registered", ["participant": "after-\(n)", "group": "citizen", "name": "After"]))
                let report = try Verifier(path: dir).verify()
                #expect(report.damage == nil && report.tornTail == nil, "call \(n) (\(faults.failedCall ?? "?"))")
                try check(dir, succeeded)
                return false
            }
            if done {
                print("fault loop (\(String(cString: strerror(code)))): \(injected) system calls failed in turn, the ledger intact after each")
                return injected
            }
            n += 1
        }
    }

    @Test(arguments: [EIO, ENOSPC, EINTR])
    func anAppendThatRollsOverSurvivesAFailureAtEveryCall(code: Int32) throws {
        let injected = try failEveryCall(code: code, setUp: { dir in
            let ledger = try makeLedger(dir, segmentBytes: 1024)
            _ = try ledger.append(project)
            _ = try ledger.append(person("p-0", email: "zero@example.kz"))
        }, operation: { ledger in
            _ = try ledger.importBatch([person("p-1", email: "one@example.kz"), person("p-2"), person("p-3")], source: "test")
        }, check: { dir, succeeded in
            let ids = try LedgerDirectory(path: dir).segments().count
            #expect(ids >= 1)
            let people = try Ledger(path: dir).personalRecords().map(\.participant)
            #expect(people.contains("p-1") == succeeded, "personal data must stay exactly when the import succeeded")
        })
        #expect(injected >= 20, "only \(injected) calls were failed")
    }

    @Test func recoveryFromACrashSurvivesAFailureAtEveryCall() throws {
        let injected = try failEveryCall(code: EIO, setUp: { dir in
            let ledger = try makeLedger(dir)
            _ = try ledger.append(project)
            _ = try ledger.append(person("p-0"))
            let path = dir + "/segment-000000000001.jsonl"
            var bytes = try #require(FileManager.default.contents(atPath: path))
            bytes.append(Data(#"{"seq":3,"id":"torn","type":"participant.reg"#.utf8)) // a writer died here
            try bytes.write(to: URL(fileURLWithPath: path))
        }, operation: { ledger in
            _ = try ledger.append(person("p-1"))
        }, check: { _, _ in })
        #expect(injected >= 10, "only \(injected) calls were failed")
    }

    @Test func forgetSurvivesAFailureAtEveryCall() throws {
        let injected = try failEveryCall(code: EIO, setUp: { dir in
            let ledger = try makeLedger(dir)
            _ = try ledger.append(project)
            _ = try ledger.append(person("p-1", name: "Сәуле Forget", email: "saule@example.kz"))
            _ = try ledger.append(person("p-2", name: "Keep Me"))
        }, operation: { ledger in
            _ = try ledger.forget("p-1")
        }, check: { dir, succeeded in
            // Whatever happened, repeating forget finishes the job.
            _ = try Ledger(path: dir).forget("p-1")
            for (file, bytes) in try snapshot(dir) {
                #expect(!String(decoding: bytes, as: UTF8.self).contains("saule"), "\(file)")
            }
            let left = try Ledger(path: dir).personalRecords().map(\.participant)
            #expect(!left.contains("p-1") && left.contains("p-2"))
        })
        #expect(injected >= 10, "only \(injected) calls were failed")
    }
}

import Foundation
import Testing
@testable import Ledger

/// System calls that misbehave on purpose, for files whose path contains `target`.
final class FaultySystem: @unchecked Sendable {
    enum Fault { case interruptEveryOtherCall, shortWrites, writeError(Int32), fsyncError(Int32), openError(Int32) }
    private let lock = NSLock()
    private var targets: Set<Int32> = []
    private var flip = false
    private(set) var injected = 0
    let fault: Fault
    let target: String

    init(_ fault: Fault, target: String = "segment-") {
        self.fault = fault
        self.target = target
    }

    private func isTarget(_ fd: Int32) -> Bool { lock.withLock { targets.contains(fd) } }
    private func count() { lock.withLock { injected += 1 } }
    private func interrupt() -> Bool {
        lock.withLock {
            flip.toggle()
            return flip
        }
    }

    var calls: SystemCalls {
        var calls = SystemCalls.live
        let live = SystemCalls.live
        calls.open = { directory, path, flags, mode in
            if case .openError(let code) = self.fault, path.contains(self.target), flags & O_CREAT != 0 {
                self.count()
                errno = code
                return -1
            }
            let fd = live.open(directory, path, flags, mode)
            if fd >= 0 && path.contains(self.target) { _ = self.lock.withLock { self.targets.insert(fd) } }
            if fd >= 0 && !path.contains(self.target) { _ = self.lock.withLock { self.targets.remove(fd) } }
            return fd
        }
        calls.write = { fd, buffer, count in
            guard self.isTarget(fd) else { return live.write(fd, buffer, count) }
            switch self.fault {
            case .interruptEveryOtherCall where self.interrupt():
                self.count()
                errno = EINTR
                return -1
            case .shortWrites where count > 7:
                self.count()
                return live.write(fd, buffer, 7)
            case .writeError(let code):
                self.count()
                _ = live.write(fd, buffer, count / 2) // half the line reaches the file, then the disk is full
                errno = code
                return -1
            default:
                return live.write(fd, buffer, count)
            }
        }
        calls.fsync = { fd in
            if self.isTarget(fd), case .fsyncError(let code) = self.fault {
                self.count()
                errno = code
                return -1
            }
            if self.isTarget(fd), case .interruptEveryOtherCall = self.fault, self.interrupt() {
                self.count()
                errno = EINTR
                return -1
            }
            return live.fsync(fd)
        }
        return calls
    }
}

@Suite struct FaultInjectionTests {
    func ledger(_ dir: String, _ system: FaultySystem) throws -> Ledger {
        let ledger = try Ledger(path: dir, system: system.calls)
        ledger.environment = [:]
        return ledger
    }

    @Test(arguments: [FaultySystem.Fault.interruptEveryOtherCall, .shortWrites])
    func survivesInterruptedAndShortWrites(fault: FaultySystem.Fault) throws {
        try withTemporaryDirectory { dir in
            _ = try makeLedger(dir)
            let faulty = FaultySystem(fault)
            let ledger = try ledger(dir, faulty)
            _ = try ledger.append(project)
            _ = try ledger.importBatch((1...20).map { person("p-\($0)") }, source: "test")
            #expect(faulty.injected >= 2) // every segment write or fsync was hit at least once
            let report = try Verifier(path: dir).verify()
            #expect(report.damage == nil && report.tornTail == nil && report.events == 21)
        }
    }

    @Test(arguments: [ENOSPC, EIO])
    func aFailedWriteLeavesTheLedgerAsItWas(code: Int32) throws {
        try withTemporaryDirectory { dir in
            let setup = try makeLedger(dir)
            _ = try setup.append(project)
            _ = try setup.append(person("p-0", email: "zero@example.kz"))
            let before = try snapshot(dir)
            let faulty = FaultySystem(.writeError(code))
            #expect {
                try self.ledger(dir, faulty).append(person("p-1", name: "Name That Must Not Stay", email: "gone@example.kz"))
            } throws: { error in
                guard case .io(let failure) = error as? LedgerError else { return false }
                return failure.code == code && failure.operation == "write"
            }
            #expect(faulty.injected == 1)
            let after = try snapshot(dir)
            for file in ["segment-000000000001.jsonl", "personal.jsonl", "ledger.json"] {
                #expect(after[file] == before[file], "\(file) changed")
            }
            let next = try setup.append(person("p-1"))
            #expect(next.event.seq == 3)
            #expect(try Verifier(path: dir).verify().damage == nil)
        }
    }

    @Test func anFsyncErrorFailsTheAppendAndIsNotTrusted() throws {
        try withTemporaryDirectory { dir in
            let setup = try makeLedger(dir)
            _ = try setup.append(project)
            let before = try snapshot(dir)
            let faulty = FaultySystem(.fsyncError(EIO))
            #expect {
                try self.ledger(dir, faulty).append(person("p-1"))
            } throws: { error in
                guard case .io(let failure) = error as? LedgerError else { return false }
                return failure.operation == "fsync" && failure.code == EIO
            }
            #expect(try snapshot(dir)["segment-000000000001.jsonl"] == before["segment-000000000001.jsonl"])
            #expect(try setup.append(person("p-1")).event.seq == 2)
            #expect(try Verifier(path: dir).verify().damage == nil)
        }
    }

    @Test func aFailedRollOverLeavesNoNewSegment() throws {
        try withTemporaryDirectory { dir in
            let setup = try makeLedger(dir, segmentBytes: 1024)
            _ = try setup.append(project)
            _ = try setup.append(person("p-0"))
            var segments = try LedgerDirectory(path: dir).segments()
            while segments.count == 1 {
                _ = try setup.append(person("p-\(UUID().uuidString.prefix(8))"))
                segments = try LedgerDirectory(path: dir).segments()
            }
            // Fill the last segment until the next line must open a new one, and make that open fail.
            let faulty = FaultySystem(.openError(ENOSPC), target: "segment-")
            let ledger = try ledger(dir, faulty)
            var failed = false
            for k in 0..<10 where !failed {
                do {
                    _ = try ledger.append(person("q-\(k)"))
                } catch {
                    failed = true
                    #expect("\(error)".contains("No space left on device"))
                }
            }
            #expect(failed)
            let names = try LedgerDirectory(path: dir).segments().map(\.name)
            let report = try Verifier(path: dir).verify()
            #expect(report.damage == nil && report.tornTail == nil)
            #expect(LedgerDirectory.firstSeq(ofSegment: names.last!)! <= report.head.seq)
            #expect(try setup.append(person("r-1")).event.seq == report.head.seq + 1)
        }
    }
}

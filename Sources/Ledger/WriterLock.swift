import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The exclusive lock that one writer holds across read-tail, validate, write and fsync.
///
/// It is a `flock` on `DIR/lock`: held by the open file description, so it excludes other
/// processes and other descriptors in the same process, and the kernel drops it when the holder
/// dies. (Classic `fcntl` locks would vanish when the process closed any descriptor of the file.)
final class WriterLock {
    private let file: FileDescriptor

    private init(file: FileDescriptor) {
        self.file = file
    }

    /// Takes the lock, waiting at most `timeout` seconds.
    /// - Throws: `LedgerError.busy` with the time waited, or `.io`.
    static func acquire(_ path: String, timeout: Double, system: SystemCalls) throws(LedgerError) -> WriterLock {
        let file: FileDescriptor
        do {
            file = try FileDescriptor.open(path, O_RDWR | O_CREAT, mode: 0o600, system: system)
        } catch {
            throw .io(error)
        }
        let start = DispatchTime.now().uptimeNanoseconds
        var pause: UInt32 = 500 // microseconds, doubled up to 20 ms: short waits stay short
        while true {
            if SystemCalls.retryingInterrupts({ system.flock(file.rawValue, LOCK_EX | LOCK_NB) }) == 0 {
                return WriterLock(file: file)
            }
            guard errno == EWOULDBLOCK else { throw .io(SystemError(operation: "flock", path: path, code: errno)) }
            let waited = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if waited >= timeout { throw .busy(waitedSeconds: waited) }
            usleep(pause + UInt32.random(in: 0...pause / 2))
            pause = min(pause * 2, 20_000)
        }
    }

    /// True when some writer holds the lock right now (used by readers to tell a line being
    /// written from a torn one); never blocks.
    static func isHeld(_ path: String) -> Bool {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { Glibc.close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }

    /// Releases the lock.
    func release() {
        _ = file.system.flock(file.rawValue, LOCK_UN)
        _ = try? file.close() // unlocking already happened; a close error changes nothing
    }
}

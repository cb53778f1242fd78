import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The exclusive lock that one writer holds across read-tail, validate, write and fsync.
///
/// Two `flock`s, taken in this order: one on the ledger's directory itself, then one on
/// `DIR/lock`. A `flock` is held by the open file description, so it excludes other processes
/// and other descriptors in the same process, and the kernel drops it when the holder dies.
/// (Classic `fcntl` locks would vanish when the process closed any descriptor of the file.)
/// The directory's lock cannot be deleted or replaced short of replacing DIR, so `rm DIR/lock`
/// while a writer works ("a stale lock") never admits a second one. The lock file is checked
/// the way `lockfile` tools check it: after `flock` succeeds, `DIR/lock` must still name the
/// locked file (same device and inode), or the writer starts again.
final class WriterLock {
    private let directory: DirectoryDescriptor
    private let file: FileDescriptor

    private init(directory: DirectoryDescriptor, file: FileDescriptor) {
        self.directory = directory
        self.file = file
    }

    static let fileName = "lock"

    /// Takes the lock, waiting at most `timeout` seconds.
    /// - Throws: `LedgerError.busy` with the time waited, or `.io`.
    static func acquire(_ ledgerDirectory: DirectoryDescriptor, timeout: Double) throws(LedgerError) -> WriterLock {
        // A descriptor of the lock's own: closing it drops the lock whatever happens to the unlock call.
        let directory = try io { () throws(SystemError) in try ledgerDirectory.reopened() }
        let system = directory.system
        let start = DispatchTime.now().uptimeNanoseconds
        var pause: UInt32 = 500 // microseconds, doubled up to 20 ms: short waits stay short
        func waitOrGiveUp() throws(LedgerError) {
            let waited = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if waited >= timeout { throw .busy(waitedSeconds: waited) }
            usleep(pause + UInt32.random(in: 0...pause / 2))
            pause = min(pause * 2, 20_000)
        }
        func tryLock(_ fd: Int32, _ path: String) throws(LedgerError) -> Bool {
            if SystemCalls.retryingInterrupts({ system.flock(fd, LOCK_EX | LOCK_NB) }) == 0 { return true }
            guard errno == EWOULDBLOCK else { throw .io(SystemError(operation: "flock", path: path, code: errno)) }
            return false
        }
        while try !tryLock(directory.rawValue, directory.path) { try waitOrGiveUp() }
        // On any error below, `directory` is closed, and its lock with it.
        while true {
            let file = try io { () throws(SystemError) in try directory.open(fileName, O_RDWR | O_CREAT) }
            while try !tryLock(file.rawValue, file.path) { try waitOrGiveUp() }
            // Removed or replaced between our open and our flock: lock the file the name holds now.
            let locked = try io { () throws(SystemError) in try file.status() }
            if let named = try io({ () throws(SystemError) in try directory.status(of: fileName) }),
               named.st_dev == locked.st_dev, named.st_ino == locked.st_ino {
                return WriterLock(directory: directory, file: file)
            }
            _ = try? file.close() // its lock goes with it
        }
    }

    /// True when some writer holds the lock right now (used by readers to tell a line being
    /// written from a torn one); never blocks.
    static func isHeld(_ directory: LedgerDirectory) -> Bool {
        // A descriptor of its own: a lock taken on the reader's shared one would be the reader's.
        guard let own = try? directory.files.reopened() else { return false }
        if own.system.flock(own.rawValue, LOCK_SH | LOCK_NB) == 0 {
            _ = own.system.flock(own.rawValue, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }

    /// Releases the lock: closing each descriptor drops its `flock` even when the unlock call fails.
    func release() {
        _ = file.system.flock(file.rawValue, LOCK_UN)
        _ = try? file.close() // the lock goes with the descriptor; a close error changes nothing
        _ = directory.system.flock(directory.rawValue, LOCK_UN)
    }
}

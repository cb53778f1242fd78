#if canImport(Glibc)
import Glibc
#endif

/// Reports read their saved state (`DIR/index/*.state`) through a read-only mapping. The ledger
/// replaces such files by rename and never cuts one in place, but someone who can write
/// `index/` could truncate a state while a report reads it; the kernel then stops the process
/// with `SIGBUS`. This turns that into `error:` and exit 74 instead of a crash report. A report
/// writes nothing before it has read its state, and the state is derived: running the report
/// again reads the file as it now is (or replays from the first event).
enum MappedFileCutShort {
    static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            let message: StaticString = "error: a file mapped into memory was cut short while this command read it (SIGBUS); if it was a report's saved state in index/, which is derived, run the command again\n"
            _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
            _exit(74)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGBUS, &action, nil)
    }
}

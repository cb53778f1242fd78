#if canImport(Glibc)
import Glibc
#endif
import Ledger

/// `ledgerctl log --follow`: what is committed after SEQ, then each new event once, in order,
/// until SIGINT, SIGTERM or a closed output.
extension Tool {
    /// How long the follower sleeps between looks at the ledger's end (a few a second, so
    /// that it stays idle without spinning).
    static let followInterval = timespec(tv_sec: 0, tv_nsec: 200_000_000)

    func follow(_ log: EventLog, since: Int64, type: String?, asJSON: Bool) throws -> ExitCode {
        Stop.install()
        var cursor = EventLog.Cursor(after: since)
        var output = FileOutput()
        var printedHeader = false
        while !Stop.isRequested {
            var rows: [[String]] = []
            let given: Int
            do {
                given = try log.read(after: &cursor, { event, line throws(LedgerError) in
                    guard Self.matches(event, type: type) else { return }
                    if asJSON {
                        do { try output.write(line, seq: event.seq) } catch { throw Self.asLedgerError(error) }
                    } else {
                        rows.append(Self.logRow(event))
                    }
                }, vouched: { seq throws(LedgerError) in
                    do { try output.vouch(through: seq) } catch { throw Self.asLedgerError(error) }
                })
                if !rows.isEmpty {
                    // Each batch aligned on its own; the header once.
                    var text = Self.table(headers: ["SEQ", "OCCURRED AT", "TYPE", "ID", "DATA"], rows: rows, lastColumnWidth: .max)
                    if printedHeader, let firstBreak = text.firstIndex(of: "\n") { text = String(text[text.index(after: firstBreak)...]) }
                    printedHeader = true
                    try printOut(text)
                }
                try output.flush()
            } catch LedgerError.io(let error) where error.code == EPIPE {
                return .success // the reader went away: a clean end
            }
            if given == 0 {
                if Stop.outputIsClosed() { return .success }
                var wait = Self.followInterval
                _ = nanosleep(&wait, nil) // a signal cuts it short
            }
        }
        return .success
    }

    private static func asLedgerError(_ error: any Error) -> LedgerError {
        (error as? LedgerError) ?? .io(SystemError(operation: "write", path: "standard output", code: EIO))
    }
}

/// Whether SIGINT or SIGTERM asked the follower to stop: set by the signal handler, read by the loop.
enum Stop {
    nonisolated(unsafe) private static var requested: sig_atomic_t = 0

    static var isRequested: Bool { requested != 0 }

    /// Catches SIGINT and SIGTERM (unblocked, should the parent have blocked them), and ignores
    /// SIGPIPE, so that a closed output is an EPIPE the loop ends on.
    static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in Stop.requested = 1 }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
        signal(SIGPIPE, SIG_IGN)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }

    /// True when standard output is a pipe or socket whose reader has gone.
    static func outputIsClosed() -> Bool {
        var descriptor = pollfd(fd: STDOUT_FILENO, events: 0, revents: 0)
        return poll(&descriptor, 1, 0) == 1 && descriptor.revents & Int16(POLLERR | POLLHUP) != 0
    }
}

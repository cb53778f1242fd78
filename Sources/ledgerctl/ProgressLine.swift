#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// How far long work has got, on one line of standard error that is rewritten in place: only
/// when standard error is a terminal, and only once the work has taken half a second (quick
/// commands print nothing). Cleared when the work ends, so what follows starts on a clean line.
final class ProgressLine: @unchecked Sendable {
    private var label: String
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let lock = NSLock()
    private let started = ProgressLine.now()
    private var lastDrawn: Double = 0
    private var isShowing = false

    /// Shows nothing before this many seconds, and redraws at most this often.
    static let delay = 0.5, interval = 0.1

    init(_ label: String) {
        self.label = label
    }

    /// Reports `done` of `total` (bytes when `isBytes`, steps otherwise; a total of 0 is
    /// unknown: the amount alone is shown), under a new label when one is given.
    func update(_ done: Int64, of total: Int64, isBytes: Bool, label newLabel: String? = nil) {
        guard isTerminal else { return }
        let now = ProgressLine.now()
        lock.lock()
        defer { lock.unlock() }
        if let newLabel { label = newLabel }
        guard now - started >= ProgressLine.delay, now - lastDrawn >= ProgressLine.interval else { return }
        lastDrawn = now
        isShowing = true
        guard total > 0 else {
            draw("\r\u{1B}[K\(label): \(isBytes ? "\(done / 1_000_000) MB" : "\(done)")")
            return
        }
        let percent = Int(100 * min(done, total) / total)
        let amount = isBytes ? " (\(done / 1_000_000) of \(total / 1_000_000) MB)" : ""
        draw("\r\u{1B}[K\(label): \(percent)%\(amount)")
    }

    /// Clears the line, when it was shown.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if isShowing { draw("\r\u{1B}[K") }
        isShowing = false
    }

    private func draw(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress!, $0.count) }
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

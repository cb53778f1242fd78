#if canImport(Glibc)
import Glibc
#endif
import Ledger

/// Standard output, error and input through plain system calls: a full disk or a closed stream
/// is an I/O error with exit 74, not a crash (Foundation's FileHandle traps on such errors).
enum StandardStreams {
    /// Writes `bytes` to standard output.
    /// - Throws: `LedgerError.io` when the output cannot take them.
    static func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try writeAll($0, to: 1, name: "standard output") }
    }

    /// Writes the UTF-8 of `text` to standard output (a report: megabytes, not copied first).
    static func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try writeAll(UnsafeRawBufferPointer($0), to: 1, name: "standard output") }
    }

    /// Writes `text` and a line feed to standard output.
    static func writeLine(_ text: String) throws {
        try write(Array((text + "\n").utf8))
    }

    /// Writes `text` and a line feed to standard error; errors there are ignored (nowhere left to report them).
    static func writeError(_ text: String) {
        var line = text + "\n"
        try? line.withUTF8 { try writeAll(UnsafeRawBufferPointer($0), to: 2, name: "standard error") }
    }

    /// Writes `bytes` as the file at `path` (created owner-only, or cut to nothing first).
    /// - Throws: `LedgerError.io` with the operating system's reason (permission denied said as such).
    static func writeFile(_ path: String, _ text: String) throws {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LedgerError.io(SystemError(operation: "open", path: path, code: errno)) }
        defer { Glibc.close(fd) }
        var text = text
        try text.withUTF8 { try writeAll(UnsafeRawBufferPointer($0), to: fd, name: path) }
        guard fsync(fd) == 0 else { throw LedgerError.io(SystemError(operation: "fsync", path: path, code: errno)) }
    }

    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32, name: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw LedgerError.io(SystemError(operation: "write", path: name, code: written == 0 ? EIO : errno)) }
            offset += written
        }
    }

    /// Reads all of standard input, at most `limit` bytes.
    static func readInput(limit: Int) throws -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress!, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw LedgerError.io(SystemError(operation: "read", path: "standard input", code: errno)) }
            if got == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<got])
            if bytes.count > limit { return nil }
        }
    }
}

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

    /// Writes `bytes` to standard output, without copying them first.
    static func write(_ bytes: UnsafeRawBufferPointer) throws {
        try writeAll(bytes, to: 1, name: "standard output")
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

    /// Writes `text` as the file at `path`: a new file of its own (owner-only, `O_EXCL`, never
    /// through a link) in the same directory, flushed, then renamed over `path`. Whatever stood
    /// at `path` (a link, dangling or not; a file with other names or another mode) is replaced,
    /// never written through.
    /// - Throws: `LedgerError.io` with the operating system's reason (permission denied said as such).
    /// - Parameter outside: a directory (its device and inode) the file must not be in, at any
    ///   depth: judged on the directory opened for the write, whatever path led there (a link
    ///   swapped meanwhile, a bind mount), and refused with `inside`.
    static func writeFile(_ path: String, _ text: String, outside: stat? = nil, inside: (any Error)? = nil) throws {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty, name != ".", name != ".." else {
            throw LedgerError.io(SystemError(operation: "open", path: path, code: EISDIR))
        }
        // Opened for its name only (O_PATH): a directory one may write to but not list will do.
        let directory = Glibc.open(folder, openPath | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw LedgerError.io(SystemError(operation: "open", path: folder, code: errno)) }
        defer { Glibc.close(directory) }
        if let outside, isWithin(directory, outside) { throw inside ?? LedgerError.io(SystemError(operation: "open", path: path, code: EPERM)) }
        var temporary = ""
        var fd: Int32 = -1
        while fd < 0 {
            temporary = "." + name + ".tmp-" + String(UInt64.random(in: 0 ... .max), radix: 16)
            fd = openat(directory, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 || errno == EEXIST else { throw LedgerError.io(SystemError(operation: "open", path: path, code: errno)) }
        }
        do {
            defer { Glibc.close(fd) }
            var text = text
            try text.withUTF8 { try writeAll(UnsafeRawBufferPointer($0), to: fd, name: path) }
            guard fsync(fd) == 0 else { throw LedgerError.io(SystemError(operation: "fsync", path: path, code: errno)) }
            guard renameat(directory, temporary, directory, name) == 0 else {
                throw LedgerError.io(SystemError(operation: "rename", path: path, code: errno))
            }
        } catch {
            unlinkat(directory, temporary, 0)
            throw error
        }
    }

    /// Linux's `O_PATH` (not exported to Swift by Glibc's module).
    private static let openPath: Int32 = 0o10000000

    /// True when the directory open at `fd` is `target` or lies under it, going up through `..`.
    private static func isWithin(_ fd: Int32, _ target: stat) -> Bool {
        var current = dup(fd)
        guard current >= 0 else { return false }
        defer { Glibc.close(current) }
        var info = stat()
        for _ in 0..<4096 { // bounded: a path has fewer levels
            guard fstat(current, &info) == 0 else { return false }
            if info.st_dev == target.st_dev && info.st_ino == target.st_ino { return true }
            let parent = openat(current, "..", openPath | O_DIRECTORY | O_CLOEXEC)
            guard parent >= 0 else { return false }
            var above = stat()
            guard fstat(parent, &above) == 0, above.st_dev != info.st_dev || above.st_ino != info.st_ino else {
                Glibc.close(parent)
                return false // the root
            }
            Glibc.close(current)
            current = parent
        }
        return false
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

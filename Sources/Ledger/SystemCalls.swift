#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `flock(2)`: in Swift the name alone means the `struct flock` of `fcntl`, so it is bound here by its C symbol.
@_silgen_name("flock")
private func cFlock(_ fd: Int32, _ operation: Int32) -> Int32

/// `getrandom(2)`, bound by its C symbol (glibc 2.25 and later).
@_silgen_name("getrandom")
private func cGetrandom(_ buffer: UnsafeMutableRawPointer?, _ count: Int, _ flags: UInt32) -> Int

/// A failed system call: which call, on which path, and the `errno` it returned.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call that failed, such as `fsync` or `open`.
    public let operation: String
    /// The file it was about.
    public let path: String
    /// The `errno` value.
    public let code: Int32
    /// Set when the ledger itself refused the file (a symbolic link, a second hard link, not a
    /// regular file): what is wrong with it and what to do, said instead of `strerror`.
    public let refusal: String?

    /// Creates the error of `operation` on `path` that failed with `code`.
    public init(operation: String, path: String, code: Int32) {
        self.init(operation: operation, path: path, code: code, refusal: nil)
    }

    /// Creates the error for a file that the ledger refuses to use, saying why.
    init(operation: String, path: String, code: Int32, refusal: String?) {
        self.operation = operation
        self.path = path
        self.code = code
        self.refusal = refusal
    }

    public var description: String {
        if let refusal { return "\(path) \(refusal)" }
        return "\(operation) \(path): \(String(cString: strerror(code)))"
    }

    /// True when the error is "no space left on device" or "disk quota exceeded".
    public var isNoSpace: Bool { code == ENOSPC || code == EDQUOT }
}

/// The system calls of the ledger, in one place so that tests can inject faults.
///
/// Every member returns the C result (`-1` on failure) and leaves `errno` set, as the call would.
/// Files are named relative to a directory descriptor (`openat` and friends), so that a path
/// swapped for a link after the directory was opened is never followed. `FileDescriptor`
/// retries `EINTR` and loops over short writes above this layer, so an injected `EINTR` or short
/// write must be survived, and any other injected error must be reported.
public struct SystemCalls: Sendable {
    public var open: @Sendable (_ directory: Int32, _ path: String, _ flags: Int32, _ mode: mode_t) -> Int32
    public var close: @Sendable (_ fd: Int32) -> Int32
    public var pread: @Sendable (_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int, _ offset: off_t) -> Int
    /// `read(2)`: for an import's input when it is a pipe.
    public var read: @Sendable (_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int
    public var write: @Sendable (_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int
    public var pwrite: @Sendable (_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int, _ offset: off_t) -> Int
    public var fsync: @Sendable (_ fd: Int32) -> Int32
    public var ftruncate: @Sendable (_ fd: Int32, _ length: off_t) -> Int32
    public var rename: @Sendable (_ directory: Int32, _ from: String, _ toDirectory: Int32, _ to: String) -> Int32
    public var unlink: @Sendable (_ directory: Int32, _ path: String, _ flags: Int32) -> Int32
    public var mkdir: @Sendable (_ directory: Int32, _ path: String, _ mode: mode_t) -> Int32
    public var flock: @Sendable (_ fd: Int32, _ operation: Int32) -> Int32
    /// `fstatat`: the status of `path` in `directory` (with `AT_SYMLINK_NOFOLLOW`, of a link itself).
    public var status: @Sendable (_ directory: Int32, _ path: String, _ info: UnsafeMutablePointer<stat>, _ flags: Int32) -> Int32
    /// `fstat`: the status of an open file.
    public var fileStatus: @Sendable (_ fd: Int32, _ info: UnsafeMutablePointer<stat>) -> Int32
    /// Fills a buffer with random bytes from the kernel (`getrandom`).
    public var randomBytes: @Sendable (_ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int
    /// The names in an open directory, `.` and `..` left out (`dup`, `fdopendir`, `readdir`);
    /// nil, with `errno` set, on failure.
    public var directoryEntries: @Sendable (_ fd: Int32) -> [String]?
    /// `lseek`: for an import's input, where reading starts.
    public var seek: @Sendable (_ fd: Int32, _ offset: off_t, _ whence: Int32) -> off_t
    /// `geteuid`: the account the process writes as.
    public var effectiveUserID: @Sendable () -> uid_t
    /// The login name of an account (`getpwuid`), nil when it has none.
    public var userName: @Sendable (_ uid: uid_t) -> String?

    /// The real calls.
    public static let live = SystemCalls(
        open: { directory, path, flags, mode in Glibc.openat(directory, path, flags, mode) },
        close: { Glibc.close($0) },
        pread: { Glibc.pread($0, $1, $2, $3) },
        read: { Glibc.read($0, $1, $2) },
        write: { Glibc.write($0, $1, $2) },
        pwrite: { Glibc.pwrite($0, $1, $2, $3) },
        fsync: { Glibc.fsync($0) },
        ftruncate: { Glibc.ftruncate($0, $1) },
        rename: { Glibc.renameat($0, $1, $2, $3) },
        unlink: { Glibc.unlinkat($0, $1, $2) },
        mkdir: { Glibc.mkdirat($0, $1, $2) },
        flock: { fd, operation in cFlock(fd, operation) },
        status: { Glibc.fstatat($0, $1, $2, $3) },
        fileStatus: { Glibc.fstat($0, $1) },
        randomBytes: { cGetrandom($0, $1, 0) },
        directoryEntries: { fd in
            let copy = Glibc.dup(fd) // closedir closes the descriptor it is given
            guard copy >= 0 else { return nil }
            guard let stream = fdopendir(copy) else {
                let code = errno
                Glibc.close(copy)
                errno = code
                return nil
            }
            defer { closedir(stream) }
            rewinddir(stream)
            var names: [String] = []
            while let entry = readdir(stream) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name != "." && name != ".." { names.append(name) }
            }
            return names
        },
        seek: { Glibc.lseek($0, $1, $2) },
        effectiveUserID: { Glibc.geteuid() },
        userName: { uid in
            guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return nil }
            return String(cString: name)
        }
    )

    /// Runs `call` until it stops failing with `EINTR`; the one place where `EINTR` is retried.
    @inline(__always)
    static func retryingInterrupts<Result: BinaryInteger>(_ call: () -> Result) -> Result {
        while true {
            let result = call()
            if result == -1 && errno == EINTR { continue }
            return result
        }
    }

    /// `count` random bytes from the kernel.
    func random(count: Int) throws(SystemError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { raw in
                SystemCalls.retryingInterrupts { randomBytes(raw.baseAddress! + filled, count - filled) }
            }
            guard got > 0 else { throw SystemError(operation: "getrandom", path: "(the kernel's random source)", code: got == 0 ? EIO : errno) }
            filled += got
        }
        return bytes
    }
}

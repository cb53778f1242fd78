#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `flock(2)`: in Swift the name alone means the `struct flock` of `fcntl`, so it is bound here by its C symbol.
@_silgen_name("flock")
private func cFlock(_ fd: Int32, _ operation: Int32) -> Int32

/// A failed system call: which call, on which path, and the `errno` it returned.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call that failed, such as `fsync` or `open`.
    public let operation: String
    /// The file it was about.
    public let path: String
    /// The `errno` value.
    public let code: Int32

    /// Creates the error of `operation` on `path` that failed with `code`.
    public init(operation: String, path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    public var description: String {
        "\(operation) \(path): \(String(cString: strerror(code)))"
    }

    /// True when the error is "no space left on device" or "disk quota exceeded".
    public var isNoSpace: Bool { code == ENOSPC || code == EDQUOT }
}

/// The system calls of the write path, in one place so that tests can inject faults.
///
/// Every member returns the C result (`-1` on failure) and leaves `errno` set, as the call would.
/// `FileDescriptor` retries `EINTR` and loops over short writes above this layer, so an injected
/// `EINTR` or short write must be survived, and any other injected error must be reported.
public struct SystemCalls: Sendable {
    public var open: @Sendable (_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32
    public var close: @Sendable (_ fd: Int32) -> Int32
    public var pread: @Sendable (_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int, _ offset: off_t) -> Int
    public var write: @Sendable (_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int
    public var pwrite: @Sendable (_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int, _ offset: off_t) -> Int
    public var fsync: @Sendable (_ fd: Int32) -> Int32
    public var ftruncate: @Sendable (_ fd: Int32, _ length: off_t) -> Int32
    public var rename: @Sendable (_ from: String, _ to: String) -> Int32
    public var unlink: @Sendable (_ path: String) -> Int32
    public var mkdir: @Sendable (_ path: String, _ mode: mode_t) -> Int32
    public var flock: @Sendable (_ fd: Int32, _ operation: Int32) -> Int32

    /// The real calls.
    public static let live = SystemCalls(
        open: { path, flags, mode in Glibc.open(path, flags, mode) },
        close: { Glibc.close($0) },
        pread: { Glibc.pread($0, $1, $2, $3) },
        write: { Glibc.write($0, $1, $2) },
        pwrite: { Glibc.pwrite($0, $1, $2, $3) },
        fsync: { Glibc.fsync($0) },
        ftruncate: { Glibc.ftruncate($0, $1) },
        rename: { Glibc.rename($0, $1) },
        unlink: { Glibc.unlink($0) },
        mkdir: { Glibc.mkdir($0, $1) },
        flock: { fd, operation in cFlock(fd, operation) }
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
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file, owned: it is closed exactly once, by `close()` or when the owner goes away.
///
/// All I/O goes through `SystemCalls`, retries `EINTR`, and loops over short writes.
final class FileDescriptor {
    let path: String
    let system: SystemCalls
    private(set) var rawValue: Int32

    deinit {
        if rawValue >= 0 { _ = system.close(rawValue) }
    }

    /// Takes ownership of `rawValue`, an open descriptor of `path`.
    init(adopting rawValue: Int32, path: String, system: SystemCalls) {
        self.rawValue = rawValue
        self.path = path
        self.system = system
    }

    /// Closes the descriptor; an error from `close` is reported, and the descriptor is gone either way.
    func close() throws(SystemError) {
        guard rawValue >= 0 else { return }
        let fd = rawValue
        rawValue = -1
        if system.close(fd) != 0, errno != EINTR {
            throw SystemError(operation: "close", path: path, code: errno)
        }
    }

    /// The file's status (`fstat`).
    func status() throws(SystemError) -> stat {
        var info = stat()
        guard system.fileStatus(rawValue, &info) == 0 else { throw SystemError(operation: "fstat", path: path, code: errno) }
        return info
    }

    /// The file's size in bytes.
    func size() throws(SystemError) -> Int64 {
        Int64(try status().st_size)
    }

    /// Writes all of `bytes` at the current position (or the end, with `O_APPEND`), looping over short writes.
    func writeAll(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let written = SystemCalls.retryingInterrupts {
                system.write(rawValue, bytes.baseAddress! + offset, bytes.count - offset)
            }
            guard written > 0 else {
                throw SystemError(operation: "write", path: path, code: written == 0 ? EIO : errno)
            }
            offset += written
        }
    }

    /// Writes all of `bytes`, looping over short writes.
    func writeAll(_ bytes: [UInt8]) throws(SystemError) {
        let failure: SystemError? = bytes.withUnsafeBytes { buffer in
            do throws(SystemError) { try writeAll(buffer) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// Writes all of `bytes` at `offset`, looping over short writes; the position does not move.
    func writeAll(_ bytes: [UInt8], at offset: Int64) throws(SystemError) {
        let failure: SystemError? = bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let written = SystemCalls.retryingInterrupts {
                    system.pwrite(rawValue, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
                }
                guard written > 0 else {
                    return SystemError(operation: "write", path: path, code: written == 0 ? EIO : errno)
                }
                done += written
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// Reads up to `count` bytes at `offset`; fewer only at the end of the file.
    func read(count: Int, at offset: Int64) throws(SystemError) -> [UInt8] {
        var failure: SystemError?
        let out = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(SystemError) {
                initialized = try read(into: UnsafeMutableRawBufferPointer(buffer), at: offset)
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return out
    }

    /// Fills `buffer` from `offset` as far as the file goes; returns how many bytes were read.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(SystemError) -> Int {
        var done = 0
        while done < buffer.count {
            let got = SystemCalls.retryingInterrupts {
                system.pread(rawValue, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            }
            guard got >= 0 else { throw SystemError(operation: "read", path: path, code: errno) }
            if got == 0 { break }
            done += got
        }
        return done
    }

    /// Flushes the file's data and metadata to stable storage. A failure is final: the caller
    /// must not retry and trust the data (Linux may have dropped the dirty pages).
    func synchronize() throws(SystemError) {
        guard SystemCalls.retryingInterrupts({ system.fsync(rawValue) }) == 0 else {
            throw SystemError(operation: "fsync", path: path, code: errno)
        }
    }

    /// Cuts the file to `length` bytes.
    func truncate(to length: Int64) throws(SystemError) {
        guard SystemCalls.retryingInterrupts({ system.ftruncate(rawValue, off_t(length)) }) == 0 else {
            throw SystemError(operation: "ftruncate", path: path, code: errno)
        }
    }
}

extension FileDescriptor {
    /// Copies `count` bytes from `offset` of `source` to the end of this file, a megabyte at a
    /// time, so that a copy of any size takes the same memory.
    func append(_ count: Int64, bytesOf source: FileDescriptor, from offset: Int64) throws(SystemError) {
        var buffer = [UInt8](repeating: 0, count: Int(min(count, 1 << 20)))
        var done: Int64 = 0
        while done < count {
            let want = Int(min(count - done, Int64(buffer.count)))
            let failure: SystemError? = buffer.withUnsafeMutableBytes { raw in
                do throws(SystemError) {
                    let got = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[..<want]), at: offset + done)
                    guard got == want else { return SystemError(operation: "read", path: source.path, code: EIO) }
                    try writeAll(UnsafeRawBufferPointer(rebasing: raw[..<want]))
                } catch {
                    return error
                }
                return nil
            }
            if let failure { throw failure }
            done += Int64(want)
        }
    }
}

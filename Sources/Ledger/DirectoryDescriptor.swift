#if canImport(Glibc)
import Glibc
#endif

/// An open directory of the ledger, through which every file in it is opened, created, renamed
/// and removed (`openat` and friends), never by path.
///
/// Someone who can write in the directory may plant links in it. So files are opened with
/// `O_NOFOLLOW` (a symbolic link is refused, naming it), new files are created with
/// `O_CREAT|O_EXCL` under unpredictable names and renamed into place, a file that must be the
/// ledger's alone (a segment, the personal-data store) is refused when it has a second hard
/// link, and anything that is not a regular file is refused. The directory itself may be
/// reached through links the user chose; once open, a rename of its path changes nothing.
final class DirectoryDescriptor: @unchecked Sendable { // immutable after init; the descriptor is closed once, in deinit
    /// The directory's path, for messages.
    let path: String
    let system: SystemCalls
    let rawValue: Int32
    /// The directory's status when it was opened (its owner, device and inode).
    let info: stat

    private init(rawValue: Int32, path: String, info: stat, system: SystemCalls) {
        self.rawValue = rawValue
        self.path = path
        self.info = info
        self.system = system
    }

    deinit {
        _ = system.close(rawValue)
    }

    /// Opens the directory at `path` (relative to the working directory, or absolute).
    /// - Throws: `SystemError` from `open` (`ENOENT`, `ENOTDIR`, `EACCES`, ...).
    static func open(_ path: String, system: SystemCalls) throws(SystemError) -> DirectoryDescriptor {
        try open(path, in: AT_FDCWD, displayPath: path, flags: 0, system: system)
    }

    private static func open(_ name: String, in parent: Int32, displayPath: String, flags: Int32, system: SystemCalls) throws(SystemError) -> DirectoryDescriptor {
        let fd = SystemCalls.retryingInterrupts { system.open(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | flags, 0) }
        guard fd >= 0 else { throw SystemError(operation: "open", path: displayPath, code: errno) }
        var info = stat()
        guard system.fileStatus(fd, &info) == 0 else {
            let code = errno
            _ = system.close(fd)
            throw SystemError(operation: "fstat", path: displayPath, code: code)
        }
        return DirectoryDescriptor(rawValue: fd, path: displayPath, info: info, system: system)
    }

    /// A new descriptor of the same directory (a new open file description: a `flock` on it is
    /// its own, and goes when it is closed).
    func reopened() throws(SystemError) -> DirectoryDescriptor {
        try DirectoryDescriptor.open(".", in: rawValue, displayPath: path, flags: 0, system: system)
    }

    /// The user id of the directory's owner.
    var owner: uid_t { info.st_uid }

    /// The path of `name` in this directory, for messages.
    func path(of name: String) -> String {
        path + "/" + name
    }

    // MARK: - Subdirectories

    /// Opens the subdirectory `name`, making it (mode 0700, fsync'd into this one) when asked.
    /// - Returns: nil when it does not exist and `creating` is false.
    /// - Throws: a refusal when `name` is a symbolic link or not a directory.
    func subdirectory(_ name: String, creating: Bool) throws(SystemError) -> DirectoryDescriptor? {
        if creating {
            if SystemCalls.retryingInterrupts({ system.mkdir(rawValue, name, 0o700) }) == 0 {
                try synchronize()
            } else if errno != EEXIST {
                throw SystemError(operation: "mkdir", path: path(of: name), code: errno)
            }
        }
        do throws(SystemError) {
            return try DirectoryDescriptor.open(name, in: rawValue, displayPath: path(of: name), flags: O_NOFOLLOW, system: system)
        } catch {
            if error.code == ENOENT && !creating { return nil }
            if error.code == ELOOP || error.code == ENOTDIR { throw refusal(of: name, error) }
            throw error
        }
    }

    // MARK: - Files

    /// Opens the regular file `name` in this directory, never through a symbolic link.
    /// - Parameters:
    ///   - flags: `open` flags; `O_NOFOLLOW`, `O_CLOEXEC` and `O_NONBLOCK` (a planted FIFO must not hang a reader) are added.
    ///   - mode: the mode of a file that `O_CREAT` makes.
    ///   - soleLink: refuse the file when it has another hard link (a name elsewhere that would change with it).
    /// - Throws: a refusal naming the file when it is a link or not a regular file; `SystemError` otherwise.
    func open(_ name: String, _ flags: Int32, mode: mode_t = 0o600, soleLink: Bool = false) throws(SystemError) -> FileDescriptor {
        guard let file = try open(name, flags, mode: mode, soleLink: soleLink, missingIsNil: false) else {
            throw SystemError(operation: "open", path: path(of: name), code: ENOENT)
        }
        return file
    }

    /// `open(_:_:)`, or nil when the file does not exist.
    func openIfExists(_ name: String, _ flags: Int32 = O_RDONLY, soleLink: Bool = false) throws(SystemError) -> FileDescriptor? {
        try open(name, flags, mode: 0o600, soleLink: soleLink, missingIsNil: true)
    }

    private func open(_ name: String, _ flags: Int32, mode: mode_t, soleLink: Bool, missingIsNil: Bool) throws(SystemError) -> FileDescriptor? {
        let fd = SystemCalls.retryingInterrupts { system.open(rawValue, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, mode) }
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT && missingIsNil { return nil }
            if code == ELOOP || code == ENXIO { throw refusal(of: name, SystemError(operation: "open", path: path(of: name), code: code)) }
            throw SystemError(operation: "open", path: path(of: name), code: code)
        }
        let file = FileDescriptor(adopting: fd, path: path(of: name), system: system)
        let info = try file.status()
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw SystemError(operation: "open", path: file.path, code: EINVAL,
                              refusal: "is not a regular file; the ledger keeps only regular files in its directory: move it away")
        }
        if soleLink && info.st_nlink > 1 {
            throw SystemError(operation: "open", path: file.path, code: EMLINK,
                              refusal: "has \(info.st_nlink) hard links; another name for it would change with the ledger: "
                                  + "give it a copy of its own (cp -p FILE FILE.new && mv FILE.new FILE) after checking the other names")
        }
        return file
    }

    /// Creates a new, empty file (mode 0600) for writing, under a name that starts with `stem`
    /// and ends in random letters, with `O_EXCL`: no planted file or link can stand in for it.
    /// - Returns: the file and its name, to be renamed into place or removed.
    func createUnique(_ stem: String) throws(SystemError) -> (name: String, file: FileDescriptor) {
        while true {
            let random = try system.random(count: DirectoryDescriptor.uniqueBytes)
            let name = stem + DirectoryDescriptor.uniqueMark + random.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
            let fd = SystemCalls.retryingInterrupts { system.open(rawValue, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600) }
            if fd >= 0 { return (name, FileDescriptor(adopting: fd, path: path(of: name), system: system)) }
            guard errno == EEXIST else { throw SystemError(operation: "open", path: path(of: name), code: errno) }
        }
    }

    private static let uniqueMark = ".tmp-"
    private static let uniqueBytes = 8

    /// True when `name` has the form `createUnique(stem)` gives its files: `stem`, `.tmp-`
    /// and 16 lowercase hexadecimal digits. Nothing else is taken for a file the ledger left.
    static func isUnique(_ name: String, of stem: String) -> Bool {
        let prefix = stem + uniqueMark
        guard name.hasPrefix(prefix) else { return false }
        let rest = name.utf8.dropFirst(prefix.utf8.count)
        return rest.count == 2 * uniqueBytes && rest.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Writes `bytes` as the file `name`, atomically: a new file of its own, fsync, rename over
    /// `name`, fsync of this directory. A crash leaves the old file or the new one.
    func replaceAtomically(_ name: String, with bytes: [UInt8]) throws(SystemError) {
        try replaceAtomically(name, with: [bytes])
    }

    /// `replaceAtomically(_:with:)` of the bytes of `pieces` one after another.
    func replaceAtomically(_ name: String, with pieces: [[UInt8]]) throws(SystemError) {
        let (temporary, file) = try createUnique(name)
        do throws(SystemError) {
            for piece in pieces { try file.writeAll(piece) }
            try file.synchronize()
            try file.close()
            try rename(temporary, to: name)
        } catch {
            _ = try? remove(temporary) // keep the first error
            throw error
        }
        try synchronize()
    }

    /// Renames `from` to `to` within this directory (replacing `to`, a link included, never its target).
    func rename(_ from: String, to: String) throws(SystemError) {
        guard SystemCalls.retryingInterrupts({ system.rename(rawValue, from, rawValue, to) }) == 0 else {
            throw SystemError(operation: "rename", path: path(of: from), code: errno)
        }
    }

    /// Removes the entry `name` (a link is removed, never its target).
    /// - Returns: false when there was none.
    @discardableResult
    func remove(_ name: String) throws(SystemError) -> Bool {
        guard SystemCalls.retryingInterrupts({ system.unlink(rawValue, name, 0) }) == 0 else {
            if errno == ENOENT { return false }
            throw SystemError(operation: "unlink", path: path(of: name), code: errno)
        }
        return true
    }

    /// The status of the entry `name` itself (a link is not followed), or nil when there is none.
    func status(of name: String) throws(SystemError) -> stat? {
        var info = stat()
        guard system.status(rawValue, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno == ENOENT { return nil }
            throw SystemError(operation: "stat", path: path(of: name), code: errno)
        }
        return info
    }

    /// Flushes the directory's entries (a created, renamed or removed file) to stable storage.
    func synchronize() throws(SystemError) {
        guard SystemCalls.retryingInterrupts({ system.fsync(rawValue) }) == 0 else {
            throw SystemError(operation: "fsync", path: path, code: errno)
        }
    }

    /// The names in the directory, without `.` and `..`.
    func entries() throws(SystemError) -> [String] {
        guard let names = system.directoryEntries(rawValue) else {
            throw SystemError(operation: "opendir", path: path, code: errno)
        }
        return names
    }

    /// The refusal for `name`, which is a symbolic link or not what it should be.
    private func refusal(of name: String, _ error: SystemError) -> SystemError {
        let isLink = (try? status(of: name)).flatMap { $0 }.map { $0.st_mode & S_IFMT == S_IFLNK } ?? false
        let what = isLink ? "is a symbolic link; the ledger never follows links in its directory: remove the link (and put the real file there, if it was moved)"
                          : "is not what the ledger keeps there (a regular file, or the directory it makes): move it away"
        return SystemError(operation: error.operation, path: path(of: name), code: error.code, refusal: what)
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension Ledger {
    /// What `backup` did.
    public struct BackupResult: Sendable {
        /// The head the copy ends at (the committed end when the backup began).
        public let head: Checkpoint
        /// How many bytes of segments were copied this time (a second run copies only what is new).
        public let segmentBytesCopied: Int64
        /// How many segment files were written to.
        public let segmentsWritten: Int
        /// Where the checkpoint of the copy's head was written.
        public let checkpointPath: String
    }

    /// The name of the checkpoint a backup writes in its directory.
    public static let backupCheckpointName = "backup-checkpoint.txt"

    /// Copies the ledger to `destination`, a directory of its own, while writers go on.
    ///
    /// Under the writers' lock, for a moment, it takes the committed end (seq E, and where its
    /// line ends), the segments' sizes, and a copy of `personal.jsonl` and `ledger.json`; then,
    /// without the lock, it appends to the copy's segments the bytes it lacks up to E (segments
    /// only ever grow), cuts the copied personal data after E, flushes every file and the
    /// directory to disk, checks the whole copy (`verify`, whose head must be E with the same
    /// SHA-256), and writes a checkpoint of that head in the copy. The index and `quarantine/`
    /// are not copied. A copy that is not a prefix of this ledger (another ledger's, or one of
    /// a history rewritten since) is refused, not overwritten.
    /// - Throws: `LedgerError` (busy, I/O, not the owner of `destination`, damage).
    public func backup(to destination: String) throws(LedgerError) -> BackupResult {
        // A destination inside the ledger's directory is refused: `forget` rewrites only the
        // ledger's own files, and a copy of the personal data under DIR would keep the data of
        // people forgotten since.
        if directory.contains(destination) {
            throw .invalidArgument("\(destination) is the ledger's directory or inside it; back it up to a directory outside it")
        }
        // The destination: made (0700) when missing, and refused if it is this ledger or another's.
        _ = try? Ledger.makeDirectories(destination, system: system)
        let target = try LedgerDirectory(path: destination, system: system)
        try target.requireOwnedByCaller()
        let sourceInfo = directory.files.info, targetInfo = target.files.info
        guard sourceInfo.st_dev != targetInfo.st_dev || sourceInfo.st_ino != targetInfo.st_ino else {
            throw .invalidArgument("\(destination) is the ledger itself; back it up to another directory")
        }
        let configuration = try io { () throws(SystemError) in try Ledger.contents(of: try directory.files.open("ledger.json", O_RDONLY)) }
        if let existing = try io({ () throws(SystemError) in try target.files.openIfExists("ledger.json") }) {
            guard try io({ () throws(SystemError) in try Ledger.contents(of: existing) }) == configuration else {
                throw .invalidArgument("\(destination) holds another ledger (its ledger.json differs); back up to a new directory")
            }
        }

        // A moment under the lock: where the ledger ends, and its personal data at that end.
        let log = EventLog(directory: directory, system: system)
        let snapshot: (end: Int64, sizes: [(segment: LedgerDirectory.Segment, size: Int64)])
        let personalCopy: String // DEST's personal data as it stood at that end, under a temporary name
        do {
            let lock = try WriterLock.acquire(directory.files, timeout: lockTimeout)
            defer { lock.release() }
            let end = try log.committedEnd()
            var sizes: [(segment: LedgerDirectory.Segment, size: Int64)] = []
            for segment in try directory.segments() where segment.firstSeq <= end {
                let file = try io { () throws(SystemError) in try directory.files.open(segment.name, O_RDONLY) }
                sizes.append((segment, try io { () throws(SystemError) in try file.size() }))
            }
            // The last segment ends after line E (a torn tail past it is not part of the ledger).
            if let last = sizes.last {
                let file = try io { () throws(SystemError) in try directory.files.open(last.segment.name, O_RDONLY) }
                sizes[sizes.count - 1].size = try Ledger.offset(after: end, in: file, size: last.size)
            }
            personalCopy = try io { () throws(SystemError) in
                let (temporary, copy) = try target.files.createUnique(PersonalDataStore.fileName)
                do throws(SystemError) {
                    if let personal = try directory.files.openIfExists(PersonalDataStore.fileName) {
                        try copy.append(try personal.size(), bytesOf: personal, from: 0)
                    }
                    try copy.synchronize()
                } catch {
                    _ = try? target.files.remove(temporary)
                    throw error
                }
                return temporary
            }
            snapshot = (end, sizes)
        }

        // Nothing in DEST is replaced before this ledger's chain is known to check, and every
        // segment DEST holds to be a prefix of this ledger's: a refused backup leaves DEST's
        // personal data, and all else, as it was.
        var haves: [Int64] = []
        do throws(LedgerError) {
            if let damage = try Verifier(path: directory.path).verify().damage { throw damage }
            let wanted = Set(snapshot.sizes.map(\.segment.name))
            if let stray = try target.segments().first(where: { !wanted.contains($0.name) }) {
                throw .invalidArgument("\(destination)/\(stray.name) is not a segment of this ledger up to seq \(snapshot.end): "
                                       + "\(destination) is not a backup of it, or the ledger was rewritten; back up to a new directory")
            }
            for (segment, size) in snapshot.sizes {
                guard let copy = try io({ () throws(SystemError) in try target.files.openIfExists(segment.name, soleLink: true) }) else {
                    haves.append(0)
                    continue
                }
                let source = try io { () throws(SystemError) in try directory.files.open(segment.name, O_RDONLY) }
                let have = try io { () throws(SystemError) in try copy.size() }
                guard have <= size, try Ledger.samePrefix(copy, source, length: have) else {
                    throw .invalidArgument("\(destination)/\(segment.name) is not a prefix of this ledger's: \(destination) is not a backup of it, "
                                           + "or the ledger was rewritten; back up to a new directory")
                }
                haves.append(have)
            }
            try io { () throws(SystemError) in try target.files.rename(personalCopy, to: PersonalDataStore.fileName) }
        } catch {
            _ = try? target.files.remove(personalCopy)
            throw error
        }

        // The segments: only the bytes the copy lacks, each file flushed.
        var copied: Int64 = 0
        var written = 0
        for ((segment, size), have) in zip(snapshot.sizes, haves) {
            guard have < size else { continue }
            let source = try io { () throws(SystemError) in try directory.files.open(segment.name, O_RDONLY) }
            let copy = try io { () throws(SystemError) in try target.files.open(segment.name, O_RDWR | O_APPEND | O_CREAT, soleLink: true) }
            guard try io({ () throws(SystemError) in try copy.size() }) == have else {
                throw .invalidArgument("\(destination)/\(segment.name) changed while it was backed up to; run the backup again")
            }
            try io { () throws(SystemError) in
                try copy.append(size - have, bytesOf: source, from: have)
                try copy.synchronize()
            }
            copied += size - have
            written += 1
        }
        try io { () throws(SystemError) in
            if try target.files.status(of: "ledger.json") == nil { try target.files.replaceAtomically("ledger.json", with: configuration) }
            if try target.files.status(of: WriterLock.fileName) == nil { try target.files.open(WriterLock.fileName, O_RDWR | O_CREAT).close() }
            try target.files.synchronize()
        }
        _ = try PersonalDataStore(directory: target).trim(after: snapshot.end)
        // Copies of the personal data an interrupted backup left in DEST would keep people
        // forgotten since: removed, as `forget` removes them from the ledger.
        _ = try PersonalDataStore(directory: target).removeLeftovers()

        // The whole copy checked, and its head kept beside it.
        let report = try Verifier(path: target.path).verify()
        if let damage = report.damage { throw damage }
        guard report.head.seq == snapshot.end else {
            throw .damaged(file: target.path, line: 0, reason: "the copy ends at seq \(report.head.seq), not at the ledger's seq \(snapshot.end)")
        }
        try io { () throws(SystemError) in try target.files.replaceAtomically(Ledger.backupCheckpointName, with: Array(report.head.description.utf8)) }
        return BackupResult(head: report.head, segmentBytesCopied: copied, segmentsWritten: written,
                            checkpointPath: target.path + "/" + Ledger.backupCheckpointName)
    }

    /// The offset just after the line of `seq` in `file` (a segment of `size` bytes): its
    /// complete end when the last line is that seq, else found by reading the lines.
    static func offset(after seq: Int64, in file: FileDescriptor, size: Int64) throws(LedgerError) -> Int64 {
        let end = try LineReader.completeEnd(of: file, size: size)
        if let (_, line) = try LineReader.lastLine(in: file, end: end), EventLog.seqPrefix(of: line) == seq {
            return end
        }
        guard let (offset, line) = try LineReader.line(withSeq: seq, in: file) else {
            throw .damaged(file: file.path, line: 0, reason: "has no line of seq \(seq)")
        }
        return offset + Int64(line.count) + 1
    }

    /// The bytes of a small file (`ledger.json`).
    static func contents(of file: FileDescriptor) throws(SystemError) -> [UInt8] {
        try file.read(count: Int(try file.size()), at: 0)
    }

    /// True when the first `length` bytes of `a` and `b` are the same (read a megabyte at a time).
    static func samePrefix(_ a: FileDescriptor, _ b: FileDescriptor, length: Int64) throws(LedgerError) -> Bool {
        var offset: Int64 = 0
        while offset < length {
            let count = Int(min(length - offset, 1 << 20))
            let (left, right) = try io { () throws(SystemError) in (try a.read(count: count, at: offset), try b.read(count: count, at: offset)) }
            guard left.count == count, left == right else { return false }
            offset += Int64(count)
        }
        return true
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// A fold's state saved in `DIR/index/NAME.state` at a line of the ledger, so that a later
/// replay reads only the events after that line.
///
/// Derived data: safe to delete, rebuilt by the next replay from the first event. It is used
/// only when its checksum holds, it was saved by the same layout of the same fold, and the line
/// it was saved at is still in its place and still hashes the same: since every line is chained
/// into the next, a rewrite of an earlier line that keeps the chain whole changes that line's
/// hash. A change that leaves the chain broken before that line is not seen by a replay that
/// starts after it: `verify` reads every line.
///
/// The file: `ledger-fold-state` and a line feed, the layout version (4 bytes), the position
/// (see `Position`), the state's length (8 bytes) and bytes, and a 64-bit checksum of everything
/// before it; integers little-endian.
public struct SavedState: Sendable {
    /// Where a replay stands: the last line folded, and what the replay's stamp said so far.
    public struct Position: Sendable, Equatable {
        /// The last line folded: its seq and SHA-256.
        public var seq: Int64
        public var hash: SHA256.Digest
        /// Where it is: its segment file, line number there, start offset and length (without the line feed).
        public var segment: String
        public var line: Int
        public var offset: Int64
        public var length: Int
        /// The replay's first seq and how many events it passed on.
        public var firstSeq: Int64
        public var eventsIncluded: Int64

        /// The place reading goes on from: just after the line feed of the last line folded.
        var next: (segment: String, offset: Int64, line: Int) {
            (segment, offset + Int64(length) + 1, line + 1)
        }
    }

    /// Where the state stands.
    public let position: Position
    /// The file's bytes, and where the fold's own encoding of its state lies in them.
    private let file: StateBytes
    private let body: Range<Int>

    /// A reader of the fold's own encoding of its state (no copy of it is made).
    public var state: StateDecoder { StateDecoder(storage: file, from: body.lowerBound, to: body.upperBound, countLimit: position.seq) }

    static let magic = Array("ledger-fold-state\n".utf8)

    /// The file name of the state named `name` in `DIR/index/`.
    static func fileName(_ name: String) -> String {
        name + ".state"
    }

    /// Reads the state named `name` saved with layout `version`, or nil when there is none or it
    /// cannot be trusted (checksum, layout, or the line it was saved at is not the same).
    public static func load(_ name: String, version: UInt32, log: EventLog) -> SavedState? {
        guard let index = try? log.directory.files.subdirectory(LedgerIndex.directoryName, creating: false),
              let file = try? index.openIfExists(fileName(name)),
              let size = try? file.size(), size > Int64(magic.count + 12), size < 1 << 34,
              // Mapped; read into memory where the file cannot be mapped (a memory limit, a file system without mmap).
              let bytes = StateBytes(mapping: file, count: Int(size))
                ?? (try? file.read(count: Int(size), at: 0)).flatMap({ $0.count == Int(size) ? StateBytes($0) : nil }) else { return nil }
        try? file.close() // the mapping stays
        var decoder = StateDecoder(storage: bytes, from: 0, to: Int(size))
        do throws(StateDecoder.Malformed) {
            guard try decoder.bytes(count: magic.count).elementsEqual(magic), try decoder.uint32() == version else { return nil }
            let checked = Int(size) - 8
            var tail = StateDecoder(storage: bytes, from: checked, to: Int(size))
            guard try tail.uint64() == Checksum.of(bytes: UnsafeRawBufferPointer(rebasing: bytes.buffer[..<checked])) else { return nil }
            let position = Position(seq: try decoder.int64(), hash: try decoder.digest(), segment: try decoder.string(), line: Int(try decoder.int64()),
                                    offset: try decoder.int64(), length: Int(try decoder.int64()), firstSeq: try decoder.int64(),
                                    eventsIncluded: try decoder.int64())
            guard position.seq >= 1, position.line >= 1, position.line < Int(Int32.max), position.offset >= 0,
                  position.offset < 1 << 48, position.length >= 0,
                  position.length <= LineReader.maximumLineBytes, position.firstSeq >= 0, position.firstSeq <= position.seq,
                  position.eventsIncluded >= 0, position.eventsIncluded <= position.seq else { return nil }
            let count = try decoder.int64()
            guard count >= 0, count <= checked - decoder.offset else { return nil }
            let start = decoder.offset
            _ = try decoder.bytes(count: Int(count))
            guard decoder.offset == checked, isInPlace(position, log: log) else { return nil }
            return SavedState(position: position, file: bytes, body: start..<checked)
        } catch {
            return nil
        }
    }

    /// Saves `body` as the state named `name` at `position`, replacing the previous one at once
    /// (a new file renamed over it). Best effort: a reader without write access, or a full disk,
    /// only means the next replay starts from the first event again.
    /// - Returns: whether the state was saved.
    @discardableResult
    public static func save(_ name: String, version: UInt32, body: [UInt8], at position: Position, log: EventLog) -> Bool {
        save(name, version: version, at: position, log: log) { $0.append(body) }
    }

    /// Saves the state `writeBody` writes, as `save(_:version:body:at:log:)` does: written straight
    /// into the file's bytes, so that a large state is never held twice.
    @discardableResult
    public static func save(_ name: String, version: UInt32, at position: Position, log: EventLog,
                            body writeBody: (inout StateEncoder) -> Void) -> Bool {
        var encoder = StateEncoder()
        encoder.append(magic)
        encoder.write(version)
        encoder.write(position.seq)
        encoder.write(position.hash)
        encoder.write(position.segment)
        encoder.write(Int64(position.line))
        encoder.write(position.offset)
        encoder.write(Int64(position.length))
        encoder.write(position.firstSeq)
        encoder.write(position.eventsIncluded)
        let lengthAt = encoder.count
        encoder.write(Int64(0))
        writeBody(&encoder)
        encoder.patch(Int64(encoder.count - lengthAt - 8), at: lengthAt)
        encoder.write(Checksum.of(pieces: encoder.pieces))
        // Only the directory's owner writes in it: another account's file would block the owner's writers.
        guard (try? log.directory.requireOwnedByCaller()) != nil,
              let index = try? log.directory.files.subdirectory(LedgerIndex.directoryName, creating: true) else { return false }
        return (try? index.replaceAtomically(fileName(name), with: encoder.pieces)) != nil
    }

    /// True when the line at `position` is still there, whole and the same, and part of the
    /// ledger, whose first segment is still there: a state would otherwise report the events of a
    /// segment removed or emptied since (every other reader names that damage).
    static func isInPlace(_ position: Position, log: EventLog) -> Bool {
        guard let segments = try? log.directory.segments(), let first = segments.first, first.firstSeq == 1,
              let firstFile = try? log.directory.files.openIfExists(first.name), let firstSize = try? firstFile.size(), firstSize > 0,
              let end = try? log.committedEnd(), end >= position.seq,
              let file = try? log.directory.files.openIfExists(position.segment),
              let bytes = try? file.read(count: position.length + 1, at: position.offset) else { return false }
        try? file.close()
        guard bytes.count == position.length + 1, bytes.last == 0x0A else { return false }
        let line = bytes.dropLast()
        return EventLog.seqPrefix(of: line) == position.seq && SHA256.hash(line) == position.hash
    }

    /// A 64-bit checksum (FNV-1a over 8-byte words): catches a damaged or half-written file, not forgery.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        Checksum.of(bytes: bytes)
    }
}

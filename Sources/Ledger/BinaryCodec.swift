#if canImport(Glibc)
import Glibc
#endif

// The one binary codec of the ledger's derived files (the index, saved fold states, an import's
// scratch files): integers little-endian, strings as a length and UTF-8. The words of the index
// are read and written in place with the two primitives below; a fold's state goes through
// `StateEncoder` and `StateDecoder`, which are built on the same layout.

extension Array where Element == UInt8 {
    func littleEndianUInt64(at offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for k in 0..<8 { value |= UInt64(self[offset + k]) << (8 * UInt64(k)) }
        return value
    }

    mutating func appendLittleEndian(_ value: UInt64) {
        for k in 0..<8 { append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(k)))) }
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// True when the bytes of `key` lie here from `offset` on (compared with `memcmp`: the hot
    /// paths of reading compare names this way, not through a generic `elementsEqual`).
    func hasBytes(_ key: UnsafeBufferPointer<UInt8>, at offset: Int = 0) -> Bool {
        guard offset >= 0, offset <= count, key.count <= count - offset else { return false }
        return key.isEmpty || memcmp(baseAddress! + offset, key.baseAddress!, key.count) == 0
    }

    /// `hasBytes(_:at:)` of an array's bytes.
    func hasBytes(_ key: [UInt8], at offset: Int = 0) -> Bool {
        key.withUnsafeBufferPointer { hasBytes($0, at: offset) }
    }
}

/// Writes a fold's state as bytes: integers little-endian, strings as a length and UTF-8.
///
/// The bytes are kept in pieces of `pieceSize` (all full but the last), never in one array: an
/// array that grows by doubling holds its old and new storage at once, and a state of tens of
/// megabytes would then take three times its size at the moment the report peaks.
public struct StateEncoder: Sendable {
    /// The bytes so far, in pieces; every piece but the last holds exactly `pieceSize` bytes.
    private(set) var pieces: [[UInt8]] = [[]]
    /// How many bytes are written.
    public private(set) var count = 0
    /// The size of a piece: a multiple of 8, so that `Checksum` reads whole words in every piece but the last.
    static let pieceSize = 1 << 20

    public init() {}

    /// All the bytes, in one array.
    public var bytes: [UInt8] { pieces.count == 1 ? pieces[0] : Array(pieces.joined()) }

    mutating func append(_ raw: [UInt8]) { raw.withUnsafeBytes { append($0) } }

    /// Appends `raw`, starting a new piece whenever one is full.
    mutating func append(_ raw: UnsafeRawBufferPointer) {
        var raw = raw
        while !raw.isEmpty {
            if pieces[pieces.count - 1].count == Self.pieceSize {
                pieces.append([])
                pieces[pieces.count - 1].reserveCapacity(Self.pieceSize)
            }
            let room = Self.pieceSize - pieces[pieces.count - 1].count
            let taken = min(room, raw.count)
            pieces[pieces.count - 1].append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[..<taken]))
            raw = UnsafeRawBufferPointer(rebasing: raw[taken...])
            count += taken
        }
    }

    /// Writes `value` over the 8 bytes at `offset` (a length known only once what follows is written).
    mutating func patch(_ value: Int64, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for k in 0..<8 { pieces[(offset + k) / Self.pieceSize][(offset + k) % Self.pieceSize] = raw[k] }
        }
    }

    public mutating func write(_ value: Int64) { withUnsafeBytes(of: value.littleEndian) { append($0) } }
    public mutating func write(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { append($0) } }
    public mutating func write(_ value: Int32) { withUnsafeBytes(of: value.littleEndian) { append($0) } }
    public mutating func write(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { append($0) } }
    public mutating func write(_ value: UInt8) { withUnsafeBytes(of: value) { append($0) } }
    public mutating func write(_ value: Bool) { write(UInt8(value ? 1 : 0)) }
    public mutating func write(_ value: Double) { write(value.bitPattern) }
    public mutating func write(_ value: Timestamp) { write(value.millisecondsSinceEpoch) }
    public mutating func write(_ value: SHA256.Digest) {
        write(value.high)
        write(value.second)
        write(value.third)
        write(value.low)
    }

    public mutating func write(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            write(Int64(utf8.count))
            append(UnsafeRawBufferPointer(utf8))
        }
    }

    /// An optional: a flag, then the value when there is one.
    public mutating func write<Value>(_ value: Value?, _ writeValue: (inout StateEncoder, Value) -> Void) {
        write(value != nil)
        if let value { writeValue(&self, value) }
    }

    /// An array of plain values as they lie in memory: the element size, the count, the bytes.
    /// Read back only by the same build (`StateDecoder.plainArray` checks the element size;
    /// a fold's state version names the layout).
    public mutating func writePlain<Element: BitwiseCopyable>(_ elements: [Element]) {
        write(Int64(MemoryLayout<Element>.stride))
        write(Int64(elements.count))
        elements.withUnsafeBytes { append($0) }
    }

    /// An array: its count, then each element.
    public mutating func write<Element>(_ elements: [Element], _ writeElement: (inout StateEncoder, Element) -> Void) {
        write(Int64(elements.count))
        for element in elements { writeElement(&self, element) }
    }
}

/// Bytes a `StateDecoder` reads, kept alive while any decoder reads them: a copy of an array,
/// or a file mapped into memory (read-only, private), unmapped when the last reader goes.
public final class StateBytes: @unchecked Sendable { // immutable after init
    @usableFromInline let buffer: UnsafeRawBufferPointer
    private let isMapped: Bool

    /// A copy of `bytes`.
    public init(_ bytes: [UInt8]) {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bytes.count), alignment: 16)
        bytes.withUnsafeBytes { memory.copyMemory(from: $0) }
        buffer = UnsafeRawBufferPointer(rebasing: memory[..<bytes.count])
        isMapped = false
    }

    /// The first `count` bytes of `file`, mapped. Files are replaced by rename, never rewritten
    /// in place, so the mapping sees one whole file; nil when the file cannot be mapped.
    init?(mapping file: FileDescriptor, count: Int) {
        guard count > 0 else { return nil }
        let memory = mmap(nil, count, PROT_READ, MAP_PRIVATE, file.rawValue, 0)
        guard let memory, memory != MAP_FAILED else { return nil }
        buffer = UnsafeRawBufferPointer(start: memory, count: count)
        isMapped = true
    }

    deinit {
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: buffer.baseAddress), buffer.count)
        } else {
            buffer.baseAddress.map { UnsafeMutableRawPointer(mutating: $0).deallocate() }
        }
    }
}

/// Reads a fold's state as `StateEncoder` wrote it; every read is bounds-checked and throws
/// `Malformed` past the end.
public struct StateDecoder: Sendable {
    @usableFromInline let storage: StateBytes
    /// Where the next read starts, and where reading must end.
    @usableFromInline var position = 0
    @usableFromInline let end: Int
    /// The most a count read with `count()` may be: a saved state's seq, since no count of events,
    /// or of what they made, can pass the number of events folded.
    public let countLimit: Int64
    /// Where the next read starts.
    public var offset: Int { position }

    /// The bytes end early or hold something impossible.
    public struct Malformed: Error, Sendable {
        public init() {}
    }

    /// Reads a copy of `bytes`.
    public init(bytes: [UInt8], countLimit: Int64 = 1 << 40) {
        self.init(storage: StateBytes(bytes), from: 0, to: bytes.count, countLimit: countLimit)
    }

    /// Reads `storage`'s bytes from `start` to `end` (shared, not copied).
    public init(storage: StateBytes, from start: Int, to end: Int, countLimit: Int64 = 1 << 40) {
        precondition(0 <= start && start <= end && end <= storage.buffer.count) // invariant: callers pass a range of the bytes
        self.storage = storage
        self.position = start
        self.end = end
        self.countLimit = countLimit
    }

    /// True when every byte has been read.
    public var isAtEnd: Bool { position == end }

    /// The next `count` bytes (valid while `storage` lives).
    @usableFromInline
    mutating func bytes(count: Int) throws(Malformed) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= end - position else { throw Malformed() }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: storage.buffer[position..<(position + count)])
    }

    @inlinable
    mutating func load<T: FixedWidthInteger>(_ type: T.Type) throws(Malformed) -> T {
        let size = MemoryLayout<T>.size
        guard size <= end - position else { throw Malformed() }
        let value = storage.buffer.loadUnaligned(fromByteOffset: position, as: T.self)
        position += size
        return T(littleEndian: value)
    }

    @inlinable public mutating func int64() throws(Malformed) -> Int64 { try load(Int64.self) }
    @inlinable public mutating func uint64() throws(Malformed) -> UInt64 { try load(UInt64.self) }
    @inlinable public mutating func int32() throws(Malformed) -> Int32 { try load(Int32.self) }
    @inlinable public mutating func uint32() throws(Malformed) -> UInt32 { try load(UInt32.self) }
    @inlinable public mutating func uint8() throws(Malformed) -> UInt8 { try load(UInt8.self) }
    @inlinable public mutating func bool() throws(Malformed) -> Bool {
        switch try uint8() {
        case 0: return false
        case 1: return true
        default: throw Malformed()
        }
    }
    @inlinable public mutating func double() throws(Malformed) -> Double { Double(bitPattern: try uint64()) }
    /// An instant of the years the ledger reads and writes (0001-9999), give or take the two
    /// days a local deadline's offset can move it past either end.
    @inlinable public mutating func timestamp() throws(Malformed) -> Timestamp {
        let milliseconds = try int64()
        let twoDays: Int64 = 2 * 86_400_000
        guard milliseconds >= Timestamp.earliest.millisecondsSinceEpoch - twoDays,
              milliseconds <= Timestamp.latest.millisecondsSinceEpoch + twoDays else { throw Malformed() }
        return Timestamp(millisecondsSinceEpoch: milliseconds)
    }

    /// A count (or a seq) from 0 to `countLimit`.
    @inlinable public mutating func count() throws(Malformed) -> Int64 {
        let value = try int64()
        guard value >= 0, value <= countLimit else { throw Malformed() }
        return value
    }

    /// A span of milliseconds between two instants of the ledger's years, either way.
    @inlinable public mutating func span() throws(Malformed) -> Int64 {
        let value = try int64()
        let widest = Timestamp.latest.millisecondsSinceEpoch - Timestamp.earliest.millisecondsSinceEpoch
        guard value >= -widest, value <= widest else { throw Malformed() }
        return value
    }
    public mutating func digest() throws(Malformed) -> SHA256.Digest {
        SHA256.Digest(high: try uint64(), second: try uint64(), third: try uint64(), low: try uint64())
    }

    @inlinable public mutating func string() throws(Malformed) -> String {
        let count = try int64()
        guard count >= 0, count <= Int64(end - position) else { throw Malformed() }
        let raw = try bytes(count: Int(count))
        // Decoded, not validated: the checksum has caught damage, and a forged byte only changes a name.
        return String(decoding: raw, as: UTF8.self)
    }

    /// An optional written by `StateEncoder.write(_:_:)`.
    @inlinable public mutating func optional<Value>(_ readValue: (inout StateDecoder) throws(Malformed) -> Value) throws(Malformed) -> Value? {
        try bool() ? try readValue(&self) : nil
    }

    /// An array written by `StateEncoder.writePlain(_:)`.
    @inlinable public mutating func plainArray<Element: BitwiseCopyable>(of type: Element.Type) throws(Malformed) -> [Element] {
        let stride = MemoryLayout<Element>.stride
        guard try int64() == Int64(stride) else { throw Malformed() }
        let count = try int64()
        guard count >= 0, count <= Int64(end - position) / Int64(stride) else { throw Malformed() }
        let raw = try bytes(count: Int(count) * stride)
        return [Element](unsafeUninitializedCapacity: Int(count)) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
            initialized = Int(count)
        }
    }

    /// An array written by `StateEncoder.write(_:_:)`; each element takes at least one byte.
    @inlinable public mutating func array<Element>(_ readElement: (inout StateDecoder) throws(Malformed) -> Element) throws(Malformed) -> [Element] {
        let count = try int64()
        guard count >= 0, count <= Int64(end - position) else { throw Malformed() }
        var elements: [Element] = []
        elements.reserveCapacity(Int(count))
        for _ in 0..<count { elements.append(try readElement(&self)) }
        return elements
    }
}

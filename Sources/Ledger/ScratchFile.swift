#if canImport(Glibc)
import Glibc
#endif

/// A temporary file for a writer's own use (an import's checked events, a copy of a piped
/// input): created under an unpredictable name with `O_EXCL` in the ledger's `index/`
/// directory and removed from it at once, so that it holds nothing after the process ends,
/// however it ends. Appends are gathered a megabyte at a time; reads see what is gathered too.
final class ScratchFile {
    let file: FileDescriptor
    private var pending: [UInt8] = []
    private var written: Int64 = 0
    static let gatherBytes = 1 << 20

    /// Every byte appended so far.
    var size: Int64 { written + Int64(pending.count) }

    init(in directory: DirectoryDescriptor, stem: String) throws(SystemError) {
        let (name, file) = try directory.createUnique(stem)
        self.file = file
        _ = try directory.remove(name)
        pending.reserveCapacity(ScratchFile.gatherBytes)
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        pending.append(contentsOf: bytes)
        if pending.count >= ScratchFile.gatherBytes { try flush() }
    }

    func append(_ bytes: [UInt8]) throws(SystemError) {
        pending.append(contentsOf: bytes)
        if pending.count >= ScratchFile.gatherBytes { try flush() }
    }

    func appendLittleEndian(_ value: UInt64) throws(SystemError) {
        pending.appendLittleEndian(value)
        if pending.count >= ScratchFile.gatherBytes { try flush() }
    }

    /// Writes what is gathered to the file.
    func flush() throws(SystemError) {
        guard !pending.isEmpty else { return }
        try file.writeAll(pending, at: written)
        written += Int64(pending.count)
        pending.removeAll(keepingCapacity: true)
    }

    /// Fills `buffer` from `offset`, as far as the bytes appended go; returns how many were read.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(SystemError) -> Int {
        if offset + Int64(buffer.count) > written { try flush() }
        return try file.read(into: buffer, at: offset)
    }

    /// Up to `count` bytes from `offset`.
    func read(count: Int, at offset: Int64) throws(SystemError) -> [UInt8] {
        if offset + Int64(count) > written { try flush() }
        return try file.read(count: count, at: offset)
    }
}

/// The events an import accepted, in the order they will be written, kept on disk between the
/// import's two passes (check everything, then write everything), so that memory does not grow
/// with the import. Event `k` (from 0) is a line of `records`; `offsets` holds where each line
/// starts. A line holds the number of the input line the event came from, then the event's
/// members as the JSON text they are written with, apart by U+001F (which compact JSON text
/// never holds unescaped): type, id, `occurred_at`, actor, participant, personal data, data; a
/// member not given is empty. The second pass copies that text into the stored lines rather
/// than parse and write the data again.
final class ImportSpool {
    private let records: ScratchFile
    private let offsets: ScratchFile
    private(set) var count: Int64 = 0
    private static let separator: UInt8 = 0x1F
    private static let fieldCount = 8

    init(in directory: DirectoryDescriptor) throws(SystemError) {
        records = try ScratchFile(in: directory, stem: "import-events")
        offsets = try ScratchFile(in: directory, stem: "import-offsets")
    }

    /// An accepted event, read back.
    struct Event {
        var type: String
        var id: String
        var occurredAt: String?
        var actor: String?
        var publicData: JSON
        var personalData: JSON?
        var participant: String?
    }

    /// A spooled line's members as JSON text (`Field` order), valid while the line is.
    struct Fields {
        enum Field: Int { case type = 1, id, occurredAt, actor, participant, personalData, publicData }
        fileprivate var line: UnsafeBufferPointer<UInt8>
        fileprivate var ranges: [Range<Int>]
        /// The number of the input line the event came from.
        let inputLine: Int

        /// The member's JSON text; empty when it was not given.
        subscript(field: Field) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: line[ranges[field.rawValue]]) }

        func has(_ field: Field) -> Bool { !ranges[field.rawValue].isEmpty }
    }

    /// Appends `event`, given `id`, read from line `inputLine` of the input.
    func append(_ event: ValidatedEvent, id: String, inputLine: Int) throws(SystemError) {
        try offsets.appendLittleEndian(UInt64(records.size))
        var line: [UInt8] = []
        line.reserveCapacity(event.publicDataText.count + (event.personalDataText?.count ?? 0) + 128)
        line.append(contentsOf: String(inputLine).utf8)
        line.append(ImportSpool.separator)
        func string(_ value: String?) {
            if let value { JSON.writeString(value, to: &line) }
            line.append(ImportSpool.separator)
        }
        string(event.type)
        string(id)
        string(event.occurredAt)
        string(event.actor)
        string(event.personalDataText == nil ? nil : event.participant)
        if let personal = event.personalDataText, event.participant != nil { line.append(contentsOf: personal) }
        line.append(ImportSpool.separator)
        line.append(contentsOf: event.publicDataText)
        line.append(0x0A)
        try records.append(line)
        count += 1
    }

    /// Event `k`, read back.
    func event(_ k: Int64) throws(LedgerError) -> Event {
        try io { () throws(SystemError) -> Event in
            let start = try offsets.read(count: 8, at: k * 8).littleEndianUInt64(at: 0)
            let end = k + 1 < count ? try offsets.read(count: 8, at: (k + 1) * 8).littleEndianUInt64(at: 0) : UInt64(records.size)
            let line = try records.read(count: Int(end - start) - 1, at: Int64(start))
            return try line.withUnsafeBufferPointer { bytes throws(SystemError) in try event(fields(of: bytes)) }
        }
    }

    /// Calls `body` with each event's members in order, while it returns true.
    func forEach(_ body: (_ k: Int64, _ fields: Fields) throws(LedgerError) -> Bool) throws(LedgerError) {
        try io { () throws(SystemError) in try records.flush() }
        var k: Int64 = 0
        try LineReader.forEachLine(in: records.file) { _, line throws(LedgerError) in
            let fields: Fields
            do throws(SystemError) { fields = try self.fields(of: line) } catch { throw .io(error) }
            guard try body(k, fields) else { return false }
            k += 1
            return true
        }
    }

    private func damaged() -> SystemError {
        SystemError(operation: "read", path: records.file.path, code: EIO)
    }

    private func fields(of line: UnsafeBufferPointer<UInt8>) throws(SystemError) -> Fields {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(ImportSpool.fieldCount)
        var start = 0
        for k in 0..<line.count where line[k] == ImportSpool.separator && ranges.count < ImportSpool.fieldCount - 1 {
            ranges.append(start..<k)
            start = k + 1
        }
        ranges.append(start..<line.count)
        guard ranges.count == ImportSpool.fieldCount,
              let inputLine = Int(String(decoding: UnsafeBufferPointer(rebasing: line[ranges[0]]), as: UTF8.self)) else { throw damaged() }
        return Fields(line: line, ranges: ranges, inputLine: inputLine)
    }

    /// The event whose members `fields` holds, parsed.
    func event(_ fields: Fields) throws(SystemError) -> Event {
        func json(_ field: Fields.Field) throws(SystemError) -> JSON? {
            guard fields.has(field) else { return nil }
            guard let value = try? JSONParser.parse(fields[field]) else { throw damaged() }
            return value
        }
        func string(_ field: Fields.Field) throws(SystemError) -> String? {
            guard let value = try json(field) else { return nil }
            guard let string = value.stringValue else { throw damaged() }
            return string
        }
        guard let type = try string(.type), let id = try string(.id), let data = try json(.publicData) else { throw damaged() }
        return Event(type: type, id: id, occurredAt: try string(.occurredAt), actor: try string(.actor), publicData: data,
                     personalData: try json(.personalData), participant: try string(.participant))
    }
}

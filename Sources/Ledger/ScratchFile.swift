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
/// with the import. Event `k` (from 0) is a JSON object on a line of `records`; `offsets` holds
/// where each line starts.
final class ImportSpool {
    private let records: ScratchFile
    private let offsets: ScratchFile
    private(set) var count: Int64 = 0

    init(in directory: DirectoryDescriptor) throws(SystemError) {
        records = try ScratchFile(in: directory, stem: "import-events")
        offsets = try ScratchFile(in: directory, stem: "import-offsets")
    }

    /// An accepted event as the spool keeps it.
    struct Event {
        var type: String
        var id: String
        var occurredAt: String?
        var actor: String?
        var publicData: JSON
        var personalData: JSON?
        var participant: String?

        var json: JSON {
            var members: [(key: String, value: JSON)] = [("type", .string(type)), ("id", .string(id))]
            if let occurredAt { members.append(("occurred_at", .string(occurredAt))) }
            if let actor { members.append(("actor", .string(actor))) }
            members.append(("data", publicData))
            if let personalData, let participant {
                members.append(("personal", personalData))
                members.append(("participant", .string(participant)))
            }
            return .object(members)
        }

        init(_ event: ValidatedEvent, id: String) {
            type = event.type
            self.id = id
            occurredAt = event.occurredAt
            actor = event.actor
            publicData = event.publicData
            personalData = event.personalData
            participant = event.participant
        }

        init?(json: JSON) {
            guard let type = json["type"]?.stringValue, let id = json["id"]?.stringValue, let data = json["data"] else { return nil }
            self.type = type
            self.id = id
            occurredAt = json["occurred_at"]?.stringValue
            actor = json["actor"]?.stringValue
            publicData = data
            personalData = json["personal"]
            participant = json["participant"]?.stringValue
        }
    }

    func append(_ event: Event) throws(SystemError) {
        try offsets.appendLittleEndian(UInt64(records.size))
        var line: [UInt8] = []
        event.json.write(to: &line)
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
            return try ImportSpool.decode(line[...], path: records.file.path)
        }
    }

    /// Calls `body` with each event in order, while it returns true.
    func forEach(_ body: (_ k: Int64, _ event: Event) throws(LedgerError) -> Bool) throws(LedgerError) {
        try io { () throws(SystemError) in try records.flush() }
        var k: Int64 = 0
        try LineReader.forEachLine(in: records.file) { _, line throws(LedgerError) in
            let event: Event
            do throws(SystemError) { event = try ImportSpool.decode(line, path: records.file.path) } catch { throw .io(error) }
            guard try body(k, event) else { return false }
            k += 1
            return true
        }
    }

    private static func decode(_ line: some Collection<UInt8>, path: String) throws(SystemError) -> Event {
        guard let json = try? JSONParser.parse(line), let event = Event(json: json) else {
            throw SystemError(operation: "read", path: path, code: EIO)
        }
        return event
    }
}

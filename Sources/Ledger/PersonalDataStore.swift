#if canImport(Glibc)
import Glibc
#endif

/// Names, e-mails, phones and handles, kept apart from the events so that they can be erased.
///
/// `personal.jsonl` holds one record per event that carried personal fields, in seq order:
/// `{"seq":12,"participant":"p-0042","data":{"email":"...","name":"..."}}`. It is created
/// owner-only (mode 0600). `forget` rewrites it without the person's records.
public struct PersonalDataStore: Sendable {
    /// The store's file.
    public let path: String
    /// The ledger's directory, through which the store is opened.
    let files: DirectoryDescriptor
    /// The store's name in the ledger's directory.
    static let fileName = "personal.jsonl"

    /// A record: the personal fields one event carried.
    public struct Record: Sendable, Equatable {
        /// The event that carried them.
        public let seq: Int64
        /// Whose they are.
        public let participant: String
        /// The fields, as an object.
        public let data: JSON

        public init(seq: Int64, participant: String, data: JSON) {
            self.seq = seq
            self.participant = participant
            self.data = data
        }

        /// The name this record gives.
        public var name: Name { Name(seq: seq, participant: participant, name: data["name"]?.stringValue) }

        var line: [UInt8] {
            var out: [UInt8] = []
            Record.appendLine(seq: seq, to: &out) { out in JSON.writeString(participant, to: &out) } data: { out in data.write(to: &out) }
            return out
        }

        /// Appends the line of a record (without its line feed): `seq`, then `participant` and
        /// `data` as `participant` and `data` write their JSON text.
        static func appendLine(seq: Int64, to out: inout [UInt8], participant: (inout [UInt8]) -> Void, data: (inout [UInt8]) -> Void) {
            out.append(contentsOf: #"{"seq":"#.utf8)
            out.append(contentsOf: String(seq).utf8)
            out.append(contentsOf: #","participant":"#.utf8)
            participant(&out)
            out.append(contentsOf: #","data":"#.utf8)
            data(&out)
            out.append(UInt8(ascii: "}"))
        }

        init?(line: some Collection<UInt8>) {
            guard let json = try? JSONParser.parse(line), let seq = json["seq"]?.integerValue,
                  let participant = json["participant"]?.stringValue, let data = json["data"], data.objectMembers != nil else { return nil }
            self.init(seq: seq, participant: participant, data: data)
        }
    }

    /// The store of the ledger in `directory`.
    public init(directory: LedgerDirectory) {
        self.files = directory.files
        self.path = directory.personalPath
    }

    /// Appends `records` and flushes them to disk; called under the writers' lock, before the
    /// events that refer to them are written.
    /// - Returns: true when this call created the store.
    @discardableResult
    func append(_ records: [Record]) throws(SystemError) -> Bool {
        guard !records.isEmpty else { return false }
        var bytes: [UInt8] = []
        for record in records {
            bytes.append(contentsOf: record.line)
            bytes.append(0x0A)
        }
        let existed = try files.status(of: Self.fileName) != nil
        let file = try files.open(Self.fileName, O_WRONLY | O_APPEND | O_CREAT, soleLink: true)
        let before = try file.size()
        do {
            try file.writeAll(bytes)
            try file.synchronize()
        } catch {
            _ = try? file.truncate(to: before) // keep the first error; the next writer trims what is left
            throw error
        }
        try file.close()
        if !existed { try files.synchronize() }
        return !existed
    }

    /// Appends records for a writer a megabyte at a time, so that a batch of any size takes
    /// the same memory; `finish` makes them durable, `rollBack` cuts them off again.
    final class Appender {
        private let files: DirectoryDescriptor
        private var file: FileDescriptor?
        private var startSize: Int64 = 0
        private(set) var created = false
        private var pending: [UInt8] = []

        init(files: DirectoryDescriptor) {
            self.files = files
        }

        /// Gathers the record whose line (`Record.line`, without its line feed) is `line`.
        func add(line: [UInt8]) throws(SystemError) {
            pending.append(contentsOf: line)
            pending.append(0x0A)
            if pending.count >= ScratchFile.gatherBytes { try flush() }
        }

        private func flush() throws(SystemError) {
            guard !pending.isEmpty else { return }
            if file == nil {
                created = try files.status(of: PersonalDataStore.fileName) == nil
                let opened = try files.open(PersonalDataStore.fileName, O_WRONLY | O_APPEND | O_CREAT, soleLink: true)
                startSize = try opened.size()
                file = opened
            }
            try file!.writeAll(pending)
            pending.removeAll(keepingCapacity: true)
        }

        /// Writes what is gathered and flushes the store (and, when this made it, the directory) to disk.
        func finish() throws(SystemError) {
            try flush()
            guard let file else { return }
            try file.synchronize()
            if created { try files.synchronize() }
        }

        /// Cuts off what was appended, best effort: the next writer trims what is left.
        func rollBack() {
            guard let file else { return }
            if created {
                _ = try? files.remove(PersonalDataStore.fileName)
            } else {
                _ = try? file.truncate(to: startSize)
                _ = try? file.synchronize()
            }
        }
    }

    /// The record of the event `seq`, found by bisecting the store (its records are in seq order).
    func record(ofSeq seq: Int64) throws(LedgerError) -> Record? {
        guard let file = try io({ () throws(SystemError) in try files.openIfExists(Self.fileName) }) else { return nil }
        let size = try io { () throws(SystemError) in try file.size() }
        // The first line that starts at or after `offset`, with its start.
        func line(after offset: Int64) throws(LedgerError) -> (start: Int64, record: Record)? {
            var start = offset
            if offset > 0 {
                let before = try io { () throws(SystemError) in try file.read(count: 1, at: offset - 1) }
                if before != [0x0A] {
                    guard let rest = try LineReader.line(in: file, at: offset) else { return nil }
                    start = offset + Int64(rest.count) + 1
                }
            }
            guard start < size, let bytes = try LineReader.line(in: file, at: start) else { return nil }
            guard let record = Record(line: bytes) else {
                throw .damaged(file: path, line: 0, reason: "the record at byte \(start) is not a personal-data record")
            }
            return (start, record)
        }
        var low: Int64 = 0, high = size // the record, if any, starts in low..<high
        while high - low > 4096 {
            let middle = low + (high - low) / 2
            guard let found = try line(after: middle), found.start < high else { high = middle; continue }
            if found.record.seq == seq { return found.record }
            if found.record.seq < seq { low = found.start + 1 } else { high = middle }
        }
        var offset = low
        while let found = try line(after: offset), found.start < high {
            if found.record.seq == seq { return found.record }
            if found.record.seq > seq { return nil }
            offset = found.start + 1
        }
        return nil
    }

    /// How many records belong to events after `head` (the records `trim(after:)` would cut).
    func count(after head: Int64) throws(LedgerError) -> Int {
        guard let file = try io({ () throws(SystemError) in try files.openIfExists(Self.fileName) }) else { return 0 }
        let size = try io { () throws(SystemError) in try file.size() }
        return try Self.recordsAfter(head, in: file, size: size, path: path).count
    }

    /// Where the records of events after `head` start (they are at the end: records are
    /// written in seq order), and how many there are, reading back from the last line feed.
    private static func recordsAfter(_ head: Int64, in file: FileDescriptor, size: Int64, path: String) throws(LedgerError) -> (start: Int64, count: Int) {
        var end = try LineReader.completeEnd(of: file, size: size)
        var count = 0
        while let (start, line) = try LineReader.lastLine(in: file, end: end) {
            guard let record = Record(line: line) else {
                throw .damaged(file: path, line: 0, reason: "a record at byte \(start) is not readable")
            }
            guard record.seq > head else { break }
            end = start
            count += 1
        }
        return (end, count)
    }

    /// Cuts records of events after `head` (their events never reached the log) and any torn
    /// last line. They belong to appends that were never acknowledged, so they are dropped, not
    /// quarantined: keeping personal data that nothing refers to would defeat erasure.
    /// - Returns: how many bytes were cut.
    func trim(after head: Int64) throws(LedgerError) -> Int64 {
        guard let file = try io({ () throws(SystemError) in try files.openIfExists(Self.fileName, O_RDWR, soleLink: true) }) else { return 0 }
        let size = try io { () throws(SystemError) in try file.size() }
        let end = try Self.recordsAfter(head, in: file, size: size, path: path).start
        guard end < size else { return 0 }
        try io { () throws(SystemError) in
            try file.truncate(to: end)
            try file.synchronize()
        }
        return size - end
    }

    /// Every record, in order.
    public func records() throws(LedgerError) -> [Record] {
        try records(soleLink: false)
    }

    /// A name a record gave someone: what a report shows of the store.
    public struct Name: Sendable, Equatable {
        /// The event that carried it.
        public let seq: Int64
        /// Whose it is.
        public let participant: String
        /// The record's `name`, or nil when it has none (or one that is not text).
        public let name: String?
    }

    /// The names the records of `participants` give, in order: a report names a few people of
    /// many, and reads only their records. A line of someone else in the writer's whole form
    /// (`{"seq":N,"participant":"ID","data":{...}}`) is skipped unparsed; any other line is
    /// parsed (and refused when it is not a record), so a store rewritten by hand is still read
    /// right, and a line cut short or garbled around its data is refused wherever it is. (What
    /// lies inside another person's `data` is read only by the reports that name them.) A
    /// wanted line in the whole form is checked in full, but only its name is made.
    public func names(of participants: Set<String>) throws(LedgerError) -> [Name] {
        // IDs are compared byte for byte. Between ASCII strings that is string equality, so an
        // ASCII ID is looked up as a string (one of up to 15 bytes is made without allocating).
        let asciiWanted = participants.filter { Self.isASCII($0.utf8) }
        let otherWanted = Set(participants.filter { !Self.isASCII($0.utf8) }.map { Array($0.utf8) })
        return try read(soleLink: false, inHalves: true, where: { line in
            guard let id = Self.participantField(of: line) else { return true }
            let isWanted = Self.isASCII(id) ? asciiWanted.contains(String(decoding: UnsafeBufferPointer(rebasing: id), as: UTF8.self))
                : otherWanted.contains(Array(id))
            return isWanted || Self.wholeFormData(of: line, after: id) == nil // not in the whole form: parsed, to be refused with its line number when it is no record
        }, making: { line in
            if let name = Self.wholeFormName(of: line) { return name }
            return Record(line: line)?.name
        })
    }

    /// The `data` object of a line in the writer's whole form whose ID is `id`, braces included,
    /// or nil when the line is not in that form.
    static func wholeFormData(of line: UnsafeBufferPointer<UInt8>, after id: Slice<UnsafeBufferPointer<UInt8>>) -> Range<Int>? {
        let start = id.endIndex + 1 + dataKey.count - 1 // at the data's `{`
        guard line.count >= 2, line.hasBytes(dataKey, at: id.endIndex + 1),
              line[line.count - 1] == UInt8(ascii: "}"), line[line.count - 2] == UInt8(ascii: "}") else { return nil }
        return start..<(line.count - 1)
    }

    /// The name a line in the writer's whole form gives, read without building its data: nil
    /// when the line is in another form, or holds anything (escaped or repeated member names,
    /// a seq that is no plain integer) that the strict parser must judge.
    static func wholeFormName(of line: UnsafeBufferPointer<UInt8>) -> Name? {
        guard let id = participantField(of: line), let data = wholeFormData(of: line, after: id) else { return nil }
        // The seq: digits without a leading zero, few enough to be an Int64.
        let digits = line[seqKey.count...].prefix { (0x30...0x39).contains($0) }
        guard (1...18).contains(digits.count), digits.first != 0x30 || digits.count == 1 else { return nil }
        let seq = digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - 0x30) }
        let text = UnsafeBufferPointer(rebasing: line[data])
        guard let members = JSONParser.scanMembers(text, atDepth: 1) else { return nil }
        var name: String?
        for member in members where member.keyEnd - member.keyStart == nameKey.count && text.hasBytes(nameKey, at: member.keyStart) {
            guard let value = JSONParser.value(in: text, at: member.valueStart) else { return nil }
            name = value.stringValue
        }
        return Name(seq: seq, participant: String(decoding: UnsafeBufferPointer(rebasing: id), as: UTF8.self), name: name)
    }

    private static let dataKey = Array(#","data":{"#.utf8), nameKey = Array("name".utf8)

    private static func isASCII(_ bytes: some Sequence<UInt8>) -> Bool { bytes.allSatisfy { $0 < 0x80 } }

    /// The ID of a line in the writer's form, `{"seq":N,"participant":"ID",`, when it holds no escape.
    static func participantField(of line: UnsafeBufferPointer<UInt8>) -> Slice<UnsafeBufferPointer<UInt8>>? {
        guard line.hasBytes(seqKey) else { return nil }
        var k = seqKey.count
        while k < line.count, (0x30...0x39).contains(line[k]) { k += 1 }
        guard k > seqKey.count, line.hasBytes(participantKey, at: k) else { return nil }
        let start = k + participantKey.count
        guard let end = line[start...].firstIndex(where: { $0 == 0x22 || $0 == 0x5C }), line[end] == 0x22,
              end + 1 < line.count, line[end + 1] == 0x2C else { return nil }
        return line[start..<end]
    }

    /// How a line in the writer's form starts, and the name that follows its seq.
    private static let seqKey = Array(#"{"seq":"#.utf8), participantKey = Array(#","participant":""#.utf8)

    /// Every record, in order; with `soleLink`, refused when the store has another hard link.
    func records(soleLink: Bool) throws(LedgerError) -> [Record] {
        try read(soleLink: soleLink, where: { _ in true }, making: { Record(line: $0) })
    }

    /// What `making` makes of each line `isWanted` takes, in order; a line it turns down is
    /// skipped, unparsed, and one `making` makes nothing of is refused with its line number.
    /// With `soleLink`, refused when the store has another hard link. `inHalves` reads a large
    /// store's two halves at once, on two threads, with the same outcome.
    func read<Item: Sendable>(soleLink: Bool, inHalves: Bool = false, where isWanted: @escaping @Sendable (UnsafeBufferPointer<UInt8>) -> Bool,
                              making make: @escaping @Sendable (UnsafeBufferPointer<UInt8>) -> Item?) throws(LedgerError) -> [Item] {
        guard let file = try io({ () throws(SystemError) in try files.openIfExists(Self.fileName, soleLink: soleLink) }) else { return [] }
        let size = try io { () throws(SystemError) in try file.size() }
        let middle = size / 2
        guard inHalves, size >= Self.halvedSize else {
            let whole = read(Shared(file: file), from: 0, before: size, where: isWanted, making: make)
            if let failure = whole.failure { throw failure.error }
            return whole.items
        }
        // A line belongs to the half it starts in; the second half skips the end of the line
        // that runs into it (unless the middle starts a line).
        let startsLine = try io { () throws(SystemError) in try file.read(count: 1, at: middle - 1) } == [0x0A]
        let shared = Shared(file: file)
        let halves = Parallel.map([0, middle]) { from in
            read(shared, from: from, before: from == 0 ? middle : Int64.max, skippingFirst: from > 0 && !startsLine, where: isWanted, making: make)
        }
        // The first failure in the file is the one reported, numbered among all its lines.
        if let failure = halves[0].failure { throw failure.error }
        if let failure = halves[1].failure {
            guard case let .damaged(file, line, reason) = failure.error, failure.isNumbered else { throw failure.error }
            throw .damaged(file: file, line: halves[0].lines + line, reason: reason)
        }
        return halves[0].items + halves[1].items
    }

    /// From this size on, `read(soleLink:inHalves:where:making:)` reads a store in two halves.
    static let halvedSize: Int64 = 1 << 20

    /// The store's descriptor, read by two threads at once: each reads at offsets of its own
    /// (`pread`), and neither closes it.
    private struct Shared: @unchecked Sendable {
        let file: FileDescriptor
    }

    /// What reading part of the store found: its items, how many lines it read, and the
    /// error that stopped it (`isNumbered` when its line number counts from the part's start).
    private struct Part<Item: Sendable>: Sendable {
        var items: [Item] = []
        var lines = 0
        var failure: (error: LedgerError, isNumbered: Bool)?
    }

    /// The items of the lines that start at `from` or after and before `before`.
    private func read<Item>(_ shared: Shared, from: Int64, before: Int64, skippingFirst: Bool = false,
                            where isWanted: (UnsafeBufferPointer<UInt8>) -> Bool, making make: (UnsafeBufferPointer<UInt8>) -> Item?) -> Part<Item> {
        var part = Part<Item>()
        var skipping = skippingFirst
        do {
            try LineReader.forEachLine(in: shared.file, from: from) { offset, line throws(LedgerError) in
                if skipping {
                    skipping = false
                    return true
                }
                guard offset < before else { return false }
                part.lines += 1
                guard isWanted(line) else { return true }
                guard let item = make(line) else {
                    part.failure = (.damaged(file: path, line: part.lines, reason: "not a personal-data record"), true)
                    return false
                }
                part.items.append(item)
                return true
            }
        } catch {
            part.failure = (error, false)
        }
        return part
    }

    /// Rewrites the store without `participant`'s records, atomically.
    /// - Returns: how many records were removed.
    func erase(_ participant: String) throws(LedgerError) -> Int {
        // A second hard link would keep the old records after the rename: refused.
        let all = try records(soleLink: true)
        let kept = all.filter { $0.participant != participant }
        guard kept.count < all.count else { return 0 }
        var bytes: [UInt8] = []
        for record in kept {
            bytes.append(contentsOf: record.line)
            bytes.append(0x0A)
        }
        try io { () throws(SystemError) in try files.replaceAtomically(Self.fileName, with: bytes) }
        return all.count - kept.count
    }

    /// Removes temporary copies of the store left by a rewrite that died before its rename (they
    /// hold the personal data of people erased since): regular files under the names such a
    /// rewrite gives (`DirectoryDescriptor.isUnique`, or `personal.jsonl.tmp`, the name of the
    /// first versions). Any other entry, whatever its name, is not the ledger's to remove and
    /// is left alone.
    /// - Returns: how many were removed.
    func removeLeftovers() throws(LedgerError) -> Int {
        try io { () throws(SystemError) -> Int in
            var leftovers: [String] = []
            for name in try files.entries() where DirectoryDescriptor.isUnique(name, of: Self.fileName) || name == Self.fileName + ".tmp" {
                if let info = try files.status(of: name), info.st_mode & S_IFMT == S_IFREG { leftovers.append(name) }
            }
            for name in leftovers { try files.remove(name) }
            if !leftovers.isEmpty { try files.synchronize() }
            return leftovers.count
        }
    }
}

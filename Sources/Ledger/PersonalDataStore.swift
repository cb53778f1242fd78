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
    let system: SystemCalls

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

        var line: [UInt8] {
            var out: [UInt8] = []
            JSON.object([("seq", .integer(seq)), ("participant", .string(participant)), ("data", data)]).write(to: &out)
            return out
        }

        init?(line: some Collection<UInt8>) {
            guard let json = try? JSONParser.parse(line), let seq = json["seq"]?.integerValue,
                  let participant = json["participant"]?.stringValue, let data = json["data"], data.objectMembers != nil else { return nil }
            self.init(seq: seq, participant: participant, data: data)
        }
    }

    public init(path: String, system: SystemCalls = .live) {
        self.path = path
        self.system = system
    }

    /// Appends `records` and flushes them to disk; called under the writers' lock, before the
    /// events that refer to them are written.
    func append(_ records: [Record]) throws(SystemError) {
        guard !records.isEmpty else { return }
        var bytes: [UInt8] = []
        for record in records {
            bytes.append(contentsOf: record.line)
            bytes.append(0x0A)
        }
        let existed = access(path, F_OK) == 0
        let file = try FileDescriptor.open(path, O_WRONLY | O_APPEND | O_CREAT, mode: 0o600, system: system)
        let before = try file.size()
        do {
            try file.writeAll(bytes)
            try file.synchronize()
        } catch {
            _ = try? file.truncate(to: before) // keep the first error; the next writer trims what is left
            throw error
        }
        try file.close()
        if !existed { try FileDescriptor.synchronizeDirectory(FileDescriptor.parentDirectory(of: path), system: system) }
    }

    /// Cuts records of events after `head` (their events never reached the log) and any torn
    /// last line. They belong to appends that were never acknowledged, so they are dropped, not
    /// quarantined: keeping personal data that nothing refers to would defeat erasure.
    /// - Returns: how many bytes were cut.
    func trim(after head: Int64) throws(LedgerError) -> Int64 {
        guard let file = try wrap({ () throws(SystemError) in try FileDescriptor.openIfExists(path, O_RDWR, system: system) }) else { return 0 }
        let size = try wrap { () throws(SystemError) in try file.size() }
        var end = try LineReader.completeEnd(of: file, size: size)
        while end > 0 {
            let start = try LineReader.lastLineStart(in: file, end: end)
            guard let line = try LineReader.line(in: file, at: start), let record = Record(line: line) else {
                throw .damaged(file: path, line: 0, reason: "a record at byte \(start) is not readable")
            }
            guard record.seq > head else { break }
            end = start
        }
        guard end < size else { return 0 }
        try wrap { () throws(SystemError) in
            try file.truncate(to: end)
            try file.synchronize()
        }
        return size - end
    }

    /// Every record, in order.
    public func records() throws(LedgerError) -> [Record] {
        guard let file = try wrap({ () throws(SystemError) in try FileDescriptor.openIfExists(path, system: system) }) else { return [] }
        var records: [Record] = []
        var lineNumber = 0
        try LineReader.forEachLine(in: file) { _, line throws(LedgerError) in
            lineNumber += 1
            guard let record = Record(line: line) else {
                throw .damaged(file: path, line: lineNumber, reason: "not a personal-data record")
            }
            records.append(record)
            return true
        }
        return records
    }

    /// Rewrites the store without `participant`'s records, atomically.
    /// - Returns: how many records were removed.
    func erase(_ participant: String) throws(LedgerError) -> Int {
        let all = try records()
        let kept = all.filter { $0.participant != participant }
        guard kept.count < all.count else { return 0 }
        var bytes: [UInt8] = []
        for record in kept {
            bytes.append(contentsOf: record.line)
            bytes.append(0x0A)
        }
        try wrap { () throws(SystemError) in try FileDescriptor.replaceAtomically(path, with: bytes, system: system) }
        return all.count - kept.count
    }

    private func wrap<T>(_ body: () throws(SystemError) -> T) throws(LedgerError) -> T {
        do {
            return try body()
        } catch {
            throw .io(error)
        }
    }
}

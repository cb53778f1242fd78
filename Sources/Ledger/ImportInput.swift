#if canImport(Glibc)
import Glibc
#endif

/// Where an import's events come from: a list in memory, or a file or pipe of JSON Lines that
/// is read a megabyte at a time, so that an import of any size takes the same memory.
///
/// A writer may have to run its turn again (it found the index damaged and rebuilt it), so the
/// input can start over: a regular file is read again from where it started; a pipe is copied,
/// as it is read, to a scratch file that is removed from the directory as soon as it is made.
public final class ImportInput {
    /// Names the input in errors: `import.jsonl line 12: ...`.
    public let name: String
    /// False for a single `append`: its errors are the event's own, not "line 1 of ...".
    let namesLines: Bool
    private let origin: Origin
    private let system: SystemCalls
    /// The input's size when it is a regular file (for progress), nil for a pipe.
    public let totalBytes: Int64?

    private enum Origin {
        case events([NewEvent], lineNumbers: [Int]?)
        case jsonLines(descriptor: Int32, start: Int64?)
        case csv(descriptor: Int32, start: Int64?, format: CSVImportFormat)
    }

    // The reading state of a JSON Lines input.
    private var position = 0             // the next event of a list
    private var buffer: [UInt8] = []
    private var bufferStart = 0          // where unread bytes start in buffer
    private var atEnd = false
    private var lineNumber = 0
    private var fileOffset: Int64 = 0    // of a regular file: where the next read starts
    private var copy: ScratchFile?       // of a pipe: everything read so far
    private var copyOffset: Int64 = 0    // after a restart: how much of the copy is read again
    private var isReplaying = false
    private var scratch: DirectoryDescriptor?
    private var columns: [CSVImportFormat.Column]? // of a CSV input: read from its header row
    private var delimiter: UInt8 = 0x2C
    /// Bytes read so far (for progress).
    public private(set) var bytesRead: Int64 = 0
    /// The length of the line or row `next()` last read.
    private(set) var lastLineBytes = 0

    static let readBytes = 1 << 20

    /// Events given as a list; `lineNumbers` gives each one's line in the input (for errors),
    /// its position plus one when nil.
    public init(events: [NewEvent], source: String, lineNumbers: [Int]? = nil) {
        name = source
        namesLines = !(events.count == 1 && source == "append")
        origin = .events(events, lineNumbers: lineNumbers)
        system = .live
        totalBytes = nil
    }

    /// JSON Lines read from an open descriptor (a file, or standard input), one event a line:
    /// `{"type": ..., "data": {...}, "id"?, "occurred_at"?, "actor"?}`; blank lines are skipped.
    /// The descriptor stays the caller's.
    public init(jsonLinesFrom descriptor: Int32, name: String, system: SystemCalls = .live) {
        self.name = name
        self.system = system
        namesLines = true
        let (start, total) = ImportInput.position(of: descriptor, system: system)
        origin = .jsonLines(descriptor: descriptor, start: start)
        totalBytes = total
    }

    /// Where reading a descriptor starts and how much it holds from there, when it is a regular
    /// file (read again from there if the writer's turn starts over); nil and nil for a pipe.
    private static func position(of descriptor: Int32, system: SystemCalls) -> (start: Int64?, total: Int64?) {
        var info = stat()
        guard system.fileStatus(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return (nil, nil) }
        let start = system.seek(descriptor, 0, SEEK_CUR)
        guard start >= 0 else { return (nil, nil) }
        return (Int64(start), max(0, Int64(info.st_size) - Int64(start)))
    }

    /// The rows of a spreadsheet saved as CSV, read from an open descriptor (a file, or standard
    /// input): a header row, then one event a row, as `format` says. The descriptor stays the caller's.
    public init(csvFrom descriptor: Int32, name: String, format: CSVImportFormat, system: SystemCalls = .live) {
        self.name = name
        self.system = system
        namesLines = true
        let (start, total) = ImportInput.position(of: descriptor, system: system)
        origin = .csv(descriptor: descriptor, start: start, format: format)
        totalBytes = total
    }

    /// True for a regular file, whose lines are worth reading ahead on another thread
    /// (`ReadAhead.run`). Not a pipe: a reader blocked on it would hold up a refusal until
    /// more input came; not a list in memory (a single `append` among them).
    var isRegularFile: Bool { totalBytes != nil }

    /// A refusal of the event read at `line`, located in the input: its line, or for a CSV
    /// input its row and the column whose field it names.
    func located(_ error: LedgerError, at line: Int) -> LedgerError {
        guard namesLines && error.isAboutInput else { return error }
        if case .csv(_, _, let format) = origin {
            return .invalidImportRow(source: name, row: line, column: format.column(for: error, columns: columns ?? []), reason: error.description)
        }
        return .invalidImportLine(source: name, line: line, reason: error.description)
    }

    /// Starts reading from the first event; again after a first time. A pipe is copied to a
    /// scratch file in `scratch` as it is read, so that it too can start over.
    func start(scratch: DirectoryDescriptor) throws(LedgerError) {
        position = 0
        buffer.removeAll(keepingCapacity: true)
        bufferStart = 0
        atEnd = false
        lineNumber = 0
        bytesRead = 0
        columns = nil
        let start: Int64?
        switch origin {
        case .events: return
        case .jsonLines(_, let from), .csv(_, let from, _): start = from
        }
        if let start {
            fileOffset = start
            self.scratch = scratch
        } else {
            if let copy {
                try io { () throws(SystemError) in try copy.flush() }
                isReplaying = true
                copyOffset = 0
            }
            self.scratch = scratch
        }
    }

    /// The next event and its line number, or nil at the end of the input.
    /// - Throws: `LedgerError.invalidImportLine` for a line that is not an event.
    func next() throws(LedgerError) -> (line: Int, event: NewEvent)? {
        switch origin {
        case .events(let events, let lineNumbers):
            guard position < events.count else { return nil }
            defer { position += 1 }
            return (lineNumbers?[position] ?? position + 1, events[position])
        case .jsonLines(let descriptor, let start):
            while true {
                if let newline = buffer[bufferStart...].firstIndex(of: 0x0A) {
                    let line = buffer[bufferStart..<newline]
                    lastLineBytes = line.count + 1
                    bufferStart = newline + 1
                    lineNumber += 1
                    if let event = try event(in: line) { return (lineNumber, event) }
                    continue
                }
                if atEnd {
                    guard bufferStart < buffer.count else { return nil }
                    let line = buffer[bufferStart...]
                    lastLineBytes = line.count
                    bufferStart = buffer.count
                    lineNumber += 1
                    if let event = try event(in: line) { return (lineNumber, event) }
                    return nil
                }
                guard buffer.count - bufferStart <= Ledger.maximumReadLineBytes else {
                    throw .invalidImportLine(source: name, line: lineNumber + 1, reason: "the line is longer than \(Ledger.maximumReadLineBytes) bytes")
                }
                try read(from: descriptor, isFile: start != nil)
            }
        case .csv(let descriptor, let start, let format):
            while true {
                if columns == nil, lineNumber == 0, bufferStart == 0 {
                    // The header row: wait for its whole first line, drop a UTF-8 byte-order mark, find the delimiter.
                    guard atEnd || buffer.contains(0x0A) || buffer.count > Ledger.maximumReadLineBytes else {
                        try read(from: descriptor, isFile: start != nil)
                        continue
                    }
                    if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { bufferStart = 3 }
                    delimiter = format.delimiter ?? CSVRecord.detectDelimiter(buffer[bufferStart...])
                }
                if atEnd && bufferStart >= buffer.count { return nil }
                switch CSVRecord.parse(buffer[bufferStart...], delimiter: delimiter, isFinal: atEnd) {
                case let .record(cells, next):
                    lastLineBytes = next - bufferStart
                    bufferStart = next
                    lineNumber += 1
                    guard let columns else {
                        columns = try format.columns(cells, source: name)
                        continue
                    }
                    if cells.allSatisfy(\.isEmpty) { continue } // an empty row
                    return (lineNumber, try format.event(cells, columns: columns, source: name, row: lineNumber))
                case let .malformed(cell, reason):
                    let column = columns.flatMap { cell <= $0.count ? $0[cell - 1].name : nil } ?? "\(cell)"
                    throw .invalidImportRow(source: name, row: lineNumber + 1, column: column, reason: reason)
                case .incomplete:
                    guard buffer.count - bufferStart <= Ledger.maximumReadLineBytes else {
                        throw .invalidImportRow(source: name, row: lineNumber + 1, column: nil, reason: "the row is longer than \(Ledger.maximumReadLineBytes) bytes")
                    }
                    try read(from: descriptor, isFile: start != nil)
                }
            }
        }
    }

    /// The event of one line, or nil for a blank one.
    private func event(in line: ArraySlice<UInt8>) throws(LedgerError) -> NewEvent? {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
        guard line.count <= Ledger.maximumReadLineBytes else {
            throw .invalidImportLine(source: name, line: lineNumber, reason: "the line is larger than \(Ledger.maximumReadLineBytes) bytes")
        }
        do {
            return try NewEvent(importLine: line)
        } catch {
            throw .invalidImportLine(source: name, line: lineNumber, reason: error.description)
        }
    }

    /// Reads about a megabyte more into the buffer, dropping the lines already taken.
    private func read(from descriptor: Int32, isFile: Bool) throws(LedgerError) {
        if bufferStart > 0 {
            buffer.removeSubrange(0..<bufferStart)
            bufferStart = 0
        }
        let kept = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: ImportInput.readBytes))
        let result: Result<Int, SystemError> = buffer.withUnsafeMutableBytes { raw in
            let target = UnsafeMutableRawBufferPointer(rebasing: raw[kept...])
            do throws(SystemError) {
                if isFile {
                    let got = SystemCalls.retryingInterrupts { system.pread(descriptor, target.baseAddress, target.count, off_t(fileOffset)) }
                    guard got >= 0 else { throw SystemError(operation: "read", path: name, code: errno) }
                    return .success(got)
                }
                if isReplaying, let copy {
                    let got = try copy.read(into: target, at: copyOffset)
                    if got > 0 { return .success(got) }
                    isReplaying = false
                }
                let got = SystemCalls.retryingInterrupts { system.read(descriptor, target.baseAddress, target.count) }
                guard got >= 0 else { throw SystemError(operation: "read", path: name, code: errno) }
                if got > 0 {
                    if copy == nil, let scratch { copy = try ScratchFile(in: scratch, stem: "import-input") }
                    try copy?.append(UnsafeRawBufferPointer(rebasing: target[..<got]))
                }
                return .success(got)
            } catch {
                return .failure(error)
            }
        }
        let got: Int
        do throws(SystemError) { got = try result.get() } catch { throw .io(error) }
        buffer.removeSubrange((kept + got)...)
        if isFile { fileOffset += Int64(got) }
        if isReplaying { copyOffset += Int64(got) }
        bytesRead += Int64(got)
        if got == 0 { atEnd = true }
    }
}

extension NewEvent {
    /// The members an import line may have.
    static let importMembers = ["type", "data", "id", "occurred_at", "actor"]

    /// Reads one line of an import: `{"type": ..., "data": {...}, "id"?, "occurred_at"?, "actor"?}`.
    public init(importLine line: some Collection<UInt8>) throws(LedgerError) {
        let json: JSON
        do {
            json = try JSONParser.parse(line)
        } catch {
            throw .invalidArgument("not valid JSON: \(error)")
        }
        guard let members = json.objectMembers else { throw .invalidArgument("must be a JSON object, not \(json.kindName)") }
        if let unknown = members.first(where: { !NewEvent.importMembers.contains($0.key) }) {
            throw .invalidArgument("unknown member '\(unknown.key)' (allowed: \(NewEvent.importMembers.joined(separator: ", ")))")
        }
        guard let type = json["type"]?.stringValue else { throw .invalidArgument("member 'type' is missing or not a string") }
        guard let data = json["data"] else { throw .invalidArgument("member 'data' is missing") }
        func optionalString(_ key: String) throws(LedgerError) -> String? {
            guard let value = json[key] else { return nil }
            guard let s = value.stringValue else { throw .invalidArgument("member '\(key)' must be a string") }
            return s
        }
        self.init(type: type, data: data, id: try optionalString("id"), occurredAt: try optionalString("occurred_at"),
                  actor: try optionalString("actor"))
    }
}

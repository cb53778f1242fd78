/// How the rows of a spreadsheet saved as CSV become events (`ledgerctl import --csv`): the
/// header row names the fields (or `renames` maps a column to a field), every row is one event
/// of `type`, an empty cell is an absent field, and each value is converted to the kind of its
/// field in the catalog (numbers; lists and weights given as JSON).
public struct CSVImportFormat: Sendable {
    /// How the file's bytes are text.
    public enum Encoding: String, Sendable, CaseIterable {
        case utf8 = "utf-8"
        case windows1251 = "windows-1251"
    }

    /// The event type of every row.
    public var type: String
    /// The column that holds each row's event id: importing the sheet again appends only new rows.
    public var idColumn: String?
    /// Column name to field name, for columns whose header is not the field's name.
    public var renames: [String: String]
    /// The cell separator; nil: detected from the header row (comma, semicolon or tab).
    public var delimiter: UInt8?
    public var encoding: Encoding

    /// Fields of these names, when the event type has none of its own, fill the envelope.
    static let envelopeFields = ["occurred_at", "actor"]

    public init(type: String, idColumn: String? = nil, renames: [String: String] = [:], delimiter: UInt8? = nil, encoding: Encoding = .utf8) {
        self.type = type
        self.idColumn = idColumn
        self.renames = renames
        self.delimiter = delimiter
        self.encoding = encoding
    }

    /// One column of the header row: its name and the field it fills (nil for the id column,
    /// and for a column with no name, which must stay empty).
    struct Column {
        var name: String
        var field: String?
    }

    /// The columns named by the header row.
    /// - Throws: `LedgerError.invalidImportRow` for a column named twice, a `--map` or
    ///   `--id-column` that names no column.
    func columns(_ cells: [ArraySlice<UInt8>], source: String) throws(LedgerError) -> [Column] {
        var columns: [Column] = []
        for (k, cell) in cells.enumerated() {
            let name = try text(cell, source: source, row: 1, column: "\(k + 1)").trimmingSpacesAndTabs()
            if !name.isEmpty, columns.contains(where: { $0.name == name }) {
                throw .invalidImportRow(source: source, row: 1, column: name, reason: "the header names this column twice")
            }
            let field: String? = name.isEmpty || name == idColumn ? nil : (renames[name] ?? name)
            columns.append(Column(name: name, field: field))
        }
        for given in renames.keys.sorted() + (idColumn.map { [$0] } ?? []) where !columns.contains(where: { $0.name == given }) {
            throw .invalidImportRow(source: source, row: 1, column: given,
                                    reason: "no such column in the header (it has: \(columns.map(\.name).filter { !$0.isEmpty }.joined(separator: ", ")))")
        }
        return columns
    }

    /// The event of one data row.
    /// - Throws: `LedgerError.invalidImportRow` naming the row and the column.
    func event(_ cells: [ArraySlice<UInt8>], columns: [Column], source: String, row: Int) throws(LedgerError) -> NewEvent {
        guard cells.count <= columns.count else {
            throw .invalidImportRow(source: source, row: row, column: nil, reason: "\(cells.count) cells, but the header has \(columns.count) columns")
        }
        let eventType = EventCatalog.version1[type]
        var members: [(key: String, value: JSON)] = []
        var id: String?
        var envelope: [String: String] = [:]
        for (cell, column) in zip(cells, columns) where !cell.isEmpty {
            let value = try text(cell, source: source, row: row, column: column.name)
            if column.name == idColumn {
                id = value
                continue
            }
            guard let field = column.field else {
                throw .invalidImportRow(source: source, row: row, column: "\(members.count + 1)", reason: "a value in a column the header does not name")
            }
            if Self.envelopeFields.contains(field), eventType?.field(field) == nil {
                envelope[field] = value
                continue
            }
            members.append((field, try Self.convert(value, to: eventType?.field(field)?.kind, source: source, row: row, column: column.name)))
        }
        if let idColumn, id == nil {
            throw .invalidImportRow(source: source, row: row, column: idColumn, reason: "the id is empty; with --id-column every row needs one")
        }
        return NewEvent(type: type, data: .object(members), id: id, occurredAt: envelope["occurred_at"], actor: envelope["actor"])
    }

    /// The column a refusal of the event is about: the one whose field it names.
    func column(for error: LedgerError, columns: [Column]) -> String? {
        switch error {
        case let .invalidField(_, field, _): columns.first { $0.field == field }?.name
        case .conflict: idColumn
        default: nil
        }
    }

    /// A cell's bytes as text, in the file's encoding.
    func text(_ cell: ArraySlice<UInt8>, source: String, row: Int, column: String) throws(LedgerError) -> String {
        switch encoding {
        case .utf8:
            guard let text = String(validating: cell, as: UTF8.self) else {
                throw .invalidImportRow(source: source, row: row, column: column, reason: "not valid UTF-8 (for an older Excel file, try --encoding windows-1251)")
            }
            return text
        case .windows1251:
            guard let text = Windows1251.decode(cell) else {
                throw .invalidImportRow(source: source, row: row, column: column, reason: "byte 0x98 has no character in Windows-1251")
            }
            return text
        }
    }

    /// A cell's text as the JSON value its field's kind takes.
    static func convert(_ text: String, to kind: FieldKind?, source: String, row: Int, column: String) throws(LedgerError) -> JSON {
        let trimmed = text.trimmingSpacesAndTabs()
        switch kind {
        case .integer:
            guard let value = Int64(trimmed) else {
                throw .invalidImportRow(source: source, row: row, column: column, reason: "'\(text)' is not a whole number")
            }
            return .integer(value)
        case .number:
            // Excel in the kk and ru locales writes a decimal comma.
            if let value = Int64(trimmed) { return .integer(value) }
            guard let value = Double(String(trimmed.map { $0 == "," ? "." : $0 })), value.isFinite else {
                throw .invalidImportRow(source: source, row: row, column: column, reason: "'\(text)' is not a number")
            }
            return .double(value)
        case .textList, .hashtags, .weights:
            do {
                return try JSONParser.parse(Array(trimmed.utf8))
            } catch {
                throw .invalidImportRow(source: source, row: row, column: column,
                                        reason: "'\(text)' is not JSON (\(error)); a list is written as JSON, such as [\"KBTU\",\"Almaty akimat\"]")
            }
        default:
            return .string(text)
        }
    }
}

// MARK: - Records

/// RFC 4180 records: cells separated by a delimiter, records by CRLF or LF; a quoted cell may
/// hold delimiters, line breaks and quotes written twice.
enum CSVRecord {
    enum Parsed {
        /// A whole record: its cells (quotes removed) and where the next record starts.
        case record([ArraySlice<UInt8>], next: Int)
        /// The record may go on past the bytes at hand.
        case incomplete
        /// The record is malformed in the cell numbered `cell` (from 1).
        case malformed(cell: Int, reason: String)
    }

    static let quote: UInt8 = 0x22, lineFeed: UInt8 = 0x0A, carriageReturn: UInt8 = 0x0D

    /// The record at the start of `bytes`; `isFinal` when no more bytes will come.
    static func parse(_ bytes: ArraySlice<UInt8>, delimiter: UInt8, isFinal: Bool) -> Parsed {
        var cells: [ArraySlice<UInt8>] = []
        var i = bytes.startIndex
        while true {
            if i < bytes.endIndex, bytes[i] == quote {
                // A quoted cell: copy it without the quotes, a doubled quote as one.
                var cell: [UInt8] = []
                var j = i + 1
                while true {
                    guard j < bytes.endIndex else {
                        return isFinal ? .malformed(cell: cells.count + 1, reason: "a quoted cell is not closed") : .incomplete
                    }
                    if bytes[j] == quote {
                        guard j + 1 < bytes.endIndex else {
                            if isFinal { break }
                            return .incomplete
                        }
                        if bytes[j + 1] == quote {
                            cell.append(quote)
                            j += 2
                            continue
                        }
                        break
                    }
                    cell.append(bytes[j])
                    j += 1
                }
                cells.append(cell[...])
                i = j + 1
                guard i < bytes.endIndex else {
                    return isFinal ? .record(cells, next: i) : .incomplete
                }
                if bytes[i] == delimiter {
                    i += 1
                    continue
                }
                if let next = lineEnd(bytes, at: i, isFinal: isFinal) {
                    return next < 0 ? .incomplete : .record(cells, next: next)
                }
                return .malformed(cell: cells.count, reason: "text after the closing quote of a quoted cell")
            }
            // An unquoted cell runs to the delimiter or the end of the line.
            var j = i
            while j < bytes.endIndex, bytes[j] != delimiter, bytes[j] != lineFeed, bytes[j] != carriageReturn { j += 1 }
            guard j < bytes.endIndex else {
                if isFinal {
                    cells.append(bytes[i..<j])
                    return .record(cells, next: j)
                }
                return .incomplete
            }
            cells.append(bytes[i..<j])
            if bytes[j] == delimiter {
                i = j + 1
                continue
            }
            let next = lineEnd(bytes, at: j, isFinal: isFinal) ?? j + 1 // j is at a line end
            return next < 0 ? .incomplete : .record(cells, next: next)
        }
    }

    /// Where the record after a line end (LF, CRLF, or a lone CR) at `i` starts; -1 when a CR
    /// is the last byte at hand (an LF may follow); nil when `i` is not a line end.
    private static func lineEnd(_ bytes: ArraySlice<UInt8>, at i: Int, isFinal: Bool) -> Int? {
        if bytes[i] == lineFeed { return i + 1 }
        guard bytes[i] == carriageReturn else { return nil }
        guard i + 1 < bytes.endIndex else { return isFinal ? i + 1 : -1 }
        return bytes[i + 1] == lineFeed ? i + 2 : i + 1
    }

    /// The delimiter the header row uses: whichever of comma, semicolon and tab occurs most
    /// often outside quotes in its first line (comma when none does).
    static func detectDelimiter(_ bytes: ArraySlice<UInt8>) -> UInt8 {
        var counts: [UInt8: Int] = [0x2C: 0, 0x3B: 0, 0x09: 0]
        var inQuotes = false
        for byte in bytes {
            if byte == quote { inQuotes.toggle() }
            if !inQuotes && (byte == lineFeed || byte == carriageReturn) { break }
            if !inQuotes, let count = counts[byte] { counts[byte] = count + 1 }
        }
        var best: UInt8 = 0x2C
        for candidate: UInt8 in [0x3B, 0x09] where counts[candidate, default: 0] > counts[best, default: 0] { best = candidate }
        return best
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    func trimmingSpacesAndTabs() -> String {
        var s = Substring(self)
        while let first = s.first, first == " " || first == "\t" { s.removeFirst() }
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return String(s)
    }
}

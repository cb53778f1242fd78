#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A strict JSON (RFC 8259) parser over UTF-8 bytes.
///
/// Stricter than most: it refuses duplicate member names, invalid UTF-8 (overlong forms and
/// lone surrogates included), a byte-order mark, numbers that do not fit, nesting deeper than
/// `maximumDepth`, and anything after the value but white space.
public struct JSONParser {
    /// Why a text is not acceptable JSON, and the byte offset where that was found.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Zero-based byte offset into the text.
        public let offset: Int
        /// What is wrong, in a few words.
        public let reason: String

        public var description: String { "\(reason) at byte \(offset + 1)" }
    }

    /// How deep arrays and objects may nest; deeper input is refused, never recursed into.
    public static let maximumDepth = 64

    /// Parses one JSON value that fills `text` (white space around it allowed).
    /// - Throws: `JSONParser.Failure` naming the first problem.
    public static func parse(_ text: some Collection<UInt8>) throws(Failure) -> JSON {
        let direct: Result<JSON, Failure>? = text.withContiguousStorageIfAvailable { buffer in
            var parser = Parser(bytes: buffer)
            do throws(Failure) { return .success(try parser.parseDocument()) } catch { return .failure(error) }
        }
        if let direct { return try direct.get() }
        let bytes = Array(text)
        return try bytes.withUnsafeBufferPointer { buffer throws(Failure) in
            var parser = Parser(bytes: buffer)
            return try parser.parseDocument()
        }
    }

    /// Parses a JSON object, building every member but `skipping`, which is only checked and
    /// comes back as an empty object: for readers that need an envelope, not its payload.
    static func parseObject(_ text: UnsafeBufferPointer<UInt8>, skipping skipped: String) throws(Failure) -> JSON {
        var parser = Parser(bytes: text)
        return try parser.parseTopObject(skipping: skipped)
    }

    /// Parses one JSON value held in a string.
    public static func parse(_ text: String) throws(Failure) -> JSON {
        try parse(Array(text.utf8))
    }
}

private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    func fail(_ reason: String, at offset: Int? = nil) -> JSONParser.Failure {
        JSONParser.Failure(offset: offset ?? index, reason: reason)
    }

    mutating func parseDocument() throws(JSONParser.Failure) -> JSON {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            throw fail("a byte-order mark is not allowed", at: 0)
        }
        skipWhiteSpace()
        guard index < bytes.count else { throw fail("no JSON value (empty input)") }
        let value = try parseValue()
        skipWhiteSpace()
        guard index == bytes.count else { throw fail("unexpected text after the JSON value") }
        return value
    }

    mutating func parseTopObject(skipping skipped: String) throws(JSONParser.Failure) -> JSON {
        skipWhiteSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { throw fail("not a JSON object") }
        let object = try parseObject(skipping: skipped)
        skipWhiteSpace()
        guard index == bytes.count else { throw fail("unexpected text after the JSON value") }
        return object
    }

    mutating func skipWhiteSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws(JSONParser.Failure) -> JSON {
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("unexpected character '\(Parser.printable(bytes[index]))'")
        }
    }

    static func printable(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParser.Failure) {
        let start = index
        let utf8 = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for expected in utf8 {
            guard index < bytes.count, bytes[index] == expected else {
                throw fail("invalid literal (expected \(literal))", at: start)
            }
            index += 1
        }
    }

    mutating func enter() throws(JSONParser.Failure) {
        depth += 1
        if depth > JSONParser.maximumDepth {
            throw fail("nesting deeper than \(JSONParser.maximumDepth) levels")
        }
    }

    /// Checks the scalar at `index` (a string, number or literal) as `parseValue` would,
    /// without building a string.
    mutating func skipScalar() throws(JSONParser.Failure) {
        guard index < bytes.count else { throw fail("unexpected end of input") }
        if bytes[index] == UInt8(ascii: "\"") {
            try skipString()
        } else {
            _ = try parseValue() // numbers and literals allocate nothing
        }
    }

    /// Checks a string as `parseString` would, without building it.
    mutating func skipString() throws(JSONParser.Failure) {
        let start = index
        index += 1
        var scratch: [UInt8] = []
        while true {
            skipPlainASCII()
            guard index < bytes.count else { throw fail("unterminated string", at: start) }
            let byte = bytes[index]
            if byte >= 0xC2, byte <= 0xDF, index + 1 < bytes.count, bytes[index + 1] & 0xC0 == 0x80 {
                index += 2 // a two-byte sequence (Cyrillic, Kazakh letters): always valid
                continue
            }
            if byte == UInt8(ascii: "\"") { index += 1; return }
            if byte < 0x20 { throw fail("control character \\x\(String(byte, radix: 16)) in a string (escape it)") }
            if byte == UInt8(ascii: "\\") {
                try parseEscape(into: &scratch)
                scratch.removeAll(keepingCapacity: true)
            } else if byte < 0x80 {
                index += 1
            } else {
                try skipUTF8Sequence()
            }
        }
    }

    /// Moves past printable ASCII other than `"` and `\`, eight bytes at a time while it can,
    /// to the first other byte of the last word read.
    mutating func skipPlainASCII() {
        guard let base = bytes.baseAddress else { return }
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        /// A high bit set in each byte of `x` that is zero, and maybe in bytes after one that is:
        /// the lowest is exact, as a borrow only runs upwards.
        func zeroBytes(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        while index + 8 <= bytes.count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
            let special = word & highs | zeroBytes(word & 0xE0E0_E0E0_E0E0_E0E0) | zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C))
            if special != 0 {
                index += special.trailingZeroBitCount >> 3 // the first byte that is not plain
                return
            }
            index += 8
        }
    }

    mutating func parseArray() throws(JSONParser.Failure) -> JSON {
        try enter()
        index += 1
        var elements: [JSON] = []
        skipWhiteSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhiteSpace()
            elements.append(try parseValue())
            skipWhiteSpace()
            guard index < bytes.count else { throw fail("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; break }
            throw fail("expected ',' or ']' in array")
        }
        depth -= 1
        return .array(elements)
    }

    /// Parses an object; the member named `skipped` (if any) is only checked, and comes back as
    /// an empty object when it is one, or null.
    mutating func parseObject(skipping skipped: String? = nil) throws(JSONParser.Failure) -> JSON {
        try enter()
        index += 1
        var members: [(key: String, value: JSON)] = []
        var seen = Set<String>() // used past 12 members; below that a linear scan is cheaper
        skipWhiteSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(members)
        }
        members.reserveCapacity(4) // most objects have a few members: one allocation, not three
        while true {
            skipWhiteSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw fail(index < bytes.count ? "expected a member name in quotes" : "unterminated object")
            }
            let keyStart = index
            let key = try parseString()
            let isDuplicate: Bool
            if members.count < 12 {
                isDuplicate = members.contains { $0.key == key }
            } else {
                if seen.isEmpty { seen = Set(members.map(\.key)) }
                isDuplicate = !seen.insert(key).inserted
            }
            guard !isDuplicate else { throw fail("duplicate member name \"\(key)\"", at: keyStart) }
            skipWhiteSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':' after member name") }
            index += 1
            skipWhiteSpace()
            if let skipped, key == skipped {
                let valueStart = index
                _ = try parseValue() // checked in full (repeated names too), then not kept
                members.append((key: key, value: bytes[valueStart] == UInt8(ascii: "{") ? .object([]) : .null))
            } else {
                members.append((key: key, value: try parseValue()))
            }
            skipWhiteSpace()
            guard index < bytes.count else { throw fail("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; break }
            throw fail("expected ',' or '}' in object")
        }
        depth -= 1
        return .object(members)
    }

    mutating func parseNumber() throws(JSONParser.Failure) -> JSON {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number", at: start) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw fail("leading zeros are not allowed", at: start) }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number", at: start) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number", at: start) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        guard index - start <= 64 else { throw fail("number is too long", at: start) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if isInteger {
            guard let value = Int64(text) else { throw fail("integer out of range", at: start) }
            return .integer(value)
        }
        guard let value = Double(text), value.isFinite else { throw fail("number out of range", at: start) }
        return .double(value)
    }

    func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    mutating func parseString() throws(JSONParser.Failure) -> String {
        let start = index
        index += 1
        var out = [UInt8]()
        var runStart = index
        while true {
            guard index < bytes.count else { throw fail("unterminated string", at: start) }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                if out.isEmpty && runStart == start + 1 {
                    // No escape in it (most strings): decode straight from the input, no copy.
                    defer { index += 1 }
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<index]), as: UTF8.self)
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                index += 1
                break
            }
            if byte < 0x20 {
                throw fail("control character \\x\(String(byte, radix: 16)) in a string (escape it)")
            }
            if byte == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                try parseEscape(into: &out)
                runStart = index
                continue
            }
            if byte < 0x80 {
                index += 1
            } else {
                try skipUTF8Sequence()
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Checks one multi-byte UTF-8 sequence at `index` (RFC 3629: no overlong forms, no surrogates).
    mutating func skipUTF8Sequence() throws(JSONParser.Failure) {
        let lead = bytes[index]
        let length: Int
        var lowest: UInt8 = 0x80, highest: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lowest = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; highest = 0x9F
        case 0xF0: length = 4; lowest = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; highest = 0x8F
        default: throw fail("invalid UTF-8")
        }
        guard index + length <= bytes.count else { throw fail("invalid UTF-8 (truncated sequence)") }
        let second = bytes[index + 1]
        guard second >= lowest, second <= highest else { throw fail("invalid UTF-8") }
        for k in 2..<length where bytes[index + k] & 0xC0 != 0x80 {
            throw fail("invalid UTF-8")
        }
        index += length
    }

    mutating func parseEscape(into out: inout [UInt8]) throws(JSONParser.Failure) {
        let start = index
        index += 1
        guard index < bytes.count else { throw fail("unterminated escape", at: start) }
        let code = bytes[index]
        index += 1
        switch code {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw fail("lone surrogate in \\u escape", at: start)
                }
                index += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw fail("lone surrogate in \\u escape", at: start) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw fail("lone surrogate in \\u escape", at: start)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape", at: start) }
            out.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
            throw fail("invalid escape '\\\(Parser.printable(code))'", at: start)
        }
    }

    mutating func parseHex4() throws(JSONParser.Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}

// MARK: - Stored lines, read without building the payload

/// Where a stored line's parts are, found by one checking pass over the line.
struct ScannedLine {
    var seq: Int64
    var id: Range<Int>
    var type: Range<Int>
    var occurredAt: Range<Int>
    var recordedAt: Range<Int>
    var actor: Range<Int>?
    var batch: StoredEvent.Batch?
    var prev: SHA256.Digest
    /// The `data` object, braces included (offsets within the line). Its members (offsets within
    /// the object, as `EventPayload` keeps them) went to the `MemberList` the scan was given.
    var data: Range<Int>
}

/// Where a scan of an object puts the members it finds (`Parser.scanMembers(into:)`).
protocol MemberList {
    var count: Int { get }
    subscript(k: Int) -> EventPayload.Member { get }
    /// Adds `member` at the end; false when there is no room for it.
    mutating func add(_ member: EventPayload.Member) -> Bool
}

extension Array: MemberList where Element == EventPayload.Member {
    mutating func add(_ member: EventPayload.Member) -> Bool {
        append(member)
        return true
    }
}

/// Room for a few members on the stack: a line's scan allocates nothing for them. A payload with
/// more top-level members than this is read by the strict reader instead (the catalog's types
/// have a dozen fields at most). 32 members take 768 bytes: the standard library keeps a
/// temporary allocation on the stack only up to 1,024.
struct MemberBuffer: MemberList {
    static let capacity = 32
    private let base: UnsafeMutablePointer<EventPayload.Member>
    private(set) var count = 0

    /// Calls `body` with an empty buffer that lives until it returns.
    static func with<Result, Failure: Error>(_ body: (inout MemberBuffer) throws(Failure) -> Result) throws(Failure) -> Result {
        let outcome: Swift.Result<Result, Failure> = withUnsafeTemporaryAllocation(of: EventPayload.Member.self, capacity: capacity) { room in
            var buffer = MemberBuffer(base: room.baseAddress!)
            do throws(Failure) {
                return .success(try body(&buffer))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    private init(base: UnsafeMutablePointer<EventPayload.Member>) {
        self.base = base
    }

    /// The members added so far.
    var members: UnsafeBufferPointer<EventPayload.Member> { UnsafeBufferPointer(start: base, count: count) }

    subscript(k: Int) -> EventPayload.Member { base[k] }

    mutating func add(_ member: EventPayload.Member) -> Bool {
        guard count < Self.capacity else { return false }
        (base + count).initialize(to: member)
        count += 1
        return true
    }
}

extension JSONParser {
    /// Reads a stored line in the form writers produce (`{"seq":...,"data":{...},"prev":"..."}`,
    /// member names without escapes, no member twice), checking every byte as `parse` would but
    /// building only the envelope strings a replay needs. Returns nil for anything it does not
    /// accept, valid or not: the caller then reads the line with the strict parser, which gives
    /// the reason when there is one.
    /// - Parameter members: where the payload's members go (nil is returned when they do not fit).
    static func scanStoredLine(_ line: UnsafeBufferPointer<UInt8>, members: inout some MemberList) -> ScannedLine? {
        var parser = Parser(bytes: line)
        return try? parser.scanStoredLine(members: &members)
    }

    /// `scanStoredLine(_:members:)` with room for `MemberBuffer.capacity` members on the stack,
    /// handed to `body` while they are there.
    static func scanStoredLine<Result, Failure: Error>(
        _ line: UnsafeBufferPointer<UInt8>,
        _ body: (ScannedLine?, UnsafeBufferPointer<EventPayload.Member>) throws(Failure) -> Result) throws(Failure) -> Result {
        try MemberBuffer.with { (members: inout MemberBuffer) throws(Failure) -> Result in
            let scanned = scanStoredLine(line, members: &members)
            return try body(scanned, members.members)
        }
    }

    /// The members of a JSON object's text, or nil when a name has escapes or is repeated.
    /// - Parameter depth: how deep the object lies in the document it is part of (the data of
    ///   a line lies at 1), so that the limit on nesting counts as the strict parser counts it.
    static func scanMembers(_ text: UnsafeBufferPointer<UInt8>, atDepth depth: Int = 0) -> [EventPayload.Member]? {
        var parser = Parser(bytes: text)
        parser.depth = depth
        var members: [EventPayload.Member] = []
        guard (try? parser.scanMembers(into: &members)) == true, parser.index == text.count else { return nil }
        return members
    }

    /// The value starting at `offset` of text already checked by a scan.
    static func value(in text: UnsafeBufferPointer<UInt8>, at offset: Int) -> JSON? {
        var parser = Parser(bytes: text)
        parser.index = offset
        return try? parser.parseValue()
    }
}

private extension Parser {
    /// The envelope's member names (`StoredEvent.Member`), in the order a bit stands for each.
    static let envelopeNames: [[UInt8]] = StoredEvent.Member.allCases.map { Array($0.name.utf8) }
    /// The position of `name` among `envelopeNames`, trying `expected` first, or nil.
    static func envelopePosition(of name: UnsafeBufferPointer<UInt8>, expected: Int, among names: [[UInt8]]) -> Int? {
        func isName(_ k: Int) -> Bool { names[k].count == name.count && name.hasBytes(names[k]) }
        if expected < names.count, isName(expected) { return expected }
        return names.indices.first(where: isName)
    }

    /// The bits of the members every line has.
    static let requiredMembers: UInt16 = StoredEvent.Member.allCases.reduce(0) { $1.isRequired ? $0 | 1 << $1.rawValue : $0 }

    mutating func scanStoredLine(members: inout some MemberList) throws(JSONParser.Failure) -> ScannedLine? {
        guard bytes.count > 1, bytes[0] == UInt8(ascii: "{") else { return nil }
        try enter()
        index = 1
        var seen: UInt16 = 0
        var expected = 0 // writers write the members in the order of `envelopeNames`
        let names = Parser.envelopeNames // once a line, not once a member (a global's every use checks it is made)
        var seq: Int64 = 0
        var id = 0..<0, type = 0..<0, occurredAt = 0..<0, recordedAt = 0..<0, data = 0..<0
        var actor: Range<Int>?
        var prev = SHA256.Digest.zero
        var batch: JSON?
        var plainBatch: (first: Int64, count: Int64)?
        while true {
            skipWhiteSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let name = try plainString(),
                  let position = Parser.envelopePosition(of: UnsafeBufferPointer(rebasing: bytes[name]), expected: expected, among: names),
                  let which = StoredEvent.Member(rawValue: position), seen & (1 << position) == 0 else { return nil }
            expected = position + 1
            seen |= 1 << position
            skipWhiteSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipWhiteSpace()
            guard index < bytes.count else { return nil }
            switch which {
            case .seq:
                guard bytes[index] == UInt8(ascii: "-") || isDigit(bytes[index]), case .integer(let value) = try parseNumber() else { return nil }
                seq = value
            case .id, .type, .occurredAt, .recordedAt, .actor, .prev: // strings
                guard bytes[index] == UInt8(ascii: "\""), let range = try plainString() else { return nil }
                switch which {
                case .id: id = range
                case .type: type = range
                case .occurredAt: occurredAt = range
                case .recordedAt: recordedAt = range
                case .actor: actor = range
                default:
                    guard let digest = SHA256.Digest(hex: UnsafeBufferPointer(rebasing: bytes[range])) else { return nil }
                    prev = digest
                }
            case .batch:
                guard bytes[index] == UInt8(ascii: "{") else { return nil }
                if let plain = canonicalBatch() { plainBatch = plain } else { batch = try parseValue() }
            case .data:
                guard bytes[index] == UInt8(ascii: "{") else { return nil }
                let start = index
                guard try scanMembers(into: &members) else { return nil }
                data = start..<index
            }
            guard let more = afterMember() else { return nil }
            if !more { break }
        }
        skipWhiteSpace()
        guard index == bytes.count, seen & Parser.requiredMembers == Parser.requiredMembers, seq >= 1 else { return nil }
        var readBatch: StoredEvent.Batch?
        if let plainBatch {
            guard let read = StoredEvent.Batch(first: plainBatch.first, count: plainBatch.count, seq: seq) else { return nil }
            readBatch = read
        } else if let batch {
            guard let read = StoredEvent.Batch(json: batch, seq: seq) else { return nil }
            readBatch = read
        }
        return ScannedLine(seq: seq, id: id, type: type, occurredAt: occurredAt, recordedAt: recordedAt, actor: actor, batch: readBatch,
                           prev: prev, data: data)
    }

    /// `{"first":F,"count":N}` exactly as writers write it (two plain integers), read without
    /// building a tree; nil, with `index` unmoved, for any other text.
    mutating func canonicalBatch() -> (first: Int64, count: Int64)? {
        let start = index
        func expect(_ text: StaticString) -> Bool {
            let utf8 = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
            guard bytes.hasBytes(utf8, at: index) else { return false }
            index += utf8.count
            return true
        }
        func integer() -> Int64? {
            var value: Int64 = 0, digits = 0
            while index < bytes.count, isDigit(bytes[index]), digits < 18 {
                if digits == 0 && bytes[index] == UInt8(ascii: "0") { break }
                value = value * 10 + Int64(bytes[index] - UInt8(ascii: "0"))
                digits += 1
                index += 1
            }
            return digits > 0 && (index == bytes.count || !isDigit(bytes[index])) ? value : nil
        }
        guard expect(#"{"first":"#), let first = integer(), expect(#","count":"#), let count = integer(), expect("}") else {
            index = start
            return nil
        }
        return (first, count)
    }

    /// An object's members at `index` (its names without escapes, none twice), each value
    /// checked, added to `members`; false for an object it does not accept, or when `members`
    /// has no room for another.
    mutating func scanMembers(into members: inout some MemberList) throws(JSONParser.Failure) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return false }
        let base = index
        try enter()
        index += 1
        skipWhiteSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return true
        }
        while true {
            skipWhiteSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let name = try plainString() else { return false }
            let key = UnsafeBufferPointer(rebasing: bytes[name])
            // Names are compared byte for byte: only ASCII names, whose equal texts are equal bytes
            // (the strict parser compares names as strings, canonical equivalence included).
            guard key.allSatisfy({ $0 < 0x80 }) else { return false }
            for k in 0..<members.count where members[k].keyEnd - members[k].keyStart == key.count
                && bytes.hasBytes(key, at: members[k].keyStart + base) {
                return false
            }
            skipWhiteSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
            index += 1
            skipWhiteSpace()
            let valueStart = index
            if bytes[valueStart] == UInt8(ascii: "{") || bytes[valueStart] == UInt8(ascii: "[") {
                _ = try parseValue() // nested members are checked for repeated names, as the strict parser does
            } else {
                try skipScalar()
            }
            guard members.add(EventPayload.Member(keyStart: name.lowerBound - base, keyEnd: name.upperBound - base, valueStart: valueStart - base)),
                  let more = afterMember() else { return false }
            if !more { break }
        }
        depth -= 1
        return true
    }

    /// After an object's member: true past a `,` (another member follows), false past the `}`
    /// that closes the object, nil for anything else.
    mutating func afterMember() -> Bool? {
        skipWhiteSpace()
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: ",") {
            index += 1
            return true
        }
        guard bytes[index] == UInt8(ascii: "}") else { return nil }
        index += 1
        return false
    }

    /// The contents of the string at `index` when it has no escapes (checked as `skipString`
    /// checks), or nil when it has one.
    mutating func plainString() throws(JSONParser.Failure) -> Range<Int>? {
        let start = index + 1
        try skipString()
        let contents = start..<(index - 1)
        return UnsafeBufferPointer(rebasing: bytes[contents]).contains(UInt8(ascii: "\\")) ? nil : contents
    }
}

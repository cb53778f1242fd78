import Foundation

/// What the validator needs to know of the ledger so far.
public protocol LedgerState {
    /// True when an event with this key (an entity, a fact, an event id) is in the ledger.
    func contains(_ key: EntityKey) throws(LedgerError) -> Bool
    /// The stored data of the event that created `key`, or nil when there is none.
    func data(of key: EntityKey) throws(LedgerError) -> JSON?
}

/// Checks events against the catalog and the ledger, before anything is written.
public struct EventValidator: Sendable {
    /// The catalog that events must follow.
    public let catalog: EventCatalog

    /// The largest JSON text accepted for an event's data, in bytes.
    public static let maximumDataBytes = 32_768

    /// Creates a validator for `catalog`.
    public init(catalog: EventCatalog = .version1) {
        self.catalog = catalog
    }

    /// Validates `event` against the catalog and `state`.
    /// - Parameter allowInternal: true only for commands that may write internal types (`forget`).
    /// - Returns: the event split into public and personal data, with the keys it adds.
    /// - Throws: `LedgerError` naming the type and field at fault.
    public func validate(_ event: NewEvent, in state: some LedgerState, allowInternal: Bool = false) throws(LedgerError) -> ValidatedEvent {
        try validate(check(event, allowInternal: allowInternal), in: state)
    }

    /// An event whose fields passed the catalog's checks, ready for the checks that need the ledger.
    public struct CheckedEvent: Sendable {
        public let event: NewEvent
        let type: EventType
        let values: [String: JSON]
        /// The data as it would be stored, public and personal apart (`split`), or why not:
        /// thrown only after the checks against the ledger, which come first.
        let parts: Result<Parts, LedgerError>
        /// The parts as JSON text, when there are parts.
        let texts: (publicData: [UInt8], personalData: [UInt8]?)?
    }

    typealias Parts = (publicData: JSON, personalData: JSON?)

    /// The checks that need no ledger: type, fields, values. Done once per event: before the
    /// lock for an append, on the thread that reads ahead for an import of a file.
    public func check(_ event: NewEvent, allowInternal: Bool = false) throws(LedgerError) -> CheckedEvent {
        let (type, values) = try checkFields(of: event, allowInternal: allowInternal)
        let parts: Result<Parts, LedgerError>
        do throws(LedgerError) { parts = .success(try split(values, of: type)) } catch { parts = .failure(error) }
        return CheckedEvent(event: event, type: type, values: values, parts: parts, texts: (try? parts.get()).map(EventValidator.texts(of:)))
    }

    /// Finishes the validation of a checked event against `state`.
    public func validate(_ checked: CheckedEvent, in state: some LedgerState) throws(LedgerError) -> ValidatedEvent {
        let (event, type, values) = (checked.event, checked.type, checked.values)
        try checkRules(of: type, values, in: state)
        let keys = try checkReferences(of: type, values, in: state)
        let parts = try checked.parts.get()
        let texts = checked.texts ?? EventValidator.texts(of: parts)
        return ValidatedEvent(type: type.name, id: event.id, occurredAt: event.occurredAt, actor: event.actor,
                              publicData: parts.publicData, personalData: parts.personalData,
                              participant: parts.personalData == nil ? nil : values["participant"]?.stringValue,
                              keys: keys, publicDataText: texts.publicData, personalDataText: texts.personalData)
    }

    private static func texts(of parts: Parts) -> (publicData: [UInt8], personalData: [UInt8]?) {
        var publicText: [UInt8] = []
        parts.publicData.write(to: &publicText)
        return (publicText, parts.personalData.map { data in
            var text: [UInt8] = []
            data.write(to: &text)
            return text
        })
    }

    /// Checks the event's fields alone (no rules that need the ledger) and returns its data as it
    /// would be stored: public fields, and personal fields apart. Used to compare a retried event
    /// with the one already stored under its id.
    public func normalize(_ event: NewEvent, allowInternal: Bool = false) throws(LedgerError) -> (publicData: JSON, personalData: JSON?) {
        let (type, values) = try checkFields(of: event, allowInternal: allowInternal)
        return try split(values, of: type)
    }

    private func checkFields(of event: NewEvent, allowInternal: Bool) throws(LedgerError) -> (EventType, [String: JSON]) {
        guard let type = catalog[event.type] else { throw .unknownType(Self.quoted(event.type)) }
        if type.isInternal && !allowInternal {
            throw .invalidEvent(type: type.name, reason: "this type is written by a ledgerctl command only, not by append or import")
        }
        if let id = event.id, !Self.isIdentifier(id) {
            throw .invalidEvent(type: type.name, reason: "id '\(Self.quoted(id))' is not a valid id (1-128 of A-Z a-z 0-9 . _ : -, starting with a letter or digit)")
        }
        if let occurredAt = event.occurredAt, Timestamp(rfc3339: occurredAt) == nil {
            throw .invalidEvent(type: type.name, reason: "occurred_at '\(Self.quoted(occurredAt))' is not an RFC 3339 date-time with an offset, such as 2017-11-30T09:00:00+06:00")
        }
        if let actor = event.actor, let problem = Self.textProblem(actor, maximumLength: 200, isMultiline: false) {
            throw .invalidEvent(type: type.name, reason: "actor \(problem)")
        }
        guard let members = event.data.objectMembers else {
            throw .invalidEvent(type: type.name, reason: "data must be a JSON object, not \(event.data.kindName)")
        }
        var values: [String: JSON] = [:]
        for member in members {
            guard let field = type.field(member.key) else {
                let known = type.fields.map(\.name).joined(separator: ", ")
                throw .invalidField(type: type.name, field: Self.quoted(member.key), reason: "is not a field of this type (fields: \(known))")
            }
            if case .null = member.value { continue } // null means absent
            try check(member.value, of: field, in: type)
            values[field.name] = member.value
        }
        for field in type.fields where values[field.name] == nil {
            if let defaultValue = field.defaultValue { values[field.name] = defaultValue }
        }
        for field in type.fields where field.isRequired && values[field.name] == nil {
            throw .invalidField(type: type.name, field: field.name, reason: "is required")
        }
        if type.needsAnOptionalField && !type.fields.contains(where: { !$0.isRequired && values[$0.name] != nil }) {
            throw .invalidEvent(type: type.name, reason: "at least one field to change is required")
        }
        return (type, values)
    }

    private func split(_ values: [String: JSON], of type: EventType) throws(LedgerError) -> (JSON, JSON?) {
        let publicData = JSON.object(values.filter { type.field($0.key)?.isPersonal == false }.map { (key: $0.key, value: $0.value) }).canonicalized
        let personal = values.filter { type.field($0.key)?.isPersonal == true }
        let personalData = personal.isEmpty ? nil : JSON.object(personal.map { (key: $0.key, value: $0.value) }).canonicalized
        var dataBytes: [UInt8] = []
        publicData.write(to: &dataBytes)
        guard dataBytes.count <= Self.maximumDataBytes else {
            throw .invalidEvent(type: type.name, reason: "data is \(dataBytes.count) bytes; the limit is \(Self.maximumDataBytes)")
        }
        return (publicData, personalData)
    }

    // MARK: - Field values

    private func check(_ value: JSON, of field: Field, in type: EventType) throws(LedgerError) {
        func fail(_ reason: String) -> LedgerError { .invalidField(type: type.name, field: field.name, reason: reason) }
        func string() throws(LedgerError) -> String {
            guard let s = value.stringValue else { throw fail("must be a string, not \(value.kindName)") }
            return s
        }
        switch field.kind {
        case .identifier:
            let s = try string()
            guard Self.isIdentifier(s) else { throw fail("'\(Self.quoted(s))' is not a valid id (1-128 of A-Z a-z 0-9 . _ : -, starting with a letter or digit)") }
        case let .text(maximumLength, isMultiline):
            if let problem = Self.textProblem(try string(), maximumLength: maximumLength, isMultiline: isMultiline) { throw fail(problem) }
        case .oneOf(let allowed):
            let s = try string()
            guard allowed.contains(s) else { throw fail("is '\(Self.quoted(s))'; it must be one of \(allowed.joined(separator: ", "))") }
        case .instant:
            let s = try string()
            guard Timestamp(rfc3339: s) != nil else { throw fail("'\(Self.quoted(s))' is not a date-time with an offset, such as 2017-11-30T09:00:00+06:00") }
        case .deadline:
            let s = try string()
            guard Timestamp(deadline: s, timeZone: TimeZone(identifier: "UTC")!) != nil else {
                throw fail("'\(Self.quoted(s))' is not a date-time such as 2017-11-29T12:00 (local) or 2017-11-29T12:00:00+06:00")
            }
        case .date:
            let s = try string()
            guard Timestamp.days(ofDate: s) != nil else { throw fail("'\(Self.quoted(s))' is not a date YYYY-MM-DD") }
        case .timeZone:
            let s = try string()
            guard s.contains("/") || s == "UTC", TimeZone(identifier: s) != nil else {
                throw fail("'\(Self.quoted(s))' is not a tz database zone name such as Asia/Almaty")
            }
        case .integer(let range):
            guard let n = value.integerValue else { throw fail("must be a whole number, not \(value.kindName == "a number" ? "a fraction" : value.kindName)") }
            guard range.contains(n) else { throw fail("is \(n); it must be from \(range.lowerBound) to \(range.upperBound)") }
        case .number(let range):
            guard let n = value.doubleValue else { throw fail("must be a number, not \(value.kindName)") }
            guard range.contains(n) else { throw fail("is \(n); it must be from \(range.lowerBound) to \(range.upperBound)") }
        case .textList, .hashtags:
            guard let elements = value.arrayElements else { throw fail("must be an array of strings, not \(value.kindName)") }
            guard elements.count <= 100 else { throw fail("has \(elements.count) elements; at most 100") }
            var seen = Set<String>()
            for element in elements {
                guard let s = element.stringValue else { throw fail("must hold strings only, not \(element.kindName)") }
                if let problem = Self.textProblem(s, maximumLength: 300, isMultiline: false) { throw fail("holds a text that \(problem)") }
                if case .hashtags = field.kind, !Self.isHashtag(s) {
                    throw fail("holds '\(Self.quoted(s))', which is not a hashtag (# then letters, digits, _ or -)")
                }
                guard seen.insert(s).inserted else { throw fail("holds '\(Self.quoted(s))' twice") }
            }
        case .weights:
            guard let members = value.objectMembers else { throw fail("must be an object of criterion names to weights, not \(value.kindName)") }
            guard !members.isEmpty, members.count <= 20 else { throw fail("must name 1 to 20 criteria") }
            for member in members {
                if let problem = Self.textProblem(member.key, maximumLength: 100, isMultiline: false) { throw fail("has a criterion name that \(problem)") }
                guard let weight = member.value.doubleValue, weight > 0, weight <= 1000 else {
                    throw fail("gives criterion '\(Self.quoted(member.key))' a weight that is not a number above 0 and at most 1000")
                }
            }
        case .url:
            let s = try string()
            // No control (C0, DEL, C1) and no bidirectional override: a report shows those as escapes,
            // and an address shown otherwise than stored would lead elsewhere.
            guard s.count <= 2000, s.hasPrefix("https://") || s.hasPrefix("http://"), let url = URL(string: s), url.host != nil,
                  !s.unicodeScalars.contains(where: { $0.value <= 0x20 }), Self.textProblem(s, maximumLength: 2000, isMultiline: false) == nil else {
                throw fail("'\(Self.quoted(s))' is not an http(s) URL")
            }
        case .email:
            let s = try string()
            let parts = s.split(separator: "@", omittingEmptySubsequences: false)
            guard s.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
                  !s.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "<" || $0 == ">" }) else {
                throw fail("is not an e-mail address")
            }
        case .phone:
            let s = try string()
            let digits = s.filter(\.isASCII).filter(\.isNumber).count
            guard s.count <= 40, digits >= 5, s.allSatisfy({ $0.isASCII && ($0.isNumber || " +-()".contains($0)) }) else {
                throw fail("is not a phone number (digits, spaces, + - ( ), such as +7 701 765 05 10)")
            }
        case .handle:
            if let problem = Self.textProblem(try string(), maximumLength: 100, isMultiline: false) { throw fail(problem) }
        }
    }

    // MARK: - Rules across fields and events

    private func checkRules(of type: EventType, _ values: [String: JSON], in state: some LedgerState) throws(LedgerError) {
        for rule in type.rules {
            try rule.check(values, of: type, in: state)
        }
    }

    private func checkReferences(of type: EventType, _ values: [String: JSON], in state: some LedgerState) throws(LedgerError) -> [EntityKey] {
        func key(_ reference: EntityReference) -> EntityKey {
            EntityKey(reference.kind, reference.fields.map { values[$0]?.stringValue ?? "" })
        }
        for reference in type.requires {
            let required = key(reference)
            guard try state.contains(required) else {
                if let missing = reference.missing {
                    throw .invalidEvent(type: type.name, reason: missing(required.parts))
                }
                throw .invalidField(type: type.name, field: reference.fieldName, reason: "names \(required), which the ledger has not seen")
            }
            if let retirement = reference.retiredBy, try state.contains(EntityKey(retirement.kind, required.parts)) {
                throw .invalidField(type: type.name, field: reference.fieldName, reason: retirement.reason(required.parts))
            }
        }
        var added: [EntityKey] = []
        for reference in type.defines {
            let defined = key(reference)
            if try state.contains(defined) {
                throw .invalidField(type: type.name, field: reference.fieldName, reason: "names \(defined), which already exists")
            }
            added.append(defined)
        }
        for reference in type.marks {
            let marked = key(reference)
            if try state.contains(marked) {
                throw .invalidEvent(type: type.name, reason: reference.duplicate?(marked.parts) ?? "\(marked) is already recorded")
            }
            added.append(marked)
        }
        for reference in type.records {
            let recorded = key(reference)
            if try !state.contains(recorded) { added.append(recorded) }
        }
        return added
    }

    // MARK: - Text

    /// True for 1 to 128 of `A-Z a-z 0-9 . _ : -`, starting with a letter or digit.
    public static func isIdentifier(_ s: String) -> Bool {
        Array(s.utf8).withUnsafeBufferPointer { isIdentifier($0) }
    }

    /// `isIdentifier` for UTF-8 bytes.
    static func isIdentifier(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 128 else { return false }
        func isAlphanumeric(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
        }
        guard isAlphanumeric(bytes[0]) else { return false }
        // One bit a byte below 0x80: `- . 0-9 :` in the low word, `A-Z _ a-z` in the high one.
        let low: UInt64 = 1 << 0x2D | 1 << 0x2E | 0x3FF << 0x30 | 1 << 0x3A
        let high: UInt64 = 0x3FF_FFFF << (0x41 - 64) | 1 << (0x5F - 64) | 0x3FF_FFFF << (0x61 - 64)
        return bytes.allSatisfy { b in b < 64 ? low >> b & 1 == 1 : b < 128 && high >> (b - 64) & 1 == 1 }
    }

    static func isHashtag(_ s: String) -> Bool {
        guard s.hasPrefix("#"), s.count >= 2 else { return false }
        return s.dropFirst().allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0.unicodeScalars.allSatisfy { $0.properties.generalCategory == .nonspacingMark || $0.properties.generalCategory == .spacingMark } }
    }

    /// Why `s` is not acceptable text, or nil: empty, too long, control characters, bidi overrides.
    public static func textProblem(_ s: String, maximumLength: Int, isMultiline: Bool) -> String? {
        if s.allSatisfy(\.isWhitespace) { return "is empty" }
        let length = s.count
        if length > maximumLength { return "is \(length) characters long; the limit is \(maximumLength)" }
        for scalar in s.unicodeScalars {
            let v = scalar.value
            if isMultiline && (v == 0x0A || v == 0x09) { continue }
            if v < 0x20 || (0x7F...0x9F).contains(v) {
                return "holds the control character U+\(String(format: "%04X", v))\(isMultiline ? "" : " (line breaks and tabs are not allowed here)")"
            }
            if !isMultiline && (v == 0x2028 || v == 0x2029) {
                return "holds the line separator U+\(String(format: "%04X", v)) (line breaks are not allowed here)"
            }
            if (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) {
                return "holds the bidirectional override U+\(String(format: "%04X", v))"
            }
        }
        return nil
    }

    /// `s` with control characters shown as escapes and cut to 80 characters, safe to put in a message.
    static func quoted(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars.prefix(80) {
            let v = scalar.value
            if v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) {
                out += "\\u{\(String(v, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return s.unicodeScalars.count > 80 ? out + "..." : out
    }
}

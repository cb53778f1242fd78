/// A rule of an event type beyond each field's own check: across its fields, or against what the
/// ledger holds. The catalog lists each type's rules; the validator checks them in that order,
/// after the fields and before the references, and each refusal names the field at fault.
public enum EventRule: Sendable {
    /// The date (`YYYY-MM-DD`) in field `end` is not before the one in field `start`.
    case datesInOrder(start: String, end: String)
    /// The date-time in field `end` is after the one in field `start`.
    case instantsInOrder(start: String, end: String)
    /// The number in field `maximum` is above the one in field `minimum` (0 and 10 when absent).
    case scoreRange(minimum: String, maximum: String)
    /// Field `field` is required when field `condition` is `value`; else refused with `reason`.
    case required(String, when: String, is: String, reason: String)
    /// The contest the event names (field `contest`), when the ledger has it, is of this kind.
    case contestKind(String)
    /// When the event gives the array `options`, the value of field `field` is one of its elements.
    case amongOptions(field: String, options: String)
    /// When the entity `reference` names was stored with a non-empty array `options`, the value of
    /// field `field` is one of its elements.
    case amongOptionsOf(EntityReference, options: String, field: String)
    /// The fields are given all together or not at all; else the first missing one is refused.
    case allOrNone([String])
    /// Field `field`, when given, is an organisation identifier in IATI's org-id form: the
    /// registration agency's prefix (country or `XI`/`XM`, a hyphen, the agency) and the number,
    /// such as `GB-CHC-209131`.
    case organisationIdentifier(String)
    /// Field `field`, when given, begins with the value of field `prefix` and a hyphen, and goes on
    /// after it (an IATI activity identifier begins with its reporting organisation's identifier).
    case prefixedBy(field: String, prefix: String)
    /// A jury's score: field `criterion` names a criterion of the contest, and field `score` lies
    /// in the contest's range.
    case scoreFitsContest

    /// True for `AA-AGENCY-NUMBER`: two capital letters, a hyphen, an agency code of capital
    /// letters and digits, a hyphen, and the number (the org-id.guide form).
    static func isOrganisationIdentifier(_ value: String) -> Bool {
        let parts = value.split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false)
        func isCapitals(_ part: Substring, digits: Bool) -> Bool {
            !part.isEmpty && part.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || digits && ("0"..."9").contains($0) }
        }
        return parts.count == 3 && parts[0].count == 2 && isCapitals(parts[0], digits: false)
            && isCapitals(parts[1], digits: true) && !parts[2].isEmpty
    }

    /// The scores a contest gives when it names no `score_min` or `score_max`.
    static let defaultScoreRange = (minimum: 0.0, maximum: 10.0)

    /// Checks the rule on the values of an event of `type`.
    func check(_ values: [String: JSON], of type: EventType, in state: some LedgerState) throws(LedgerError) {
        func fail(_ field: String, _ reason: String) -> LedgerError { .invalidField(type: type.name, field: field, reason: reason) }
        func contest() throws(LedgerError) -> JSON? {
            guard let id = values["contest"]?.stringValue else { return nil }
            return try state.data(of: EntityKey(.contest, [id]))
        }
        switch self {
        case let .datesInOrder(startField, endField):
            func day(_ name: String) -> Int64? { values[name]?.stringValue.flatMap { Timestamp.days(ofDate: $0) } }
            if let start = day(startField), let end = day(endField), end < start { throw fail(endField, "is before \(startField)") }
        case let .instantsInOrder(startField, endField):
            func instant(_ name: String) -> Timestamp? { values[name]?.stringValue.flatMap { Timestamp(rfc3339: $0) } }
            if let start = instant(startField), let end = instant(endField), end <= start { throw fail(endField, "is not after \(startField)") }
        case let .scoreRange(minimumField, maximumField):
            let minimum = values[minimumField]?.doubleValue ?? Self.defaultScoreRange.minimum
            let maximum = values[maximumField]?.doubleValue ?? Self.defaultScoreRange.maximum
            if minimum >= maximum { throw fail(maximumField, "must be above \(minimumField) (\(minimum))") }
        case let .required(field, condition, value, reason):
            if values[condition]?.stringValue == value, values[field] == nil { throw fail(field, reason) }
        case .allOrNone(let fields):
            let given = fields.filter { values[$0] != nil }
            if !given.isEmpty, let missing = fields.first(where: { values[$0] == nil }) {
                throw fail(missing, "is required with \(given.joined(separator: ", ")) (give \(fields.joined(separator: ", ")) together)")
            }
        case .organisationIdentifier(let field):
            if let value = values[field]?.stringValue, !Self.isOrganisationIdentifier(value) {
                throw fail(field, "'\(EventValidator.quoted(value))' is not an org-id: give the registration agency's prefix and the number, such as GB-CHC-209131")
            }
        case let .prefixedBy(field, prefixField):
            if let value = values[field]?.stringValue, let prefix = values[prefixField]?.stringValue,
               !(value.hasPrefix(prefix + "-") && value.count > prefix.count + 1) {
                throw fail(field, "must begin with \(prefixField) and a hyphen ('\(EventValidator.quoted(prefix))-...')")
            }
        case .contestKind(let kind):
            if let contest = try contest(), let actual = contest["kind"]?.stringValue, actual != kind {
                throw fail("contest", "names a \(actual) contest; \(type.name) needs a \(kind) contest")
            }
        case let .amongOptions(field, optionsField):
            if let options = values[optionsField]?.arrayElements, let value = values[field], !options.contains(value) {
                throw fail(field, "must be one of the \(optionsField)")
            }
        case let .amongOptionsOf(reference, optionsField, field):
            let parts = reference.fields.compactMap { values[$0]?.stringValue }
            if parts.count == reference.fields.count,
               let stored = try state.data(of: EntityKey(reference.kind, parts)),
               let options = stored[optionsField]?.arrayElements, !options.isEmpty,
               let value = values[field], !options.contains(value) {
                let listed = options.compactMap(\.stringValue).joined(separator: ", ")
                throw fail(field, "must be one of the \(reference.kind)'s \(optionsField) (\(EventValidator.quoted(listed)))")
            }
        case .scoreFitsContest:
            if let contest = try contest() {
                if let criteria = contest["criteria"]?.objectMembers, let criterion = values["criterion"]?.stringValue,
                   !criteria.contains(where: { $0.key == criterion }) {
                    throw fail("criterion", "'\(EventValidator.quoted(criterion))' is not a criterion of this contest (\(criteria.map(\.key).joined(separator: ", ")))")
                }
                let minimum = contest["score_min"]?.doubleValue ?? Self.defaultScoreRange.minimum
                let maximum = contest["score_max"]?.doubleValue ?? Self.defaultScoreRange.maximum
                if let score = values["score"]?.doubleValue, score < minimum || score > maximum {
                    throw fail("score", "is \(score); this contest scores from \(minimum) to \(maximum)")
                }
            }
        }
    }
}

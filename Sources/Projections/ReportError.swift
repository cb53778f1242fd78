/// Why a report cannot be made as asked.
public enum ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The ledger has several of what the report is about; the caller must pick one.
    case choose(what: String, option: String, among: [String])
    /// The ledger has none of what was asked for.
    case notFound(what: String, id: String, among: [String])
    /// The ledger has nothing of that kind yet.
    case nothing(what: String)
    /// The ledger lacks what a format requires (IATI's reporting organisation): the reason says what to add.
    case incomplete(reason: String)
    /// The report asked for would be larger than any report is made: the reason says what to ask instead.
    case tooLarge(reason: String)

    public var description: String {
        switch self {
        case let .choose(what, option, among):
            "the ledger has \(among.count) \(what)s (\(among.joined(separator: ", "))); pick one with \(option)"
        case let .notFound(what, id, among):
            "no \(what) '\(id)' in the ledger" + (among.isEmpty ? "" : " (there are: \(among.joined(separator: ", ")))")
        case let .nothing(what):
            "the ledger has no \(what) yet"
        case .incomplete(let reason), .tooLarge(let reason):
            reason
        }
    }

    /// Picks the one id the report is about: the given one, or the only one there is.
    static func pick(_ given: String?, from ids: [String], what: String, option: String) throws(ReportError) -> String {
        if let given {
            guard ids.contains(given) else { throw .notFound(what: what, id: given, among: ids) }
            return given
        }
        guard let only = ids.first else { throw .nothing(what: what) }
        guard ids.count == 1 else { throw .choose(what: what, option: option, among: ids) }
        return only
    }
}

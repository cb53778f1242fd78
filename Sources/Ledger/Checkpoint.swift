/// A ledger's head at one moment, to be kept somewhere else and checked against it later.
///
/// The text form, which `ledgerctl checkpoint` prints and `verify --checkpoint` reads:
/// ```
/// ledger-checkpoint/1
/// seq: 2000
/// sha256: 5f1c...e9 (64 hex digits: the SHA-256 of line `seq`, without its line feed)
/// recorded_at: 2017-11-30T07:00:00.000Z
/// ```
public struct Checkpoint: Sendable, Equatable, CustomStringConvertible {
    /// The seq of the head line (0 for an empty ledger).
    public let seq: Int64
    /// The SHA-256 of the head line: the `prev` the next line will carry.
    public let hash: SHA256.Digest
    /// When the head line was recorded (informative; not checked).
    public let recordedAt: String?

    public init(seq: Int64, hash: SHA256.Digest, recordedAt: String?) {
        self.seq = seq
        self.hash = hash
        self.recordedAt = recordedAt
    }

    /// The first line of the text form.
    public static let header = "ledger-checkpoint/1"

    /// What is trimmed from each line and each name and value.
    static let blank = " \t\u{0B}\u{0C}\r"

    /// The text form, ending in a line feed.
    public var description: String {
        var text = "\(Checkpoint.header)\nseq: \(seq)\nsha256: \(hash.hex)\n"
        if let recordedAt { text += "recorded_at: \(recordedAt)\n" }
        return text
    }

    /// Reads the text form.
    /// - Throws: `LedgerError.invalidArgument` saying what is wrong.
    public init(text: String, source: String) throws(LedgerError) {
        // Lines end in LF, CRLF or CR; each is trimmed of ASCII white space (space, tab, VT, FF,
        // CR), and blank ones are skipped: as `audit_chain.py` reads a checkpoint.
        let lines = text.unicodeScalars.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { String(String.UnicodeScalarView($0)).trimmingCharacters(in: Checkpoint.blank) }
            .filter { !$0.isEmpty }
        guard lines.first == Checkpoint.header else {
            throw .invalidArgument("\(source) is not a checkpoint (its first line must be '\(Checkpoint.header)')")
        }
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw .invalidArgument("\(source): '\(line)' is not 'name: value'") }
            let name = String(line[..<colon]).trimmingCharacters(in: Checkpoint.blank)
            guard fields[name] == nil else { throw .invalidArgument("\(source): '\(name)' is given twice") }
            fields[name] = line[line.index(after: colon)...].trimmingCharacters(in: Checkpoint.blank)
        }
        // Digits only, without a sign or a leading zero: one spelling per seq, as `audit_chain.py` reads it.
        guard let seqText = fields["seq"], seqText.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              seqText == "0" || !seqText.hasPrefix("0"), let seq = Int64(seqText) else {
            throw .invalidArgument("\(source): 'seq' is missing or not a whole number")
        }
        guard let hashText = fields["sha256"], let hash = SHA256.Digest(hex: hashText) else {
            throw .invalidArgument("\(source): 'sha256' is missing or not 64 lowercase hex digits")
        }
        guard seq > 0 || hash == .zero else {
            throw .invalidArgument("\(source): a checkpoint of seq 0 (the empty ledger) must have a 'sha256' of 64 zeros; no line has this one")
        }
        self.init(seq: seq, hash: hash, recordedAt: fields["recorded_at"])
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, set.contains(last) { scalars.removeLast() }
        return String(scalars)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}

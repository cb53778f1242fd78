import Foundation

/// An instant written in RFC 3339 form, or a local wall-clock time to be read in a time zone.
///
/// The ledger keeps timestamps as the text it was given; this type checks that text and turns it
/// into an instant (milliseconds since 1970-01-01T00:00:00Z) when a rule needs one.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch, UTC.
    public let millisecondsSinceEpoch: Int64

    /// Creates the instant that many milliseconds after the epoch.
    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// The instant in the form the ledger writes `recorded_at`: `2017-11-30T03:00:00.000Z`.
    public var description: String {
        let (year, month, day, secondOfDay, fraction) = fields
        guard (0...9999).contains(year) else { return Timestamp.paddedText(year, month, day, secondOfDay, fraction) }
        return String(unsafeUninitializedCapacity: 24) { text in
            var at = 0
            func put(_ value: Int64, _ width: Int, _ after: Unicode.Scalar) {
                Timestamp.writeDigits(value, width: width, into: text, at: at)
                text[at + width] = UInt8(after.value)
                at += width + 1
            }
            put(year, 4, "-")
            put(month, 2, "-")
            put(day, 2, "T")
            put(secondOfDay / 3600, 2, ":")
            put(secondOfDay / 60 % 60, 2, ":")
            put(secondOfDay % 60, 2, ".")
            put(fraction, 3, "Z")
            return at
        }
    }

    /// The instant's fields in UTC: the proleptic Gregorian date, the second of the day and the millisecond.
    public var fields: (year: Int64, month: Int64, day: Int64, secondOfDay: Int64, millisecond: Int64) {
        let millis = millisecondsSinceEpoch
        let seconds = millis.floorDivided(by: 1000)
        let days = seconds.floorDivided(by: 86_400)
        let (year, month, day) = Timestamp.civil(fromDays: days)
        // Remainders, not `millis - seconds * 1000`: that product passes Int64 at its smallest values.
        return (year, month, day, (seconds % 86_400 + 86_400) % 86_400, (millis % 1000 + 1000) % 1000)
    }

    /// Writes `value` (0 or more, at most `width` digits) as `width` decimal digits, zeros first.
    public static func writeDigits(_ value: Int64, width: Int, into text: UnsafeMutableBufferPointer<UInt8>, at position: Int) {
        var value = value
        for k in stride(from: position + width - 1, through: position, by: -1) {
            text[k] = UInt8(ascii: "0") + UInt8(value % 10)
            value /= 10
        }
    }

    /// `description` for a year outside 0-9999, each number padded to its width but not cut.
    private static func paddedText(_ year: Int64, _ month: Int64, _ day: Int64, _ secondOfDay: Int64, _ fraction: Int64) -> String {
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(fraction, 3))Z"
    }

    /// The Foundation date of this instant.
    public var date: Date {
        Date(timeIntervalSince1970: Double(millisecondsSinceEpoch) / 1000)
    }

    /// The first instant the ledger writes or reads: 0001-01-01T00:00:00.000Z.
    public static let earliest = Timestamp(millisecondsSinceEpoch: daysFromCivil(year: 1, month: 1, day: 1) * 86_400_000)
    /// The last instant the ledger writes or reads: 9999-12-31T23:59:59.999Z.
    public static let latest = Timestamp(millisecondsSinceEpoch: daysFromCivil(year: 9999, month: 12, day: 31) * 86_400_000 + 86_399_999)

    /// True when the instant lies in the years 0001 to 9999, which RFC 3339 can write.
    public var isInRange: Bool { self >= Timestamp.earliest && self <= Timestamp.latest }

    /// The clock pinned by `SOURCE_DATE_EPOCH`, or nil when it is not set.
    /// - Throws: `LedgerError.invalidArgument` when it is set but not whole seconds since
    ///   1970-01-01T00:00:00Z in the years 0001-9999 (milliseconds, fractions, words, overflow):
    ///   reproducible-builds.org asks a tool to stop rather than ignore a malformed value.
    public static func pinnedClock(in environment: [String: String]) throws(LedgerError) -> Timestamp? {
        guard let text = environment["SOURCE_DATE_EPOCH"] else { return nil }
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.count <= 12, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let seconds = Int64(text),
              case let instant = Timestamp(millisecondsSinceEpoch: seconds * 1000), instant.isInRange else {
            throw .invalidArgument("SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01T00:00:00Z, from \(earliest.millisecondsSinceEpoch / 1000) "
                                   + "to \(latest.millisecondsSinceEpoch / 1000) (years 0001-9999), such as 1511978400; it is '\(text)'")
        }
        return instant
    }

    /// The recording clock: `SOURCE_DATE_EPOCH` when set (for reproducible builds), else the system's.
    /// - Throws: `LedgerError.invalidArgument` when `SOURCE_DATE_EPOCH` is malformed, or when the
    ///   system clock stands outside the years 0001-9999 (a time that cannot be written is refused, not written).
    public static func now(environment: [String: String] = ProcessInfo.processInfo.environment) throws(LedgerError) -> Timestamp {
        if let pinned = try pinnedClock(in: environment) { return pinned }
        let seconds = Date().timeIntervalSince1970
        guard seconds.isFinite, seconds * 1000 > Double(earliest.millisecondsSinceEpoch), seconds * 1000 < Double(latest.millisecondsSinceEpoch) else {
            throw .invalidArgument("the system clock reads \(seconds) seconds since 1970, outside the years 0001-9999; set the clock (or SOURCE_DATE_EPOCH)")
        }
        return Timestamp(millisecondsSinceEpoch: Int64((seconds * 1000).rounded(.down)))
    }
}

// MARK: - Parsing

extension Timestamp {
    /// Parses an RFC 3339 date-time with an offset: `2017-11-30T09:00:00+06:00`, `...Z`,
    /// seconds optional fraction. Returns nil for anything else, a missing offset included.
    public init?(rfc3339 text: String) {
        self.init(rfc3339: Array(text.utf8))
    }

    /// `init?(rfc3339:)` for the text's UTF-8 bytes.
    public init?(rfc3339 text: [UInt8]) {
        guard let instant = text.withUnsafeBufferPointer({ Timestamp(rfc3339: $0) }) else { return nil }
        self = instant
    }

    /// `init?(rfc3339:)` for the text's UTF-8 bytes.
    public init?(rfc3339 text: UnsafeBufferPointer<UInt8>) {
        guard let parts = Timestamp.parseLocal(text, requireOffset: true), let offset = parts.offsetSeconds,
              case let instant = Timestamp(millisecondsSinceEpoch: parts.localMilliseconds - offset * 1000), instant.isInRange else {
            return nil // an offset must not carry the instant out of the years 0001-9999
        }
        self = instant
    }

    /// Parses a deadline: an RFC 3339 date-time with an offset, or a local wall-clock time
    /// (`2017-11-29T12:00` or `2017-11-29T12:00:00`) read in `timeZone` by its rules for that date.
    public init?(deadline text: String, timeZone: TimeZone) {
        guard let parts = Array(text.utf8).withUnsafeBufferPointer({ Timestamp.parseLocal($0, requireOffset: false) }) else { return nil }
        if let offset = parts.offsetSeconds {
            self.init(millisecondsSinceEpoch: parts.localMilliseconds - offset * 1000)
            return
        }
        // The offset in force at that wall-clock time: try the offset at the naive UTC reading, then refine once.
        let naive = Date(timeIntervalSince1970: Double(parts.localMilliseconds) / 1000)
        var offset = Int64(timeZone.secondsFromGMT(for: naive))
        let refined = Int64(timeZone.secondsFromGMT(for: naive.addingTimeInterval(-Double(offset))))
        if refined != offset { offset = refined }
        self.init(millisecondsSinceEpoch: parts.localMilliseconds - offset * 1000)
    }

    /// True when `text` is a local wall-clock time without an offset (it needs a time zone).
    public static func isLocal(_ text: String) -> Bool {
        guard let parts = Array(text.utf8).withUnsafeBufferPointer({ parseLocal($0, requireOffset: false) }) else { return false }
        return parts.offsetSeconds == nil
    }

    /// Checks a calendar date `YYYY-MM-DD`; returns the days since 1970-01-01, or nil.
    public static func days(ofDate text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let year = number(b, 0, 4), let month = number(b, 5, 2), let day = number(b, 8, 2),
              isValidDate(year: year, month: month, day: day) else { return nil }
        return daysFromCivil(year: year, month: month, day: day)
    }

    private struct LocalParts {
        var localMilliseconds: Int64
        var offsetSeconds: Int64?
    }

    private static func parseLocal(_ b: UnsafeBufferPointer<UInt8>, requireOffset: Bool) -> LocalParts? {
        // YYYY-MM-DDTHH:MM[:SS[.fff...]][Z|+HH:MM|-HH:MM]
        guard b.count >= 16, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"),
              let year = number(b, 0, 4), let month = number(b, 5, 2), let day = number(b, 8, 2),
              let hour = number(b, 11, 2), let minute = number(b, 14, 2),
              isValidDate(year: year, month: month, day: day), hour < 24, minute < 60 else { return nil }
        var i = 16
        var second: Int64 = 0
        var millis: Int64 = 0
        if i < b.count, b[i] == UInt8(ascii: ":") {
            guard let s = number(b, i + 1, 2), s < 60 else { return nil }
            second = s
            i += 3
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                let fractionStart = i
                var scale: Int64 = 100
                while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") {
                    millis += Int64(b[i] - UInt8(ascii: "0")) * scale
                    scale /= 10
                    i += 1
                }
                guard i > fractionStart, i - fractionStart <= 9 else { return nil }
            }
        } else if requireOffset {
            return nil // an instant needs its seconds: 2017-11-30T09:00:00+06:00
        }
        var offset: Int64?
        if i < b.count {
            if b[i] == UInt8(ascii: "Z"), i + 1 == b.count {
                offset = 0
            } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), i + 6 == b.count, b[i + 3] == UInt8(ascii: ":"),
                      let oh = number(b, i + 1, 2), let om = number(b, i + 4, 2), oh <= 18, om < 60 {
                offset = (b[i] == UInt8(ascii: "-") ? -1 : 1) * (oh * 3600 + om * 60)
            } else {
                return nil
            }
        } else if requireOffset {
            return nil
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let local = ((days * 24 + hour) * 60 + minute) * 60 + second
        return LocalParts(localMilliseconds: local * 1000 + millis, offsetSeconds: offset)
    }

    private static func number<Bytes: RandomAccessCollection<UInt8>>(_ b: Bytes, _ start: Int, _ length: Int) -> Int64? where Bytes.Index == Int {
        guard start + length <= b.count else { return nil }
        var value: Int64 = 0
        for k in start..<(start + length) {
            let c = b[k]
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(c - UInt8(ascii: "0"))
        }
        return value
    }

    private static func isValidDate(year: Int64, month: Int64, day: Int64) -> Bool {
        guard year >= 1, month >= 1, month <= 12, day >= 1 else { return false }
        let lengths: [Int64] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return day <= lengths[Int(month - 1)] + (month == 2 && isLeap ? 1 : 0)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400)
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    public static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int64 {
    /// The quotient rounded towards minus infinity (`-1 / 1000` is `-1`, not `0`).
    public func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

import Foundation
import Ledger

/// What `engagement.scheduled` said, with its deadline read in its own time zone.
public struct EngagementInfo: Sendable {
    public var id: String
    public var project: String
    public var title: String
    public var startsAt: Timestamp?
    public var endsAt: Timestamp?
    public var timeZone: TimeZone
    public var venue: String?
    public var rsvpDeadline: Timestamp?
    public var capacity: Int?

    /// Reads an `engagement.scheduled` event.
    init?(_ event: ReplayedEvent) {
        let data = event.data
        guard event.is(.engagementScheduled), let id = data["engagement"]?.stringValue else { return nil }
        self.id = id
        project = data["project"]?.stringValue ?? ""
        title = data["title"]?.stringValue ?? id
        startsAt = data["starts_at"]?.stringValue.flatMap { Timestamp(rfc3339: $0) }
        endsAt = data["ends_at"]?.stringValue.flatMap { Timestamp(rfc3339: $0) }
        venue = data["venue"]?.stringValue
        timeZone = data["time_zone"]?.stringValue.flatMap { TimeZone(identifier: $0) } ?? TimeZone(identifier: "UTC")!
        rsvpDeadline = data["rsvp_deadline"]?.stringValue.flatMap { [timeZone] in Timestamp(deadline: $0, timeZone: timeZone) }
        capacity = data["capacity"]?.integerValue.map(Int.init)
    }

    init(id: String, project: String, title: String, startsAt: Timestamp?, endsAt: Timestamp?, timeZone: TimeZone, venue: String?,
         rsvpDeadline: Timestamp?, capacity: Int?) {
        self.id = id
        self.project = project
        self.title = title
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.timeZone = timeZone
        self.venue = venue
        self.rsvpDeadline = rsvpDeadline
        self.capacity = capacity
    }

    /// `instant` as local wall-clock time in the engagement's zone: `2017-11-29 12:00`.
    public func localTime(_ instant: Timestamp) -> String {
        LocalTime.format(instant, in: timeZone)
    }
}

/// Formats instants as local wall-clock times, the way people at the engagement read them.
public enum LocalTime {
    /// `2017-11-29 12:00` in `zone`, by the zone's rules for that date; seconds are shown when
    /// there are any (`12:00:01`), so that a time just past a deadline never reads as the deadline.
    public static func format(_ instant: Timestamp, in zone: TimeZone) -> String {
        text(instant, in: zone, upTo: .second)
    }

    /// The calendar month `2017-11` of `instant` in `zone`.
    public static func month(_ instant: Timestamp, in zone: TimeZone) -> String {
        text(instant, in: zone, upTo: .month)
    }

    /// The calendar date `2017-11-30` of `instant` in `zone`.
    public static func day(_ instant: Timestamp, in zone: TimeZone) -> String {
        text(instant, in: zone, upTo: .day)
    }

    private enum Part { case month, day, second }

    /// `2017-11-29 12:00[:01]` in `zone`, up to `part`, written digit by digit.
    private static func text(_ instant: Timestamp, in zone: TimeZone, upTo part: Part) -> String {
        let offset = Int64(zone.secondsFromGMT(for: instant.date)) * 1000
        let local = Timestamp(millisecondsSinceEpoch: instant.millisecondsSinceEpoch.adding(saturating: offset))
        let (year, month, day, secondOfDay, millisecond) = local.fields
        guard (0...9999).contains(year) else { // a year of five digits: as the full text has it, cut
            let shifted = local.description
            let seconds = shifted.dropFirst(17).prefix(2)
            let minute = String(shifted.prefix(10)) + " " + String(shifted.dropFirst(11).prefix(5))
            let whole = seconds == "00" && shifted.dropFirst(20).prefix(3) == "000" ? minute : minute + ":" + seconds
            return String(whole.prefix(part == .month ? 7 : part == .day ? 10 : whole.count))
        }
        // A date of 15 bytes or fewer is made in place, without an allocation.
        return String(unsafeUninitializedCapacity: part == .second ? 19 : 10) { text in
            var at = 0
            func put(_ value: Int64, _ width: Int, after: Unicode.Scalar?) {
                Timestamp.writeDigits(value, width: width, into: text, at: at)
                at += width
                if let after {
                    text[at] = UInt8(after.value)
                    at += 1
                }
            }
            put(year, 4, after: "-")
            put(month, 2, after: part == .month ? nil : "-")
            guard part != .month else { return at }
            put(day, 2, after: part == .day ? nil : " ")
            guard part != .day else { return at }
            put(secondOfDay / 3600, 2, after: ":")
            let seconds = secondOfDay % 60
            put(secondOfDay / 60 % 60, 2, after: seconds == 0 && millisecond == 0 ? nil : ":")
            if seconds != 0 || millisecond != 0 { put(seconds, 2, after: nil) }
            return at
        }
    }
}

import Testing
@testable import Ledger

/// Event type names are compared and hashed by a code when they are known, and as text when
/// they are not: either way, as their text is.
@Suite struct EventTypeNameTests {
    @Test func everyCatalogTypeIsKnownOnce() {
        for type in EventCatalog.version1.types {
            #expect(type.typeName.isKnown, "\(type.name)")
        }
        #expect(EventTypeName.participantErased.isKnown)
        #expect(Set(EventTypeName.known).count == EventTypeName.known.count)
    }

    @Test func aNameEqualsTheConstantHoweverItWasMade() {
        let made = EventTypeName(rawValue: "rsvp." + "submitted")
        let read = Array("rsvp.submitted".utf8).withUnsafeBufferPointer { EventTypeName(utf8: $0) }
        for name in [made, read] {
            #expect(name == .rsvpSubmitted && name.rawValue == "rsvp.submitted")
            #expect(name.hashValue == EventTypeName.rsvpSubmitted.hashValue)
            #expect(name != .rsvpCancelled)
        }
    }

    @Test func otherNamesCompareAsText() {
        let sent = EventTypeName(rawValue: "rsvp.sent")
        #expect(sent == EventTypeName(rawValue: "rsvp.sent") && sent.rawValue == "rsvp.sent")
        #expect(sent != EventTypeName(rawValue: "rsvp.seen") && sent != .rsvpSubmitted && !sent.isKnown)
        // Canonically equivalent texts are equal strings, and so equal names, with one hash.
        let composed = EventTypeName(rawValue: "caf\u{E9}.opened")
        let decomposed = Array("cafe\u{301}.opened".utf8).withUnsafeBufferPointer { EventTypeName(utf8: $0) }
        #expect(composed == decomposed && composed.hashValue == decomposed.hashValue)
        let names: Set<EventTypeName> = [.rsvpSubmitted, sent, composed, EventTypeName(rawValue: "rsvp.submitted")]
        #expect(names.count == 3 && names.contains(decomposed) && names.contains(EventTypeName(rawValue: "rsvp.sent")))
    }
}

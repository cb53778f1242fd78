import Testing
@testable import Ledger

/// An import makes each line up to its `prev`, and hashes it that far, on the other core; the
/// writer then ends it with the hash of the line before. The line so made, and its hash, must be
/// exactly the line and hash made whole at once.
@Suite struct LineBeforePrevTests {
    static let datas: [JSON] = [
        .object([]),
        .object([("participant", .string("p1")), ("name", .string("Айгүл \"Ә\" \\ \u{1}")), ("n", .double(-2.5e3))]),
        .object([("text", .string(String(repeating: "ұзақ мәтін ", count: 300)))]), // many blocks
    ]

    @Test(arguments: 0..<3)
    func aLineEndedWithItsPrevIsTheLineMadeWhole(dataIndex: Int) {
        for (k, prev) in [SHA256.Digest.zero, SHA256.hash(Array("x".utf8)), SHA256.hash(Array("previous line".utf8))].enumerated() {
            for actor in [nil, "desk-1"] as [String?] {
                for batch in [nil, StoredEvent.Batch(first: 3, count: 9)] as [StoredEvent.Batch?] {
                    let whole = StoredEvent(seq: 3 + Int64(k), id: "e-\(k)", type: "participant.registered", occurredAt: "2017-11-30T09:00:00+06:00",
                                            recordedAt: "2017-11-30T03:00:00.000Z", actor: actor, batch: batch, data: Self.datas[dataIndex], prev: prev)
                    var unended = whole
                    unended.prev = .zero
                    let start = unended.lineBeforePrev
                    #expect(start + StoredEvent.prevTail(prev) == whole.line)
                    // Hashed in two steps, split where the other core stops.
                    var hasher = SHA256()
                    hasher.update(start)
                    hasher.update(StoredEvent.prevTail(prev))
                    #expect(hasher.finalize() == SHA256.hash(whole.line))
                }
            }
        }
    }
}

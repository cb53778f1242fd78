import Foundation
import Ledger

/// The proposals fold's state, for `SavedFold`: erasures, engagement time zones, one entry per
/// proposal in the order first submitted, and the register's rows as positions among them.
extension ProposalsProjection: SavedFold {
    static let stateVersion: UInt32 = 3

    var stateName: String { "proposals" }

    func writeState(to out: inout StateEncoder) {
        out.write(erased.sorted())
        out.write(zones.keys.sorted()) { out, engagement in
            out.write(engagement)
            out.write(zones[engagement]!.identifier)
        }
        out.write(proposals) { out, proposal in
            out.write(proposal.id)
            out.write(proposal.engagement)
            out.write(proposal.participant)
            out.write(proposal.theme)
            out.write(proposal.title)
            out.write(proposal.district)
            out.write(proposal.submittedAt)
            out.write(Int64(proposal.supports))
            out.write(proposal.history) { out, change in
                out.write(change.status)
                out.write(change.at)
                out.write(change.note)
            }
        }
        out.writePlain(order.map(Int64.init))
    }

    init(decoding input: StateDecoder, scopeOf empty: ProposalsProjection) throws(StateDecoder.Malformed) {
        var input = input
        self.init()
        erased = Set(try input.strings())
        for (engagement, identifier) in try input.array({ input throws(StateDecoder.Malformed) in (try input.string(), try input.string()) }) {
            guard let zone = TimeZone(identifier: identifier) else { throw StateDecoder.Malformed() }
            zones[engagement] = zone
        }
        proposals = try input.array { input throws(StateDecoder.Malformed) in
            Proposal(id: try input.string(), engagement: try input.string(), participant: try input.string(), theme: try input.string(),
                     title: try input.string(), district: try input.optionalString(), submittedAt: try input.optionalTimestamp(),
                     supports: Int(try input.count()),
                     history: try input.array { input throws(StateDecoder.Malformed) in
                         (try input.string(), try input.optionalTimestamp(), try input.optionalString())
                     })
        }
        let positions = try input.plainArray(of: Int64.self)
        guard positions.allSatisfy({ (0..<Int64(proposals.count)).contains($0) }) else { throw StateDecoder.Malformed() }
        order = positions.map { Int($0) }
        isIndexed = false
        try input.requireEnd()
    }
}

import Foundation
import Ledger

/// The proposals fold's state, for `SavedFold`: proposals in the order submitted, erasures and
/// engagement time zones.
extension ProposalsProjection: SavedFold {
    static let stateVersion: UInt32 = 2

    var stateName: String { "proposals" }

    func writeState(to out: inout StateEncoder) {
        out.write(erased.sorted())
        out.write(zones.keys.sorted()) { out, engagement in
            out.write(engagement)
            out.write(zones[engagement]!.identifier)
        }
        out.write(order) { out, id in
            let proposal = proposals[id]!
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
    }

    init(decoding input: StateDecoder, scopeOf empty: ProposalsProjection) throws(StateDecoder.Malformed) {
        var input = input
        self.init()
        erased = Set(try input.strings())
        for (engagement, identifier) in try input.array({ input throws(StateDecoder.Malformed) in (try input.string(), try input.string()) }) {
            guard let zone = TimeZone(identifier: identifier) else { throw StateDecoder.Malformed() }
            zones[engagement] = zone
        }
        let list = try input.array({ input throws(StateDecoder.Malformed) in
            Proposal(id: try input.string(), engagement: try input.string(), participant: try input.string(), theme: try input.string(),
                     title: try input.string(), district: try input.optionalString(), submittedAt: try input.optionalTimestamp(),
                     supports: Int(try input.int64()),
                     history: try input.array { input throws(StateDecoder.Malformed) in
                         (try input.string(), try input.optionalTimestamp(), try input.optionalString())
                     })
        })
        order.reserveCapacity(list.count)
        proposals.reserveCapacity(list.count)
        for proposal in list {
            order.append(proposal.id)
            proposals[proposal.id] = proposal
        }
        try input.requireEnd()
    }
}

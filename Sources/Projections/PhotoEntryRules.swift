import Foundation
import Ledger

/// The rules a photo contest's entry must meet, judged in one place for the standings (which
/// say why an entry is not eligible) and the impact report (which counts eligible entries).
public enum PhotoEntryRule: Sendable, Equatable {
    /// Posted after the entry deadline.
    case late(posted: Timestamp, deadline: Timestamp)
    /// A required hashtag (as the contest spells it) is not in the caption.
    case missingHashtag(String)
    /// Posted elsewhere than Facebook or Instagram.
    case platform(String)
    /// The author did not check in at the contest's engagement.
    case absent

    /// The platforms an entry may be posted on.
    static let platforms: Set<String> = ["facebook", "instagram"]

    /// The rules an entry breaks, in the order the standings list them.
    /// - Parameters:
    ///   - required: the contest's required hashtags as it spells them.
    ///   - attended: whether the author checked in (nil: not judged here, the caller judges it later).
    static func broken(postedAt: Timestamp?, deadline: Timestamp?, caption: String, required: [String], platform: String,
                       attended: Bool?) -> [PhotoEntryRule] {
        var broken: [PhotoEntryRule] = []
        if let deadline, let postedAt, postedAt > deadline { broken.append(.late(posted: postedAt, deadline: deadline)) }
        let tags = StandingsProjection.hashtags(in: caption)
        for tag in required where !tags.contains(StandingsProjection.normalisedHashtag(tag)) { broken.append(.missingHashtag(tag)) }
        if !platforms.contains(platform) { broken.append(.platform(platform)) }
        if attended == false { broken.append(.absent) }
        return broken
    }
}

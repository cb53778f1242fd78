/// Suggestions for a mistyped name: the one known name nearest by edit distance.
public enum Spelling {
    /// The name in `candidates` closest to `word` (Levenshtein distance, case-insensitive), when
    /// it is close enough to be a likely typo: at most a third of the longer word's letters
    /// differ (at least one). Ties go to a candidate with the same first letter, then to the first.
    public static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        let target = Array(word.lowercased())
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let distance = Self.distance(target, Array(candidate.lowercased()))
            let allowed = max(1, max(target.count, candidate.count) / 3)
            let sameStart = candidate.lowercased().first == target.first
            let isBetter = distance < (best?.distance ?? .max)
                || (distance == best?.distance && sameStart && best?.name.lowercased().first != target.first)
            guard distance <= allowed, isBetter else { continue }
            best = (candidate, distance)
        }
        return best?.name
    }

    /// `" (did you mean 'NAME'?)"` for the closest candidate, or nothing.
    public static func suggestion(for word: String, among candidates: some Sequence<String>) -> String {
        closest(to: word, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// The Levenshtein distance: insertions, deletions and substitutions, one row at a time.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

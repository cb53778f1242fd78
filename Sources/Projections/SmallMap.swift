/// A map for a handful of entries (a person's engagements): an array of pairs, much lighter than
/// a `Dictionary` when a fold keeps one per person for hundreds of thousands of people.
struct SmallMap<Value: Sendable>: Sendable, Sequence {
    private(set) var entries: [(key: String, value: Value)] = []

    subscript(key: String) -> Value? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    var count: Int { entries.count }
    var keys: [String] { entries.map(\.key) }
    var values: [Value] { entries.map(\.value) }

    /// The entries that satisfy `isIncluded`, as a map.
    func filter(_ isIncluded: ((key: String, value: Value)) -> Bool) -> SmallMap {
        var out = SmallMap()
        out.entries = entries.filter(isIncluded)
        return out
    }

    func makeIterator() -> IndexingIterator<[(key: String, value: Value)]> {
        entries.makeIterator()
    }
}

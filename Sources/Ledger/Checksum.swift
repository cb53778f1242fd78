/// The one checksum of the ledger's derived files (index slots and offsets, saved fold
/// states): 64-bit FNV-1a over little-endian 8-byte words, then over any bytes left.
///
/// It catches damage (a zeroed page, random bytes, a torn write), not forgery: each step is a
/// bijection of the running value, so a change in any one word always changes the result.
enum Checksum {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// The checksum of `words`.
    @inline(__always)
    static func of(words: UInt64...) -> UInt64 {
        var hash = offsetBasis
        for word in words { hash = (hash ^ word) &* prime }
        return hash
    }

    /// The checksum of `bytes`: its 8-byte words, then its last bytes one at a time.
    static func of(bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.withUnsafeBytes { of(bytes: $0) }
    }

    /// The checksum of the bytes of `pieces` one after another, as `of(bytes:)` of them joined;
    /// every piece but the last holds a whole number of words.
    static func of(pieces: [[UInt8]]) -> UInt64 {
        var hash = offsetBasis
        for (k, piece) in pieces.enumerated() {
            precondition(k == pieces.count - 1 || piece.count % 8 == 0, "a piece ends inside a word")
            piece.withUnsafeBytes { hash = of(bytes: $0, from: hash) }
        }
        return hash
    }

    /// The checksum of `raw`, as `of(bytes:)` (also the fingerprint of an id in `verify`'s set of ids seen).
    static func of(bytes raw: UnsafeRawBufferPointer, from start: UInt64 = offsetBasis) -> UInt64 {
        var hash = start
        do {
            var k = 0
            while k + 8 <= raw.count {
                hash = (hash ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k, as: UInt64.self))) &* prime
                k += 8
            }
            while k < raw.count {
                hash = (hash ^ UInt64(raw[k])) &* prime
                k += 1
            }
        }
        return hash
    }
}

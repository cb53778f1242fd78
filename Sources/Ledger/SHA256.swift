/// SHA-256 (FIPS 180-4), written here because Foundation on Linux has no digest API.
///
/// Feed bytes with `update(_:)` as many times as needed, then call `finalize()` once:
/// ```
/// var hasher = SHA256()
/// hasher.update(line)
/// let digest = hasher.finalize()   // 32 bytes
/// ```
/// `SHA256.hash(_:)` hashes a buffer in one call without allocating: the ledger hashes every
/// line it reads, so this is a hot path.
public struct SHA256: Sendable {
    private var state = SHA256.initialState
    /// Bytes not yet compressed (fewer than 64), in a fixed buffer: no allocation per hasher.
    private var pending = Block()
    private var pendingCount = 0
    private var byteCount: UInt64 = 0

    static let initialState: State = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a,
        0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )

    typealias State = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

    /// 64 bytes on the stack.
    struct Block {
        var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    }

    /// Creates a hasher in its initial state.
    public init() {}

    /// The digest of `bytes` in one call.
    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> Digest where Bytes.Element == UInt8 {
        if let digest = bytes.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(bytes).withUnsafeBytes { hash($0) }
    }

    /// The digest of the bytes of `buffer`.
    public static func hash(_ buffer: UnsafeRawBufferPointer) -> Digest {
        var hasher = SHA256()
        hasher.update(buffer)
        return hasher.finalize()
    }

    /// Adds `bytes` to the message.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            self.update(UnsafeRawBufferPointer(buffer))
        }
        if handled == nil {
            Array(bytes).withUnsafeBytes { self.update($0) }
        }
    }

    /// Adds the bytes of `buffer` to the message.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        byteCount &+= UInt64(buffer.count)
        var offset = 0
        if pendingCount > 0 {
            let take = min(64 - pendingCount, buffer.count)
            withUnsafeMutableBytes(of: &pending) { block in
                (block.baseAddress! + pendingCount).copyMemory(from: base, byteCount: take)
            }
            pendingCount += take
            offset = take
            guard pendingCount == 64 else { return }
            let block = pending
            withUnsafeBytes(of: block) { SHA256.compress(&state, blocks: $0.baseAddress!, count: 1) }
            pendingCount = 0
        }
        let whole = (buffer.count - offset) / 64
        if whole > 0 {
            SHA256.compress(&state, blocks: base + offset, count: whole)
            offset += whole * 64
        }
        let rest = buffer.count - offset
        if rest > 0 {
            withUnsafeMutableBytes(of: &pending) { block in
                block.baseAddress!.copyMemory(from: base + offset, byteCount: rest)
            }
            pendingCount = rest
        }
    }

    /// Pads the message and returns its digest; the hasher must not be used afterwards.
    public mutating func finalize() -> Digest {
        let bitLength = byteCount &* 8
        var tail = (Block(), Block()) // 128 bytes: room for the padding of any remainder
        let blocks = pendingCount < 56 ? 1 : 2
        withUnsafeMutableBytes(of: &tail) { bytes in
            withUnsafeBytes(of: pending) { bytes.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: pendingCount) }
            bytes[pendingCount] = 0x80
            let end = blocks * 64
            for k in 0..<8 { bytes[end - 1 - k] = UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(k))) }
        }
        withUnsafeBytes(of: tail) { SHA256.compress(&state, blocks: $0.baseAddress!, count: blocks) }
        pendingCount = 0
        let s = state
        return Digest(high: UInt64(s.0) << 32 | UInt64(s.1), second: UInt64(s.2) << 32 | UInt64(s.3),
                      third: UInt64(s.4) << 32 | UInt64(s.5), low: UInt64(s.6) << 32 | UInt64(s.7))
    }

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
        (x >> n) | (x << (32 - n))
    }

    /// One round: `d` and `h` take their new values (the caller rotates the roles of the words).
    @inline(__always)
    private static func round(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
                              _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32) {
        let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
        let choice = g ^ (e & (f ^ g)) // (e & f) ^ (~e & g), one operation fewer
        let t1 = h &+ s1 &+ choice &+ kw
        let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
        let majority = (a & b) | (c & (a | b)) // (a & b) ^ (a & c) ^ (b & c), one operation fewer
        d = d &+ t1
        h = t1 &+ s0 &+ majority
    }

    /// Compresses `count` 64-byte blocks starting at `blocks` into `state`.
    private static func compress(_ state: inout State, blocks: UnsafeRawPointer, count: Int) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            roundConstants.withUnsafeBufferPointer { k in
                var (a0, b0, c0, d0, e0, f0, g0, h0) = state
                for block in 0..<count {
                    let p = blocks + block * 64
                    for t in 0..<16 {
                        w[t] = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: t * 4, as: UInt32.self))
                    }
                    for t in 16..<64 {
                        let x = w[t - 15], y = w[t - 2]
                        let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3)
                        let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >> 10)
                        w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
                    }
                    var (a, b, c, d, e, f, g, h) = (a0, b0, c0, d0, e0, f0, g0, h0)
                    // Eight rounds at a time, the roles of the eight words rotating through the
                    // arguments instead of the words moving between variables.
                    for t in stride(from: 0, to: 64, by: 8) {
                        round(a, b, c, &d, e, f, g, &h, k[t] &+ w[t])
                        round(h, a, b, &c, d, e, f, &g, k[t + 1] &+ w[t + 1])
                        round(g, h, a, &b, c, d, e, &f, k[t + 2] &+ w[t + 2])
                        round(f, g, h, &a, b, c, d, &e, k[t + 3] &+ w[t + 3])
                        round(e, f, g, &h, a, b, c, &d, k[t + 4] &+ w[t + 4])
                        round(d, e, f, &g, h, a, b, &c, k[t + 5] &+ w[t + 5])
                        round(c, d, e, &f, g, h, a, &b, k[t + 6] &+ w[t + 6])
                        round(b, c, d, &e, f, g, h, &a, k[t + 7] &+ w[t + 7])
                    }
                    a0 &+= a; b0 &+= b; c0 &+= c; d0 &+= d
                    e0 &+= e; f0 &+= f; g0 &+= g; h0 &+= h
                }
                state = (a0, b0, c0, d0, e0, f0, g0, h0)
            }
        }
    }

    static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]
}

extension SHA256 {
    /// A 32-byte SHA-256 digest, held in four words: comparing and copying digests allocates nothing.
    public struct Digest: Sendable, Hashable, CustomStringConvertible {
        let high: UInt64
        let second: UInt64
        let third: UInt64
        let low: UInt64

        /// The digest of no line at all: the `prev` of the first event, 64 zeros in hex.
        public static let zero = Digest(high: 0, second: 0, third: 0, low: 0)

        init(high: UInt64, second: UInt64, third: UInt64, low: UInt64) {
            self.high = high
            self.second = second
            self.third = third
            self.low = low
        }

        /// The digest of 32 bytes, most significant first.
        init(bytes: some Collection<UInt8>) {
            let array = Array(bytes)
            precondition(array.count == 32) // invariant: callers pass the 32 bytes of a stored digest
            func word(_ start: Int) -> UInt64 { array[start..<(start + 8)].reduce(0) { $0 << 8 | UInt64($1) } }
            self.init(high: word(0), second: word(8), third: word(16), low: word(24))
        }

        /// The 32 digest bytes, most significant first.
        public var bytes: [UInt8] {
            [high, second, third, low].flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (56 - 8 * UInt64($0))) } }
        }

        /// Parses 64 lowercase hex digits; returns nil for anything else.
        public init?(hex: some StringProtocol) {
            let utf8 = Array(hex.utf8)
            guard let digest = utf8.withUnsafeBufferPointer({ Digest(hex: $0) }) else { return nil }
            self = digest
        }

        /// Parses 64 lowercase hex digits given as bytes; returns nil for anything else.
        init?(hex utf8: UnsafeBufferPointer<UInt8>) {
            guard utf8.count == 64 else { return nil }
            let parsed: Digest? = Digest.hexValues.withUnsafeBufferPointer { values in
                var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
                var invalid: UInt8 = 0
                func word(_ start: Int) -> UInt64 {
                    var value: UInt64 = 0
                    for k in start..<(start + 16) {
                        let nibble = values[Int(utf8[k])]
                        invalid |= nibble
                        value = value << 4 | UInt64(nibble & 0x0F)
                    }
                    return value
                }
                words = (word(0), word(16), word(32), word(48))
                return invalid & 0xF0 == 0 ? Digest(high: words.0, second: words.1, third: words.2, low: words.3) : nil
            }
            guard let parsed else { return nil }
            self = parsed
        }

        /// Each byte's value as a lowercase hex digit, or 0xFF.
        private static let hexValues: [UInt8] = (0...255).map { byte in
            switch UInt8(byte) {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt8(byte) - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt8(byte) - UInt8(ascii: "a") + 10
            default: 0xFF
            }
        }

        /// The digest as 64 lowercase hex digits.
        public var hex: String {
            var out = [UInt8]()
            out.reserveCapacity(64)
            appendHex(to: &out)
            return String(decoding: out, as: UTF8.self)
        }

        /// Appends the 64 lowercase hex digits of the digest to `bytes`.
        func appendHex(to bytes: inout [UInt8]) {
            for word in [high, second, third, low] {
                for shift in stride(from: 60, through: 0, by: -4) {
                    let digit = UInt8(truncatingIfNeeded: word >> UInt64(shift)) & 0xF
                    bytes.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") - 10 + digit)
                }
            }
        }

        /// The hex form.
        public var description: String { hex }
    }
}

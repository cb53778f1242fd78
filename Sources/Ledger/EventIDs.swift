/// New event ids: random (version 4) UUIDs in lowercase, from the kernel's random bytes drawn
/// 16 KB at a time, one call for a thousand ids (Foundation's `UUID()` opens `/dev/urandom` for each).
struct EventIDs {
    private var randomBytes: [UInt8] = []
    private var used = 0

    /// The next random UUID.
    mutating func next(from system: SystemCalls) throws(LedgerError) -> String {
        if used + 16 > randomBytes.count {
            randomBytes = try io { () throws(SystemError) in try system.random(count: 16 * 1024) }
            used = 0
        }
        var bytes = Array(randomBytes[used..<(used + 16)])
        used += 16
        bytes[6] = bytes[6] & 0x0F | 0x40 // version 4
        bytes[8] = bytes[8] & 0x3F | 0x80 // the RFC 4122 variant
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (k, byte) in bytes.enumerated() {
            if k == 4 || k == 6 || k == 8 || k == 10 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

import Testing
@testable import Ledger

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func matchesTheFIPSVectors(message: String, digest: String) {
        #expect(SHA256.hash(Array(message.utf8)).hex == digest)
    }

    @Test func matchesTheMillionAVector() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(hasher.finalize().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func givesTheSameDigestWhateverTheChunking() {
        let message = Array((0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let whole = SHA256.hash(message)
        for split in [1, 55, 56, 63, 64, 65, 127, 500] {
            var hasher = SHA256()
            var rest = message[...]
            while !rest.isEmpty {
                hasher.update(Array(rest.prefix(split)))
                rest = rest.dropFirst(split)
            }
            #expect(hasher.finalize() == whole, "split \(split)")
        }
    }

    @Test func readsAndWritesHex() {
        let digest = SHA256.hash(Array("abc".utf8))
        #expect(SHA256.Digest(hex: digest.hex) == digest)
        #expect(SHA256.Digest(hex: digest.hex.uppercased()) == nil)
        #expect(SHA256.Digest(hex: "00") == nil)
        #expect(SHA256.Digest.zero.hex == String(repeating: "0", count: 64))
    }
}

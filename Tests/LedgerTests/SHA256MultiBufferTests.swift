import Testing
@testable import Ledger

/// `SHA256.hash(each:into:)` against the one-message `SHA256.hash(_:)`: whatever lengths share
/// the lanes and whichever lane a message lands in, each digest must be the one-message digest.
@Suite struct SHA256MultiBufferTests {
    /// Lengths around the padding's edges: the length field fits after 55 bytes but not after 56,
    /// and each whole block adds one.
    static let edgeLengths = [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 191, 192, 300]

    /// The digests of `messages` hashed together, and one at a time.
    func digests(of messages: [[UInt8]]) -> (together: [SHA256.Digest], alone: [SHA256.Digest]) {
        let output = UnsafeMutableBufferPointer<SHA256.Digest>.allocate(capacity: messages.count)
        defer { output.deallocate() }
        output.initialize(repeating: .zero)
        // Byte ranges of one buffer, as a chunk's lines are: most start at no aligned address.
        let joined: [UInt8] = messages.flatMap { $0 + [0x0A] }
        var ranges: [Range<Int>] = []
        for message in messages {
            let start = ranges.last.map { $0.upperBound + 1 } ?? 0
            ranges.append(start..<(start + message.count))
        }
        joined.withUnsafeBytes { bytes in
            SHA256.hash(each: ranges.map { UnsafeRawBufferPointer(rebasing: bytes[$0]) }, into: output)
        }
        return (Array(output), messages.map { SHA256.hash($0) })
    }

    /// A message of `count` bytes that differs from one with another `seed`.
    func message(_ count: Int, seed: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 131) ^ (seed &* 0x9E37) ^ ($0 >> 3)) }
    }

    @Test func matchesTheFIPSVectorsHashedTogether() {
        let vectors = [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
             "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
            (String(repeating: "a", count: 1_000_000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
        ]
        // The million 'a's take one lane for 15,626 blocks while the short vectors, again and
        // again, pass through the others.
        let picks = (0..<40).map { $0 == 1 ? 4 : $0 % 4 }
        let (together, _) = digests(of: picks.map { Array(vectors[$0].0.utf8) })
        #expect(together.map(\.hex) == picks.map { vectors[$0].1 })
    }

    @Test(arguments: 1...17)
    func matchesOneAtATimeForEachArrangementOfTheEdgeLengths(count: Int) {
        for rotation in 0..<Self.edgeLengths.count {
            let messages = (0..<count).map { message(Self.edgeLengths[($0 + rotation) % Self.edgeLengths.count], seed: $0) }
            let (together, alone) = digests(of: messages)
            #expect(together == alone, "\(count) messages, lengths from \(Self.edgeLengths[rotation])")
        }
    }

    @Test(arguments: 1...17)
    func matchesOneAtATimeForScatteredLengths(count: Int) {
        for batch in 0..<20 {
            // Lengths 0-300 spread by a multiplicative hash; every fifth batch has a few KB in it.
            var lengths = (0..<count).map { ($0 &* 2_654_435_761 &+ batch &* 40_503) % 301 }
            if batch % 5 == 0 { lengths[(batch / 5) % count] = 3000 + batch }
            let messages = lengths.enumerated().map { message($1, seed: batch * 100 + $0) }
            let (together, alone) = digests(of: messages)
            #expect(together == alone, "lengths \(lengths)")
        }
    }

    @Test func matchesOneAtATimeWhenLanesFinishAtDifferentBlocks() {
        for lengths in [[0, 64, 128, 192], [192, 128, 64, 0], [56, 0, 300, 55, 120, 119], [2000, 0, 0, 0, 0, 0, 0, 0, 0, 5000]] {
            let messages = lengths.enumerated().map { message($1, seed: $0) }
            let (together, alone) = digests(of: messages)
            #expect(together == alone, "lengths \(lengths)")
        }
    }

    @Test(arguments: [0, 55, 56, 64, 300])
    func matchesOneAtATimeWhenEveryLaneHasTheSameLength(length: Int) {
        let same = digests(of: Array(repeating: message(length, seed: 1), count: 9))
        #expect(same.together == same.alone)
        #expect(Set(same.together).count == 1)
        let different = digests(of: (0..<9).map { message(length, seed: $0) })
        #expect(different.together == different.alone)
    }

    @Test func hashesNoMessageWithoutWriting() {
        let output = UnsafeMutableBufferPointer<SHA256.Digest>.allocate(capacity: 1)
        defer { output.deallocate() }
        output.initialize(repeating: .zero)
        SHA256.hash(each: [UnsafeRawBufferPointer](), into: output)
        #expect(output[0] == .zero)
    }

    @Test func chunkWritesEachLinesDigestAtItsIndex() {
        let lines: [[UInt8]] = (0..<10).map { message(50 * $0 + 7, seed: $0).map { $0 == 0x0A ? 0x20 : $0 } }
        let bytes: [UInt8] = lines.flatMap { $0 + [0x0A] }
        var starts: [Int] = [], ends: [Int] = []
        for line in lines {
            let start = ends.last.map { $0 + 1 } ?? 0
            starts.append(start)
            ends.append(start + line.count)
        }
        let output = UnsafeMutableBufferPointer<SHA256.Digest>.allocate(capacity: lines.count)
        defer { output.deallocate() }
        output.initialize(repeating: .zero)
        bytes.withUnsafeBufferPointer { buffer in
            LineReader.Chunk(bytes: buffer, fileOffset: 0, starts: starts, ends: ends).hash(3..<8, into: output)
        }
        #expect(Array(output) == (0..<10).map { (3..<8).contains($0) ? SHA256.hash(lines[$0]) : .zero })
    }
}

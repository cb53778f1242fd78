import Foundation
import Testing
@testable import Ledger

/// A fold's state is written in pieces of a megabyte: its bytes, its checksum and a length
/// patched in afterwards must be those of one array written the plain way, wherever the pieces
/// break, and a decoder reads back what was written.
@Suite struct StateEncoderTests {
    @Test func piecesHoldTheBytesOfOneArray() throws {
        var generator = SystemRandomNumberGenerator()
        var encoder = StateEncoder()
        var plain: [UInt8] = []
        func expectPlain(_ bytes: some Sequence<UInt8>) { plain.append(contentsOf: bytes) }
        var written: [(kind: Int, value: Any)] = []
        // Past three pieces, in writes of every size: integers, strings (some far longer than a piece), plain arrays.
        while encoder.count < 3 * StateEncoder.pieceSize + 12_345 {
            switch Int.random(in: 0..<4, using: &generator) {
            case 0:
                let value = Int64.random(in: .min ... .max, using: &generator)
                encoder.write(value)
                withUnsafeBytes(of: value.littleEndian) { expectPlain($0) }
                written.append((0, value))
            case 1:
                let value = String(repeating: "ә", count: Int.random(in: 0...(Bool.random(using: &generator) ? 20 : 700_000), using: &generator))
                encoder.write(value)
                withUnsafeBytes(of: Int64(value.utf8.count).littleEndian) { expectPlain($0) }
                expectPlain(value.utf8)
                written.append((1, value))
            case 2:
                encoder.write(UInt8(7))
                expectPlain([7])
                written.append((2, UInt8(7)))
            default:
                let values = (0..<Int.random(in: 0...5_000, using: &generator)).map { _ in Int64.random(in: 0...1_000, using: &generator) }
                encoder.writePlain(values)
                withUnsafeBytes(of: Int64(8).littleEndian) { expectPlain($0) }
                withUnsafeBytes(of: Int64(values.count).littleEndian) { expectPlain($0) }
                values.withUnsafeBytes { expectPlain($0) }
                written.append((3, values))
            }
        }
        #expect(encoder.pieces.count >= 4 && encoder.pieces.dropLast().allSatisfy { $0.count == StateEncoder.pieceSize })
        #expect(encoder.count == plain.count && encoder.bytes == plain)
        // Read back: every value as written.
        var decoder = StateDecoder(bytes: encoder.bytes)
        for (kind, value) in written {
            switch kind {
            case 0: #expect(try decoder.int64() == value as? Int64)
            case 1: #expect(try decoder.string() == value as? String)
            case 2: #expect(try decoder.uint8() == value as? UInt8)
            default: #expect(try decoder.plainArray(of: Int64.self) == value as? [Int64])
            }
        }
        #expect(decoder.isAtEnd)
        // A length patched over a break between two pieces, at the start and on a word's place.
        for offset in [StateEncoder.pieceSize - 3, 0, 2 * StateEncoder.pieceSize - 8] {
            encoder.patch(0x0102_0304_0506_0708, at: offset)
            withUnsafeBytes(of: Int64(0x0102_0304_0506_0708).littleEndian) { plain.replaceSubrange(offset..<(offset + 8), with: $0) }
        }
        #expect(encoder.bytes == plain)
        #expect(Checksum.of(pieces: encoder.pieces) == Checksum.of(bytes: plain[...]))
    }
}

import Foundation
import Testing
@testable import Projections
@testable import Ledger

@Suite struct TerminalTextTests {
    @Test(arguments: [
        ("plain Қазақ text", "plain Қазақ text"),
        ("a\u{1B}[2Jb", "a\\u{1B}[2Jb"),
        ("line\nbreak\ttab", "line\\u{A}break\\u{9}tab"),
        ("c1\u{9B}31m", "c1\\u{9B}31m"),
        ("bidi\u{202E}txt.exe", "bidi\\u{202E}txt.exe"),
        ("iso\u{2066}late", "iso\\u{2066}late"),
        ("del\u{7F}", "del\\u{7F}"),
    ])
    func escapesEverythingThatCouldControlATerminal(input: String, expected: String) {
        #expect(TerminalText.sanitized(input) == expected)
    }

    @Test func measuresColumnsOfCyrillicAndWideText() {
        #expect(TerminalText.width("Әлия") == 4)
        #expect(TerminalText.width("阿拉木图") == 8)
        #expect(TerminalText.width("e\u{301}") == 1)
        #expect(TerminalText.padded("Әлия", to: 6) == "Әлия  ")
        #expect(TerminalText.padded("阿拉木图", to: 5) == "阿拉…")
        #expect(TerminalText.padded("阿拉木图", to: 4) == "阿… ")
    }

    /// The byte-level readings (`mayBeUnsafe`, the quick path of `width`, `measured`) agree with the scalar-
    /// and character-level ones on text built from every kind of character they tell apart.
    @Test func theQuickReadingsOfBytesAgreeWithTheScalarOnes() {
        let pieces: [String] = ["a", "Z", " ", "~", "\u{7F}", "\u{1B}", "\t", "\n", "\r", "\u{80}", "\u{9F}", "\u{A0}", "\u{AD}", "é", "ÿ",
                                "\u{2FF}", "\u{300}", "\u{301}", "Ͱ", "\u{482}", "\u{483}", "\u{489}", "Ҋ", "Қ", "\u{52F}", "\u{530}", "Ա",
                                "\u{2029}", "\u{202A}", "\u{202E}", "\u{202F}", "\u{2065}", "\u{2066}", "\u{2069}", "\u{206A}", "\u{2028}",
                                "阿", "\u{1F600}", "\u{FE0F}", "\u{200B}", "e\u{301}", "\u{C2}", "\u{E2}"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(TerminalText.width(text) == TerminalText.widthByCharacter(text), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            for keeping in [false, true] {
                let unsafe = text.unicodeScalars.contains { TerminalText.isUnsafe($0) && !(keeping && ($0 == "\t" || $0 == "\r" || $0 == "\n")) }
                if unsafe { #expect(TerminalText.mayBeUnsafe(text, keepingLineBreaks: keeping)) }
            }
            // One pass over the bytes: the safe text and its width, as the two readings give them.
            let measured = TerminalText.measured(text)
            #expect(measured.text == TerminalText.sanitized(text) && measured.width == TerminalText.widthByCharacter(measured.text),
                    "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    /// Local dates and times written digit by digit read as the UTC text shifted by the zone's offset.
    @Test func localTimesAreTheShiftedInstantsText() throws {
        let zones = try ["Asia/Almaty", "UTC", "America/St_Johns", "Asia/Kathmandu", "Pacific/Kiritimati"].map { try #require(TimeZone(identifier: $0)) }
        var generator = SystemRandomNumberGenerator()
        let instants = [Timestamp.earliest, Timestamp.latest, Timestamp(millisecondsSinceEpoch: 0), Timestamp(millisecondsSinceEpoch: -1)]
            + (0..<2_000).map { _ in
                // whole minutes, whole seconds and any millisecond, over the years the ledger writes
                let ms = Int64.random(in: Timestamp.earliest.millisecondsSinceEpoch...Timestamp.latest.millisecondsSinceEpoch, using: &generator)
                return Timestamp(millisecondsSinceEpoch: [ms / 60_000 * 60_000, ms / 1000 * 1000, ms][Int.random(in: 0...2, using: &generator)])
            }
        for zone in zones {
            for instant in instants {
                let offset = Int64(zone.secondsFromGMT(for: instant.date)) * 1000
                let shifted = Timestamp(millisecondsSinceEpoch: instant.millisecondsSinceEpoch + offset).description
                let minute = String(shifted.prefix(10)) + " " + String(shifted.dropFirst(11).prefix(5))
                let expected = shifted.dropFirst(17).prefix(5) == "00.00" && shifted.dropFirst(22).prefix(1) == "0"
                    ? minute : minute + ":" + shifted.dropFirst(17).prefix(2)
                #expect(LocalTime.format(instant, in: zone) == expected)
                #expect(LocalTime.day(instant, in: zone) == String(expected.prefix(10)))
                #expect(LocalTime.month(instant, in: zone) == String(expected.prefix(7)))
            }
        }
    }

    /// Aligned rows, trimmed as `render` trims them, are what padding every cell and trimming gave:
    /// random cells of Latin, Cyrillic, wide and Prepend characters (U+0600, which makes one
    /// character with a space after it), trailing spaces, right-aligned numbers and cut cells.
    @Test func alignedRowsAreThePaddedCellsTrimmed() {
        let pieces = ["a", "7", " ", "ә", "Қ", "阿", "\u{600}", "\u{6DD}", "e\u{301}", "-", "#"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let columns = Int.random(in: 1...4, using: &generator)
            let rows = (0..<Int.random(in: 1...5, using: &generator)).map { _ in
                (0..<columns).map { _ in
                    TableRenderer.Cell((0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined(),
                                       alignsRight: Bool.random(using: &generator))
                }
            }
            let widest = [4, 40, Int.max].randomElement(using: &generator)!
            var out = TableRenderer.Lines()
            TableRenderer.aligned(rows, ruleAfterFirst: false, widest: widest, into: &out)
            let lines = out.lines
            var widths = Array(repeating: 0, count: columns)
            for row in rows { for (c, cell) in row.enumerated() { widths[c] = max(widths[c], min(TerminalText.width(cell.text), widest)) } }
            let padded = rows.map { row in
                row.enumerated().map { c, cell in
                    let room = widths[c] - TerminalText.width(cell.text)
                    return cell.alignsRight && room >= 0 ? String(repeating: " ", count: room) + cell.text : TerminalText.padded(cell.text, to: widths[c])
                }.joined(separator: "  ")
            }
            func trimmed(_ line: String) -> String {
                var line = Substring(line)
                while line.last == " " { line.removeLast() }
                return String(line)
            }
            #expect(lines == padded.map(trimmed), "\(rows.map { $0.map(\.text) })")
        }
    }
}

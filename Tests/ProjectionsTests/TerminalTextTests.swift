import Testing
@testable import Projections

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
}

import Testing
@testable import Ledger

@Suite struct JSONParserTests {
    @Test func readsEveryKindOfValue() throws {
        let value = try JSONParser.parse(#" {"a": [1, -2.5, true, false, null, "x\u00e9\n"], "b": {}} "#)
        #expect(value["a"] == .array([.integer(1), .double(-2.5), .bool(true), .bool(false), .null, .string("xé\n")]))
        #expect(value["b"] == .object([]))
    }

    @Test func keepsMemberOrderAndSortsWhenCanonicalised() throws {
        let value = try JSONParser.parse(#"{"b":1,"a":{"d":2,"c":3}}"#)
        #expect(value.serialized == #"{"b":1,"a":{"d":2,"c":3}}"#)
        #expect(value.canonicalized.serialized == #"{"a":{"c":3,"d":2},"b":1}"#)
    }

    @Test(arguments: [
        ("", "no JSON value"),
        ("{", "unterminated object"),
        (#"{"a":1,"a":2}"#, "duplicate member name"),
        ("[1,]", "unexpected character"),
        ("01", "leading zeros"),
        ("1 2", "unexpected text after"),
        (#""a"#, "unterminated string"),
        ("\"\u{01}\"", "control character"),
        (#""\ud800""#, "lone surrogate"),
        (#""\x""#, "invalid escape"),
        ("99999999999999999999", "integer out of range"),
        ("1e999", "number out of range"),
        ("tru", "invalid literal"),
    ])
    func refusesMalformedText(text: String, reason: String) {
        #expect {
            try JSONParser.parse(text)
        } throws: { error in
            (error as? JSONParser.Failure)?.reason.contains(reason) == true
        }
    }

    @Test(arguments: [
        [0xEF, 0xBB, 0xBF, 0x31],       // byte-order mark
        [0x22, 0xC0, 0xAF, 0x22],       // overlong '/'
        [0x22, 0xE0, 0x80, 0xAF, 0x22], // overlong, 3 bytes
        [0x22, 0xED, 0xA0, 0x80, 0x22], // UTF-16 surrogate in UTF-8
        [0x22, 0xFF, 0x22],             // never valid
        [0x22, 0xD0, 0x22],             // truncated sequence
    ] as [[UInt8]])
    func refusesInvalidUTF8(bytes: [UInt8]) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(bytes) }
    }

    @Test func refusesDeepNestingWithoutOverflowingTheStack() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect {
            try JSONParser.parse(deep)
        } throws: { error in
            (error as? JSONParser.Failure)?.reason.contains("nesting deeper") == true
        }
        let allowed = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect((try? JSONParser.parse(allowed)) != nil)
    }

    @Test func writesStringsWithControlCharactersEscaped() {
        #expect(JSON.string("a\"b\\c\n\t\u{1}é").serialized == #""a\"b\\c\n\t\u0001é""#)
    }

    @Test func roundTripsNumbers() throws {
        for text in ["0", "-1", "430000", "0.5", "1e-05", "9223372036854775807"] {
            let value = try JSONParser.parse(text)
            #expect(try JSONParser.parse(value.serialized) == value, "\(text)")
        }
        #expect(JSON.double(2.0).serialized == "2")
    }
}

import Foundation
import Testing
@testable import Ledger

/// Reports read the names of the people they show from `personal.jsonl` by a shorter road than
/// the strict parser, and large stores in two halves at once: both must give what the strict
/// parse of every line, one after another, gives.
@Suite struct PersonalNamesTests {
    /// The name the strict parser reads from `line`, or nil when it refuses the line.
    static func strictName(_ line: String) -> PersonalDataStore.Name? {
        PersonalDataStore.Record(line: Array(line.utf8))?.name
    }

    static func quickName(_ line: String) -> PersonalDataStore.Name? {
        Array(line.utf8).withUnsafeBufferPointer { PersonalDataStore.wholeFormName(of: $0) }
    }

    /// Lines in the writer's whole form, odd ones included: where the short road gives a name it
    /// is the strict parser's, and where the strict parser refuses a line it gives none.
    @Test func aWholeFormLineGivesTheNameTheStrictParserReads() {
        let data = [
            #"{"email":"a@example.kz","name":"Әлия Кузнецова","phone":"+7 701"}"#, #"{"name":"Dana"}"#, #"{}"#, #"{"email":"x"}"#,
            #"{"name":"A\u0410\"B\\"}"#, #"{"n\u0061me":"escaped name"}"#, #"{"name":"one","name":"two"}"#, #"{"name":7}"#,
            #"{"name":null}"#, #"{"name":{"first":"A"}}"#, #"{"name":["A"]}"#, #"{ "name" : "spaced" , "x" : [1, {"y": true}] }"#,
            #"{"email":tru,"name":"broken before"}"#, #"{"name":"unterminated}"#, #"{"name":"ok","x":{"a":1,"a":2}}"#,
            #"{"имя":"Cyrillic name","name":"N"}"#, #"{"name":"tab\#tinside"}"#, #"{"name":"ok"},"extra":1}"#, #"{"name":"ok"}}"#,
            #"{"name":"\ud800"}"#, #"{"name":"x","x":1e999}"#, #"{"name":"x","x":-0.5e-3}"#, #"{"name":"x","x":01}"#,
        ] + [61, 62, 63, 64].map { #"{"name":"deep","x":"# + String(repeating: "[", count: $0) + String(repeating: "]", count: $0) + "}" } // the limit on nesting, counted from the line
        let seqs = ["0", "1", "12", "012", "00", "999999999999999999", "9999999999999999999", "1.5", "-1", "1e3"]
        let participants = ["p-1", "p0000001", "Дана", #"p\"1"#, ""]
        var quick = 0
        for object in data {
            for seq in seqs {
                for participant in participants {
                    let line = #"{"seq":\#(seq),"participant":"\#(participant)","data":\#(object)}"#
                    let strict = Self.strictName(line)
                    if let name = Self.quickName(line) {
                        quick += 1
                        #expect(name == strict, "\(line)")
                    }
                    if strict == nil { #expect(Self.quickName(line) == nil, "\(line)") }
                }
            }
        }
        #expect(quick > 100) // the short road is taken, not only refused
        // Other forms are left to the strict parser.
        for line in [#"{"participant":"p-1","seq":1,"data":{"name":"A"}}"#, #"{"seq":1, "participant":"p-1","data":{"name":"A"}}"#,
                     #"{"seq":1,"participant":"p-1","data":{"name":"A"}} "#, #"{"seq":1,"participant":"p-1","data":{"name":"A"},"x":1}"#] {
            #expect(Self.quickName(line) == nil, "\(line)")
        }
    }

    /// A store read in two halves at once gives the names, and refuses the first bad line with
    /// its number, as reading it whole does: with the middle placed on a line's start, on a line
    /// feed, inside a line and inside a bad line, and bad lines before, at and after it.
    @Test func aLargeStoreReadInHalvesIsReadAsAWhole() throws {
        try withTemporaryDirectory { dir in
            try Ledger.create(at: dir)
            let store = PersonalDataStore(directory: try LedgerDirectory(path: dir))
            let wanted: Set<String> = ["p00007", "p01234", "p09999", "p05000"]
            func line(_ k: Int, pad: Int) -> String {
                #"{"seq":\#(k + 1),"participant":"p\#(String(format: "%05d", k))","data":{"name":"Name \#(k)\#(String(repeating: "x", count: pad))"}}"#
            }
            /// A line refused as no record, as long as `good`.
            func bad(as good: String) -> String {
                let start = #"{"seq":5,"participant":"p05000","data":{GARBAGE"#
                return start + String(repeating: "x", count: good.utf8.count - start.utf8.count)
            }
            /// The lines, with line 0 lengthened by `pad`, and where the middle falls: the line it
            /// is in and how far into it (0: it starts the line; the line's length: on its line feed).
            func layout(pad: Int) -> (lines: [String], line: Int, into: Int) {
                let lines = (0..<11_000).map { line($0, pad: $0 == 0 ? pad : 40) }
                let middle = (lines.reduce(0) { $0 + $1.utf8.count + 1 }) / 2
                var start = 0
                for (k, text) in lines.enumerated() {
                    if middle <= start + text.utf8.count { return (lines, k, middle - start) }
                    start += text.utf8.count + 1
                }
                return (lines, lines.count, 0)
            }
            let layouts = (0..<200).map(layout)
            let onStart = try #require(layouts.first { $0.into == 0 })
            let onLineFeed = try #require(layouts.first { $0.into == $0.lines[$0.line].utf8.count })
            let inside = try #require(layouts.first { $0.into > 5 && $0.into < $0.lines[$0.line].utf8.count - 5 })
            var cases: [(lines: [String], bad: [Int])] = []
            for placed in [onStart, onLineFeed, inside] {
                let m = placed.line
                for badLines in [[], [100], [m - 1], [m], [m + 1], [10_999], [200, m], [m, 10_000]] {
                    var lines = placed.lines
                    for k in badLines { lines[k] = bad(as: lines[k]) }
                    cases.append((lines, badLines))
                }
            }
            for (lines, badLines) in cases {
                let text = lines.joined(separator: "\n") + "\n"
                try text.write(toFile: dir + "/personal.jsonl", atomically: false, encoding: .utf8)
                #expect(text.utf8.count >= Int(PersonalDataStore.halvedSize))
                let serial = Result { () throws(LedgerError) in
                    try store.read(soleLink: false, inHalves: false, where: { _ in true }, making: { PersonalDataStore.wholeFormName(of: $0) })
                }
                let halves = Result { () throws(LedgerError) in
                    try store.read(soleLink: false, inHalves: true, where: { _ in true }, making: { PersonalDataStore.wholeFormName(of: $0) })
                }
                #expect(serial == halves, "bad lines \(badLines)")
                if let first = badLines.first {
                    #expect(throws: LedgerError.damaged(file: dir + "/personal.jsonl", line: first + 1, reason: "not a personal-data record")) { try halves.get() }
                } else {
                    #expect(try halves.get().count == lines.count)
                    // The report's own reading: only the wanted people's names, in order.
                    let names = try store.names(of: wanted)
                    #expect(names.map(\.participant) == ["p00007", "p01234", "p05000", "p09999"])
                    #expect(names.map(\.name) == names.map { "Name \(Int($0.participant.dropFirst())!)" + String(repeating: "x", count: 40) })
                }
            }
        }
    }

    /// The halves of a long list are its two halves, and results come back in order.
    @Test func parallelWorkKeepsItsOrder() {
        #expect(Parallel.halves(of: 10) == [0..<10])
        #expect(Parallel.halves(of: 10_001) == [0..<5_000, 5_000..<10_001])
        let items = Array(0..<64)
        #expect(Parallel.map(items) { $0 * $0 } == items.map { $0 * $0 })
        #expect(Parallel.map(Parallel.halves(of: 9_000)) { $0.count } == [4_500, 4_500])
    }
}

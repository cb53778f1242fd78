import Foundation
import Testing

/// A register long enough that `report proposals` reads the personal-data store in two halves,
/// makes its rows in two halves and lays its table out in two halves, each pair at once: through
/// `ledgerctl`, the text is the table its CSV rows make laid out one line after another, every
/// author is named as the store names them, and each format is what one thread writes.
@Suite struct LongReportTests {
    @Test func aLongRegisterIsLaidOutAsItsRowsAre() throws {
        try withTemporaryDirectory { temporary in
            let dir = temporary + "/ledger"
            let people = 9_000, proposals = 4_500
            func person(_ k: Int) -> String { String(format: "p%05d", k) }
            func name(_ k: Int) -> String { k % 3 == 0 ? "Әлия Кузнецова \(k)" : "Dana Smith-\(k)" }
            var lines = [
                #"{"type":"project.defined","occurred_at":"2017-04-01T09:00:00+06:00","data":{"project":"wealmaty","title":"WeAlmaty","starts_on":"2017-04-01","ends_on":"2020-03-31","budget_eur":430000}}"#,
                #"{"type":"engagement.scheduled","occurred_at":"2017-04-02T09:00:00+06:00","data":{"engagement":"forum-1","project":"wealmaty","title":"Forum 1","starts_at":"2017-11-30T09:00:00+06:00","ends_at":"2017-11-30T13:00:00+06:00","time_zone":"Asia/Almaty"}}"#,
            ]
            for k in 1...people {
                lines.append(#"{"type":"participant.registered","occurred_at":"2017-04-03T09:00:00+06:00","data":{"participant":"\#(person(k))","group":"citizen","name":"\#(name(k))","email":"\#(person(k)).someone@example.kz","phone":"+7 701 765 05 10"}}"#)
            }
            let themes = ["pedestrian_zones", "cycle_paths", "parks", "green_areas", "public_space", "other"]
            for k in 1...proposals {
                let title = "Жоба \(k) " + String(repeating: "велосипед ", count: k % 5)
                lines.append(#"{"type":"proposal.submitted","occurred_at":"2017-11-30T11:00:00+06:00","data":{"proposal":"pr-\#(k)","engagement":"forum-1","participant":"\#(person(k * 2 % people + 1))","theme":"\#(themes[k % 6])","title":"\#(title)"}}"#)
                if k % 9 == 0 {
                    lines.append(#"{"type":"proposal.status.changed","occurred_at":"2018-02-20T10:00:00+06:00","data":{"proposal":"pr-\#(k)","status":"accepted","note":"Кезең \#(k)"}}"#)
                }
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: temporary + "/input.jsonl", atomically: false, encoding: .utf8)
            try given(dir, "init")
            try given(dir, "import", temporary + "/input.jsonl")
            let store = try FileManager.default.attributesOfItem(atPath: dir + "/personal.jsonl")[.size] as? Int ?? 0
            #expect(store > 1 << 20) // read in halves

            let csv = try ledger(dir, "report", "proposals", "--format", "csv")
            #expect(csv.status == 0, "\(csv.stderr)")
            let table = csv.stdout.components(separatedBy: "\r\n").dropLast().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            try #require(table.count == proposals + 1 && table.allSatisfy { $0.count == 9 })
            #expect(table.dropFirst().map { $0[0] } == (1...proposals).map { "pr-\($0)" })
            #expect(table.dropFirst().enumerated().allSatisfy { k, row in row[4] == name((k + 1) * 2 % people + 1) })

            // The table laid out here, one line after another: columns two spaces apart, each as
            // wide as its widest cell (every character here takes one column), numbers on the
            // right, no spaces at a line's end.
            var widths = Array(repeating: 0, count: 9)
            for row in table { for (c, cell) in row.enumerated() { widths[c] = max(widths[c], cell.count) } }
            func laidOut(_ row: [String]) -> String {
                var line = row.enumerated().map { c, cell in
                    let padding = String(repeating: " ", count: widths[c] - cell.count)
                    return c == 6 ? padding + cell : cell + padding
                }.joined(separator: "  ")
                while line.hasSuffix(" ") { line.removeLast() }
                return line
            }
            let expected = ([laidOut(table[0]), widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")]
                            + table.dropFirst().map(laidOut)).joined(separator: "\n") + "\n"
            let text = try ledger(dir, "report", "proposals")
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.contains("\n" + expected), "the text table is not its rows laid out")

            // Under a limit on memory the same work is done on one thread: the same bytes, in
            // every format.
            for format in ["table", "csv", "json", "html"] {
                let both = try Ledgerctl.run(["--dir", dir, "report", "proposals", "--format", format])
                let one = try Ledgerctl.run(["--dir", dir, "report", "proposals", "--format", format], launcher: ["/usr/bin/prlimit", "--as=17179869184", "--"])
                #expect(both.status == 0 && one.status == 0 && both.stdout == one.stdout, "\(format): \(one.stderr)")
            }
        }
    }
}

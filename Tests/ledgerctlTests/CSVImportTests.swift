import Foundation
import Testing

/// `ledgerctl import --csv`: spreadsheets in, as Excel and LibreOffice save them.
@Suite struct CSVImportTests {
    /// The stored events after the demo's two, as JSON objects.
    static func importedEvents(_ dir: String) throws -> [[String: Any]] {
        try ledger(dir, "log", "--since", "2", "--json").stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test func importsAnExcelSheetWithBOMSemicolonsCRLFAndQuotedCells() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir + "/l")
            let sheet = "\u{FEFF}ID;Participant;Group;Name;Organisation;District;Registered\r\n"
                + "r1;p1;civil_society;\"Нұрланқызы; Әлия\";\"\"\"Жасыл Алматы\"\"\";medeu;2017-11-20T10:00:00+06:00\r\n"
                + "r2;p2;business;John Smith;;;2017-11-21T10:00:00+06:00\r\n"
                + ";;;;;;\r\n" // an empty row, as spreadsheets leave at the end
            try Self.write(Array(sheet.utf8), to: dir + "/registrations.csv")
            let result = try ledger(dir + "/l", "import", "--csv", dir + "/registrations.csv", "--type", "participant.registered", "--id-column", "ID",
                                    "--map", "Participant=participant", "--map", "Group=group", "--map", "Name=name", "--map", "Organisation=organization",
                                    "--map", "District=district", "--map", "Registered=occurred_at")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "imported 2 events (seq 3-4)\n")
            let events = try Self.importedEvents(dir + "/l")
            #expect(events.map { $0["id"] as? String } == ["r1", "r2"])
            #expect(events.map { $0["occurred_at"] as? String } == ["2017-11-20T10:00:00+06:00", "2017-11-21T10:00:00+06:00"])
            let second = try #require(events[1]["data"] as? [String: Any])
            #expect(second["district"] == nil) // an empty cell is an absent field
            #expect(second["group"] as? String == "business")
            let personal = try String(contentsOfFile: dir + "/l/personal.jsonl", encoding: .utf8)
            #expect(personal.contains("Нұрланқызы; Әлия"))
            let first = try #require(events[0]["data"] as? [String: Any])
            #expect(first["organization"] as? String == "\"Жасыл Алматы\"") // quotes written twice inside a quoted cell
        }
    }

    @Test(arguments: [("\t", "tab"), (",", "comma")])
    func detectsTheDelimiterFromTheHeader(separator: String, name: String) throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir + "/l")
            let sheet = ["participant", "group", "name"].joined(separator: separator) + "\n"
                + ["p1", "expert", "Dana, PhD"].map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: separator) + "\n"
            let result = try ledger(dir + "/l", "import", "--csv", "-", "--type", "participant.registered", stdin: sheet)
            #expect(result.status == 0, "\(name): \(result.stderr)")
            #expect(try String(contentsOfFile: dir + "/l/personal.jsonl", encoding: .utf8).contains("Dana, PhD"))
        }
    }

    @Test func convertsValuesToTheCatalogsKinds() throws {
        try withTemporaryDirectory { dir in
            try given(dir, "init")
            let sheet = "project;title;starts_on;ends_on;budget_eur;partners\n"
                + "wealmaty;WeAlmaty;2017-04-01;2020-03-31;430000,50;\"[\"\"British Council\"\",\"\"KBTU\"\"]\"\n"
            let result = try ledger(dir, "import", "--csv", "-", "--type", "project.defined", stdin: sheet)
            #expect(result.status == 0, "\(result.stderr)")
            let line = try ledger(dir, "log", "--json").stdout
            #expect(line.contains(#""budget_eur":430000.5"#)) // a decimal comma, as the kk and ru locales write it
            #expect(line.contains(#""partners":["British Council","KBTU"]"#))
        }
    }

    @Test func decodesWindows1251() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir + "/l")
            // "Иван Петров", "Ёлка" and "№5" in Windows-1251.
            var bytes = Array("participant,group,name,organization\np1,citizen,".utf8)
            bytes += [0xC8, 0xE2, 0xE0, 0xED, 0x20, 0xCF, 0xE5, 0xF2, 0xF0, 0xEE, 0xE2, 0x2C, 0xA8, 0xEB, 0xEA, 0xE0, 0x20, 0xB9, 0x35, 0x0A]
            try Self.write(bytes, to: dir + "/old.csv")
            let refused = try ledger(dir + "/l", "import", "--csv", dir + "/old.csv", "--type", "participant.registered")
            #expect(refused.status == 65)
            #expect(refused.stderr.contains("row 2, column 'name': not valid UTF-8 (for an older Excel file, try --encoding windows-1251)"))
            let result = try ledger(dir + "/l", "import", "--csv", dir + "/old.csv", "--type", "participant.registered", "--encoding", "windows-1251")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try String(contentsOfFile: dir + "/l/personal.jsonl", encoding: .utf8).contains("Иван Петров"))
            #expect(try ledger(dir + "/l", "log", "--json").stdout.contains(#""organization":"Ёлка №5""#))
        }
    }

    @Test func reimportingWithAnIdColumnAppendsOnlyTheNewRows() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir + "/l")
            try given(dir + "/l", "import", stdin: """
            {"type":"participant.registered","data":{"participant":"p1","group":"citizen","name":"A"}}
            {"type":"participant.registered","data":{"participant":"p2","group":"citizen","name":"B"}}
            {"type":"participant.registered","data":{"participant":"p3","group":"citizen","name":"C"}}
            """)
            let header = "No,participant,response,channel,occurred_at\n"
            let rows = ["1,p1,accepted,phone,2017-11-20T10:00:00+06:00\n", "2,p2,declined,email,2017-11-21T10:00:00+06:00\n",
                        "3,p3,accepted,phone,2017-11-22T10:00:00+06:00\n"]
            func importSheet(_ count: Int) throws -> RunResult {
                try ledger(dir + "/l", "import", "--csv", "-", "--type", "rsvp.submitted", "--id-column", "No", "--map", "No=engagement",
                           stdin: header + rows.prefix(count).joined())
            }
            // --map of the id column is refused: the id column is not a field.
            #expect(try importSheet(2).status == 65)
            func importRSVPs(_ count: Int) throws -> RunResult {
                try ledger(dir + "/l", "import", "--csv", "-", "--type", "rsvp.submitted", "--id-column", "No",
                           stdin: "engagement," + header + rows.prefix(count).map { "forum-2," + $0 }.joined())
            }
            #expect(try importRSVPs(2).stdout == "imported 2 events (seq 6-7)\n")
            let before = ledgerFiles(dir + "/l")
            let again = try importRSVPs(2)
            #expect(again.status == 0 && again.stdout == "imported 0 events; 2 already present\n")
            #expect(ledgerFiles(dir + "/l") == before)
            #expect(try importRSVPs(3).stdout == "imported 1 event (seq 8-8); 2 already present\n")
            #expect(try storedIDs(dir + "/l").suffix(3) == ["1", "2", "3"])
        }
    }

    @Test(arguments: [
        ("participant,group,name\np1,citizen,\"Dana\n", "standard input row 2, column 'name': a quoted cell is not closed"),
        ("participant,group,name\np1,citizen,\"Da\"na\n", "standard input row 2, column 'name': text after the closing quote of a quoted cell"),
        ("participant,group,name\np1,citizen,Dana,extra\n", "standard input row 2: 4 cells, but the header has 3 columns"),
        ("participant,group,name\np1,citizen,Dana\np2,farmer,Ivan\n",
         "standard input row 3, column 'group': participant.registered: field 'group' is 'farmer'; it must be one of"),
        ("participant,group,name,shoe_size\np1,citizen,Dana,42\n", "standard input row 2, column 'shoe_size': participant.registered: field 'shoe_size' is not a field"),
        ("participant,group,name,name\np1,citizen,Dana,D\n", "standard input row 1, column 'name': the header names this column twice"),
        ("participant,group\np1,citizen\n", "standard input row 2: participant.registered: field 'name' is required"),
    ])
    func refusesABadSheetNamingTheRowAndColumnAndWritesNothing(sheet: String, message: String) throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let before = ledgerFiles(dir)
            let result = try ledger(dir, "import", "--csv", "-", "--type", "participant.registered", stdin: sheet)
            #expect(result.status == 65)
            #expect(result.stderr.hasPrefix("error: " + message), "\(result.stderr)")
            #expect(result.stderr.hasSuffix("; nothing was imported\n"))
            #expect(ledgerFiles(dir) == before)
        }
    }

    @Test func refusesCellsThatDoNotConvert() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let before = ledgerFiles(dir)
            let number = try ledger(dir, "import", "--csv", "-", "--type", "contest.announced",
                                    stdin: "contest,kind,title,engagement,prize,prize_count\nq,quiz,Q,forum-2,Coffee,three\n")
            #expect(number.status == 65 && number.stderr == "error: standard input row 2, column 'prize_count': 'three' is not a whole number; nothing was imported\n")
            let list = try ledger(dir, "import", "--csv", "-", "--type", "project.defined",
                                  stdin: "project,title,starts_on,ends_on,partners\np,T,2017-04-01,2020-03-31,KBTU\n")
            #expect(list.status == 65 && list.stderr.hasPrefix("error: standard input row 2, column 'partners': 'KBTU' is not JSON"))
            let id = try ledger(dir, "import", "--csv", "-", "--type", "participant.registered", "--id-column", "ID",
                                stdin: "ID,participant,group,name\nr1,p1,citizen,A\n,p2,citizen,B\n")
            #expect(id.status == 65 && id.stderr == "error: standard input row 3, column 'ID': the id is empty; with --id-column every row needs one; nothing was imported\n")
            let missing = try ledger(dir, "import", "--csv", "-", "--type", "participant.registered", "--map", "Who=participant",
                                     stdin: "participant,group,name\np1,citizen,A\n")
            #expect(missing.status == 65 && missing.stderr.hasPrefix("error: standard input row 1, column 'Who': no such column in the header (it has: participant, group, name)"))
            #expect(ledgerFiles(dir) == before)
        }
    }

    @Test func aBadRowAtTheEndOfALongSheetWritesNothing() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            var sheet = "participant,group,name\n"
            for n in 0..<20_000 { sheet += "p\(n),citizen,Person \(n)\n" }
            sheet += "late,nobody,Oops\n"
            let before = ledgerFiles(dir)
            let result = try ledger(dir, "import", "--csv", "-", "--type", "participant.registered", stdin: sheet)
            #expect(result.status == 65 && result.stderr.hasPrefix("error: standard input row 20002, column 'group':"))
            #expect(ledgerFiles(dir) == before)
            let fixed = try ledger(dir, "import", "--csv", "-", "--type", "participant.registered", stdin: String(sheet.dropLast("late,nobody,Oops\n".count)))
            #expect(fixed.stdout == "imported 20000 events (seq 3-20002)\n")
        }
    }

    @Test func csvOptionsAreCheckedAsUsage() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let before = ledgerFiles(dir)
            let noType = try ledger(dir, "import", "--csv", "-", stdin: "a\n1\n")
            #expect(noType.status == 64 && noType.stderr.contains("import --csv needs --type"))
            let noCSV = try ledger(dir, "import", "--type", "rsvp.submitted", stdin: "")
            #expect(noCSV.status == 64 && noCSV.stderr.contains("--type is for import --csv"))
            let badField = try ledger(dir, "import", "--csv", "-", "--type", "rsvp.submitted", "--map", "Who=participnt", stdin: "Who\n")
            #expect(badField.status == 64 && badField.stderr.contains("has no field 'participnt' (did you mean 'participant'?)"))
            let badType = try ledger(dir, "import", "--csv", "-", "--type", "rsvp.submited", stdin: "Who\n")
            #expect(badType.status == 65 && badType.stderr.contains("(did you mean 'rsvp.submitted'?)"))
            let badEncoding = try ledger(dir, "import", "--csv", "-", "--type", "rsvp.submitted", "--encoding", "cp1251", stdin: "a\n")
            #expect(badEncoding.status == 64 && badEncoding.stderr.contains("--encoding takes utf-8, windows-1251, not 'cp1251'"))
            #expect(ledgerFiles(dir) == before)
        }
    }
}

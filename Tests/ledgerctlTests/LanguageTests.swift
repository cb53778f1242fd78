import Foundation
import Testing

/// Kazakh and Russian reports say in Kazakh and Russian what the program generates: headings,
/// definitions, reasons, audit findings and rules. Latin letters left in them are the ledger's
/// own data (names, titles, ids, hashtags, URLs), codes (indicator ids) and the stamp's `seq`
/// and `SHA-256`: in every format people read, HTML included (its text, not its markup).
@Suite struct LanguageTests {
    /// Every Latin word of the ledger's data: event payloads and ids, and personal data.
    static func dataWords(_ dir: String) throws -> Set<String> {
        var words = Set<String>()
        func add(_ text: String) {
            for word in text.split(whereSeparator: { !($0.isASCII && $0.isLetter) }) { words.insert(word.lowercased()) }
        }
        func walk(_ value: Any) {
            if let text = value as? String { add(text) }
            if let object = value as? [String: Any] { object.values.forEach(walk) }
            if let array = value as? [Any] { array.forEach(walk) }
        }
        let log = try ledger(dir, "log", "--json").stdout
        for line in log.split(separator: "\n") {
            let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            walk(event["data"] as Any)
            walk(event["id"] as Any)
        }
        let personal = try String(contentsOfFile: dir + "/personal.jsonl", encoding: .utf8)
        for line in personal.split(separator: "\n") { walk(try JSONSerialization.jsonObject(with: Data(line.utf8))) }
        return words
    }

    @Test(arguments: ["kk", "ru"])
    func kazakhAndRussianReportsHaveNoEnglishProse(language: String) throws {
        try withTemporaryDirectory { dir in
            try FileManager.default.copyItem(atPath: ReadmeTests.repository + "/events", toPath: dir + "/events")
            let ledgerDir = dir + "/events"
            let data = try Self.dataWords(ledgerDir)
            let allowed: Set<String> = ["seq", "sha"]
            let reports: [[String]] = [
                ["attendees", "--engagement", "forum-1"], ["attendees", "--engagement", "forum-2"],
                ["standings", "--contest", "photo-2"], ["standings", "--contest", "quiz-2"],
                ["impact"], ["impact", "--engagement", "forum-2"], ["impact", "--period", "year"], ["proposals"],
            ]
            var english: [String: Set<String>] = [:]
            for report in reports {
                for format in ["table", "md", "csv", "html"] {
                    let result = try Ledgerctl.run(["--dir", ledgerDir, "report"] + report + ["--lang", language, "--format", format])
                    #expect(result.status == 0, "\(report) \(format): \(result.stderr)")
                    // HTML is read as its text: the style sheet and the markup are not prose (the
                    // labels in attributes are the column labels, read in the cells' headings).
                    let shown = format != "html" ? result.stdout : result.stdout
                        .replacingOccurrences(of: "<style>[\\s\\S]*</style>", with: "", options: .regularExpression)
                        .replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
                        .replacingOccurrences(of: "&(amp|lt|gt|quot|#39);", with: " ", options: .regularExpression)
                    // Codes with underscores (indicator ids, escaped in Markdown) are codes, not prose.
                    let text = shown.replacingOccurrences(of: "\\_", with: "_")
                        .replacingOccurrences(of: "[0-9a-f]{64}", with: "", options: .regularExpression) // the stamp's SHA-256
                    for token in text.split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0 == "_")) }) where !token.contains("_") {
                        let word = token.lowercased()
                        if word.count > 2, !data.contains(word), !allowed.contains(word) {
                            english[word, default: []].insert("\(report.joined(separator: " ")) --format \(format)")
                        }
                    }
                }
            }
            #expect(english.isEmpty, "English words in \(language) reports: \(english.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value.sorted().first!))" })")
        }
    }
}

import Foundation
import Testing
@testable import Ledger

@Suite struct ForgetTests {
    @Test func erasesEveryTraceAndKeepsTheChain() throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir)
            _ = try ledger.append(project)
            _ = try ledger.append(person("p-1", name: "Сәуле Жұмабаева", email: "saule@example.kz"))
            _ = try ledger.append(person("p-2", name: "Ivan Petrov", email: "ivan@example.ru"))
            _ = try ledger.append(event("participant.updated", ["participant": "p-1", "email": "saule.new@example.kz"]))
            _ = FileManager.default.createFile(atPath: dir + "/personal.jsonl.tmp", contents: Data("saule@example.kz".utf8))
            let result = try ledger.forget("p-1")
            #expect(result.recordsRemoved == 2 && !result.wasAlreadyErased && result.event.type == "participant.erased")
            for (file, bytes) in try snapshot(dir) {
                let text = String(decoding: bytes, as: UTF8.self)
                #expect(!text.contains("Сәуле") && !text.contains("saule"), "\(file)")
            }
            #expect(try ledger.personalRecords().map(\.participant) == ["p-2"])
            let report = try Verifier(path: dir).verify()
            #expect(report.damage == nil && report.events == 5)
            // Repeating is safe and writes nothing.
            let before = try snapshot(dir)
            #expect(try ledger.forget("p-1").wasAlreadyErased)
            #expect(try snapshot(dir) == before)
            // No new event may name the erased person.
            #expect(throws: LedgerError.self) { try ledger.append(event("participant.updated", ["participant": "p-1", "group": "expert"])) }
            #expect(throws: LedgerError.self) { try ledger.forget("p-404") }
        }
    }
}

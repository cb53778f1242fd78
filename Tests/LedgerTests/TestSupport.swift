import Foundation
@testable import Ledger

/// Runs `body` with a new empty directory that is removed afterwards.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let path = NSTemporaryDirectory() + "ledger-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// Every file under `path` and its bytes, for byte-for-byte comparisons.
func snapshot(_ path: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: path)
    while let relative = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        let full = path + "/" + relative
        if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
            files[relative] = FileManager.default.contents(atPath: full) ?? Data()
        }
    }
    return files
}

/// A ledger in `path` with a project, an engagement and a participant.
func makeLedger(_ path: String, segmentBytes: Int64 = LedgerDirectory.defaultSegmentBytes) throws -> Ledger {
    try Ledger.create(at: path, configuration: .init(segmentBytes: segmentBytes))
    let ledger = try Ledger(path: path)
    ledger.environment = [:]
    return ledger
}

/// Builds an event from `type` and string or JSON members.
func event(_ type: String, id: String? = nil, occurredAt: String? = nil, _ members: KeyValuePairs<String, Any>) -> NewEvent {
    NewEvent(type: type, data: .object(members.map { (key: $0.key, value: json($0.value)) }), id: id, occurredAt: occurredAt)
}

func json(_ value: Any) -> JSON {
    switch value {
    case let s as String: .string(s)
    case let i as Int: .integer(Int64(i))
    case let d as Double: .double(d)
    case let b as Bool: .bool(b)
    case let a as [Any]: .array(a.map(json))
    case let o as KeyValuePairs<String, Any>: .object(o.map { (key: $0.key, value: json($0.value)) })
    default: .null
    }
}

let project = event("project.defined", ["project": "wealmaty", "title": "WeAlmaty", "starts_on": "2017-04-01", "ends_on": "2020-03-31", "budget_eur": 430000])
let forum2 = event("engagement.scheduled", ["engagement": "forum-2", "project": "wealmaty", "title": "Green corridor",
                                            "starts_at": "2017-11-30T09:00:00+06:00", "ends_at": "2017-11-30T13:00:00+06:00",
                                            "time_zone": "Asia/Almaty", "rsvp_deadline": "2017-11-29T12:00"])
func person(_ id: String, name: String = "Айгүл Сәрсенова", email: String? = nil) -> NewEvent {
    var members: [(key: String, value: JSON)] = [("participant", .string(id)), ("group", .string("citizen")), ("name", .string(name))]
    if let email { members.append(("email", .string(email))) }
    return NewEvent(type: "participant.registered", data: .object(members))
}

/// The bytes of segment files, concatenated in order.
func segmentBytes(_ path: String) throws -> [UInt8] {
    try LedgerDirectory(path: path).segments().flatMap { Array(FileManager.default.contents(atPath: path + "/" + $0.name) ?? Data()) }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The result of one run of the built `ledgerctl`.
struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
    /// True when the process exited on its own (not killed by a signal).
    var exited: Bool
}

/// Runs the `ledgerctl` binary built next to the test bundle, end to end.
enum Ledgerctl {
    /// The binary's path: in the products directory with the test bundle.
    static let path: String = {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [products.appendingPathComponent("ledgerctl").path,
                          products.deletingLastPathComponent().appendingPathComponent("ledgerctl").path]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }()

    /// Runs `ledgerctl` with `arguments`, feeding `stdin`, and waits for it.
    /// - Parameters:
    ///   - launcher: a command that runs the binary (such as `setpriv ... --`), or none.
    ///   - binary: the binary to run, when not the built one (a copy another user can reach).
    @discardableResult
    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                    launcher: [String] = [], binary: String = Ledgerctl.path) throws -> RunResult {
        let process = try start(arguments, stdin: stdin, environment: environment, launcher: launcher, binary: binary)
        return process.finish()
    }

    /// Starts `ledgerctl` without waiting.
    /// - Parameter launcher: a command that runs the binary (such as `setpriv ... --`), or none.
    static func start(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                      launcher: [String] = [], binary: String = Ledgerctl.path) throws -> Running {
        let scratch = NSTemporaryDirectory() + "ledgerctl-run-" + UUID().uuidString
        let process = Process()
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(launcher.dropFirst()) + [binary] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "LEDGER_DIR")
        env.removeValue(forKey: "SOURCE_DATE_EPOCH")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        _ = FileManager.default.createFile(atPath: scratch + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: scratch + ".err", contents: nil)
        _ = FileManager.default.createFile(atPath: scratch + ".in", contents: Data((stdin ?? "").utf8))
        process.standardOutput = FileHandle(forWritingAtPath: scratch + ".out")
        process.standardError = FileHandle(forWritingAtPath: scratch + ".err")
        process.standardInput = FileHandle(forReadingAtPath: scratch + ".in")
        try process.run()
        return Running(process: process, scratch: scratch)
    }

    /// A started `ledgerctl`.
    final class Running {
        let process: Process
        let scratch: String

        init(process: Process, scratch: String) {
            self.process = process
            self.scratch = scratch
        }

        /// Sends SIGKILL.
        func kill() {
            Glibc.kill(process.processIdentifier, SIGKILL)
        }

        /// Waits for the process and collects its output.
        func finish() -> RunResult {
            process.waitUntilExit()
            let out = FileManager.default.contents(atPath: scratch + ".out") ?? Data()
            let err = FileManager.default.contents(atPath: scratch + ".err") ?? Data()
            for suffix in [".out", ".err", ".in"] { try? FileManager.default.removeItem(atPath: scratch + suffix) }
            return RunResult(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                             stderr: String(decoding: err, as: UTF8.self), exited: process.terminationReason == .exit)
        }
    }
}

/// Runs `body` with a new empty directory that is removed afterwards.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let path = NSTemporaryDirectory() + "ledgerctl-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// Every regular file under `path` and its bytes (a named pipe or a link is left out: reading
/// one could block, or leave the ledger).
func snapshot(_ path: String) -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: path)
    while let relative = enumerator?.nextObject() as? String {
        let full = path + "/" + relative
        var info = stat()
        if lstat(full, &info) == 0, info.st_mode & S_IFMT == S_IFREG {
            files[relative] = FileManager.default.contents(atPath: full) ?? Data()
        }
    }
    return files
}

/// The files that hold the ledger's evidence and settings (segments, `personal.jsonl`,
/// `ledger.json`) and their bytes: what a refused command must leave as it was.
func ledgerFiles(_ path: String) -> [String: Data] {
    snapshot(path).filter { $0.key.hasPrefix("segment-") || $0.key == "personal.jsonl" || $0.key == "ledger.json" }
}

/// `ledgerctl --dir DIR` with the rest of the arguments.
func ledger(_ dir: String, _ arguments: String..., stdin: String? = nil) throws -> RunResult {
    try Ledgerctl.run(["--dir", dir] + arguments, stdin: stdin)
}

/// A setup step that must succeed: runs `ledgerctl --dir DIR ...` and throws when it fails.
func given(_ dir: String, _ arguments: String..., stdin: String? = nil) throws {
    try given(dir, arguments, stdin: stdin)
}

/// Runs a setup step given as an array of arguments.
func given(_ dir: String, _ arguments: [String], stdin: String? = nil) throws {
    let result = try Ledgerctl.run(["--dir", dir] + arguments, stdin: stdin)
    guard result.status == 0 else { throw SetupFailed(arguments: arguments, stderr: result.stderr) }
}

/// A setup step failed; the test cannot go on.
struct SetupFailed: Error, CustomStringConvertible {
    var arguments: [String]
    var stderr: String
    var description: String { "setup 'ledgerctl \(arguments.joined(separator: " "))' failed: \(stderr)" }
}

/// A ledger with the WeAlmaty project and the second forum.
///
/// With `isPublished`, the project also names its IATI reporting organisation and identifier,
/// and its funder (the IATI export's funding organisation while the ledger adds none).
func demoLedger(_ dir: String, segmentSize: String = "16M", isPublished: Bool = false) throws {
    try given(dir, "init", "--segment-size", segmentSize)
    let publication = isPublished ? ["funder=European Union", "reporting_org_ref=GB-CHC-209131", "reporting_org_name=British Council", "reporting_org_type=15",
                                     "iati_identifier=GB-CHC-209131-WEALMATY"] : []
    try given(dir, ["append", "project.defined", "--occurred-at", "2017-04-03T10:00:00+06:00", "project=wealmaty", "title=WeAlmaty", "starts_on=2017-04-01", "ends_on=2020-03-31",
                    "budget_eur:=430000", #"partners:=["British Council","Almaty akimat","Almaty Development Center","KBTU"]"#] + publication)
    try given(dir, "append", "engagement.scheduled", "--occurred-at", "2017-11-01T10:00:00+06:00", "engagement=forum-2", "project=wealmaty", "title=Green corridor and public space",
               "starts_at=2017-11-30T09:00:00+06:00", "ends_at=2017-11-30T13:00:00+06:00", "time_zone=Asia/Almaty",
               "rsvp_deadline=2017-11-29T12:00", "venue=Transforma theatre, Smart Point, 280 Baizakov street")
}

/// The ids of the events in the ledger, in order, read from `log --json`.
func storedIDs(_ dir: String) throws -> [String] {
    try ledger(dir, "log", "--json").stdout.split(separator: "\n").compactMap { line in
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        return object?["id"] as? String
    }
}

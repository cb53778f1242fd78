import Foundation
import Ledger
#if canImport(Glibc)
import Glibc
#endif

/// `ledgerctl`: parses the command line, calls the libraries, prints, and picks the exit code.
struct Tool {
    static let version = "0.1.0"

    /// Exit codes (sysexits where one fits).
    enum ExitCode: Int32 {
        case success = 0
        case damaged = 1
        case usage = 64
        case badInput = 65
        case ioError = 74
        case busy = 75
        case notPermitted = 77
    }

    var arguments: [String]
    var environment = ProcessInfo.processInfo.environment

    /// Runs the command and returns its exit code; prints data on stdout, `error: ...` on stderr.
    func run() -> Int32 {
        do {
            return try dispatch().rawValue
        } catch let error as UsageError {
            printError("error: \(error.message); see 'ledgerctl help\(error.command.map { " " + $0 } ?? "")'")
            return ExitCode.usage.rawValue
        } catch let error as LedgerError {
            printError("error: \(error)")
            return Self.exitCode(for: error).rawValue
        } catch {
            printError("error: \(error)")
            return ExitCode.ioError.rawValue
        }
    }

    static func exitCode(for error: LedgerError) -> ExitCode {
        switch error {
        case .unknownType, .invalidField, .invalidEvent, .invalidImportLine, .invalidImportRow, .conflict, .invalidArgument: .badInput
        case .notALedger: .usage
        case .io: .ioError
        case .busy: .busy
        case .damaged, .damagedIndex: .damaged
        case .notOwner: .notPermitted
        }
    }

    private func dispatch() throws -> ExitCode {
        var list = ArgumentList(arguments)
        let directory = try list.option("--dir") ?? environment["LEDGER_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "events"
        let wait = try list.option("--wait") ?? environment["LEDGER_LOCK_TIMEOUT"]
        var lockTimeout = 10.0
        if let wait {
            guard let seconds = Double(wait), seconds >= 0, seconds.isFinite else { throw UsageError("--wait takes seconds, such as 30") }
            lockTimeout = seconds
        }
        if list.flag("--version") {
            try printOut("ledgerctl \(Self.version) (format \(LedgerDirectory.format), catalog \(EventCatalog.version1.version))")
            return .success
        }
        do {
            _ = try Timestamp.pinnedClock(in: environment)
        } catch {
            throw UsageError(error.description)
        }
        let wantsHelp = list.flag("--help") || list.flag("-h")
        guard let commandIndex = list.remaining.firstIndex(where: { !$0.hasPrefix("--") }) else {
            if wantsHelp {
                try printOut(Usage.text)
                return .success
            }
            printError(Usage.text)
            return .usage
        }
        let command = list.remaining[commandIndex]
        if let misplaced = list.remaining[..<commandIndex].first {
            throw UsageError("'\(misplaced)' is not an option of ledgerctl itself; put it after the command")
        }
        list = ArgumentList(Array(list.remaining.drop { $0 != command }.dropFirst())
                            + list.remaining.prefix { $0 != command })
        if command == "help" {
            let topics = try list.positionals()
            guard let topic = topics.first else {
                try printOut(wantsHelp ? try Self.spec("help").help : Usage.text)
                return .success
            }
            guard topics.count == 1 else { throw UsageError("help takes one command") }
            try printOut(try Self.spec(topic).help)
            return .success
        }
        let spec = try Self.spec(command)
        if wantsHelp {
            try printOut(spec.help)
            return .success
        }
        list.known = spec.options + CommandSpec.globalOptions
        let context = Context(directory: directory, lockTimeout: lockTimeout, environment: environment)
        do {
            return try run(command, &list, context)
        } catch var error as UsageError {
            error.command = command
            throw error
        }
    }

    /// Runs one command; its usage errors point to its help.
    private func run(_ command: String, _ list: inout ArgumentList, _ context: Context) throws -> ExitCode {
        switch command {
        case "init": return try runInit(&list, context)
        case "append": return try runAppend(&list, context)
        case "import": return try runImport(&list, context)
        case "log": return try runLog(&list, context)
        case "verify": return try runVerify(&list, context)
        case "checkpoint": return try runCheckpoint(&list, context)
        case "types": return try runTypes(&list)
        case "forget": return try runForget(&list, context)
        case "repair": return try runRepair(&list, context)
        case "backup": return try runBackup(&list, context)
        case "report": return try runReport(&list, context)
        case "completions": return try runCompletions(&list)
        default: throw UsageError("unknown command '\(command)'")
        }
    }

    /// The command named `name`, or a usage error that suggests the nearest one.
    static func spec(_ name: String) throws(UsageError) -> CommandSpec {
        guard let spec = CommandSpec.named(name) else {
            throw UsageError("unknown command '\(name)'\(Spelling.suggestion(for: name, among: CommandSpec.names))")
        }
        return spec
    }

    /// What every command gets from the global options.
    struct Context {
        var directory: String
        var lockTimeout: Double
        var environment: [String: String]

        /// Opens the ledger for writing, with warnings printed on stderr.
        func openLedger() throws -> Ledger {
            let ledger = try Ledger(path: directory)
            ledger.lockTimeout = lockTimeout
            ledger.environment = environment
            ledger.warningHandler = { printError("warning: \($0)") }
            return ledger
        }
    }
}

/// Writes `text` and a line feed to stdout.
/// - Throws: `LedgerError.io` when stdout cannot take it (a full disk, a closed stream).
func printOut(_ text: String) throws {
    try StandardStreams.writeLine(text)
}

/// Writes `text` and a line feed to stderr.
func printError(_ text: String) {
    StandardStreams.writeError(text)
}

/// Reads all of standard input, or a file; at most `limit` bytes.
func readInput(_ path: String, limit: Int, what: String) throws -> [UInt8] {
    if path == "-" {
        guard let bytes = try StandardStreams.readInput(limit: limit) else {
            throw LedgerError.invalidArgument("\(what) on standard input is larger than \(limit) bytes")
        }
        return bytes
    }
    let descriptor = try Tool.openInput(path, what: what)
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let got = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, $0.count) }
        if got < 0 && errno == EINTR { continue }
        guard got >= 0 else { throw LedgerError.io(SystemError(operation: "read", path: path, code: errno)) }
        if got == 0 { break }
        bytes.append(contentsOf: chunk[0..<got])
        if bytes.count > limit { throw LedgerError.invalidArgument("\(what) \(path) is larger than \(limit) bytes") }
    }
    return bytes
}

extension Tool {
    /// Opens a file given as input (read only); refused unless it is a regular file.
    static func openInput(_ path: String, what: String) throws -> Int32 {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw LedgerError.invalidArgument("\(what) \(path): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw LedgerError.invalidArgument("\(what) \(path) is not a regular file")
        }
        return descriptor
    }
}

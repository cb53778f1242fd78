import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A ledger belongs to the user who made it: root is refused as its writer (so that it cannot
/// leave files its owner cannot open), may read it without leaving anything behind, and a user
/// without permission is told so rather than told to run `init`.
@Suite(.enabled(if: SecondUser.isAvailable, "needs root and setpriv to run ledgerctl as a second user"))
struct OwnershipTests {
    // MARK: - Root on another user's ledger

    @Test func rootIsRefusedAsAWriterOfAnotherUsersLedger() throws {
        try withSecondUsersLedger { user, dir in
            let before = snapshot(dir)
            let result = try ledger(dir, "append", "participant.registered", "participant=p2", "group=citizen", "name=Root Attempt")
            #expect(result.exited && result.status == 77, "\(result.status): \(result.stderr)")
            #expect(result.stderr.contains("owned by") && result.stderr.contains(SecondUser.name), "\(result.stderr)")
            #expect(result.stderr.contains("sudo -u") || result.stderr.contains("run as"), "\(result.stderr)")
            #expect(snapshot(dir) == before)
            #expect(rootOwnedEntries(dir).isEmpty, "\(rootOwnedEntries(dir))")
            let owners = try user.ledger(dir, "append", "participant.registered", "participant=p3", "group=citizen", "name=Owner Again")
            #expect(owners.status == 0, "\(owners.stderr)")
        }
    }

    @Test func rootIsRefusedWhenItTriesToForgetOnAnotherUsersLedger() throws {
        try withSecondUsersLedger { user, dir in
            let before = snapshot(dir)
            let result = try ledger(dir, "forget", "p1")
            #expect(result.exited && result.status == 77, "\(result.status): \(result.stderr)")
            #expect(result.stderr.contains("owned by") && result.stderr.contains(SecondUser.name), "\(result.stderr)")
            #expect(result.stderr.contains("sudo -u") || result.stderr.contains("run as"), "\(result.stderr)")
            #expect(snapshot(dir) == before)
            #expect(rootOwnedEntries(dir).isEmpty, "\(rootOwnedEntries(dir))")
            let owners = try user.ledger(dir, "forget", "p1")
            #expect(owners.status == 0, "\(owners.stderr)")
        }
    }

    /// Past 1,000 events `report impact` saves its state in `index/`: as root it must not.
    @Test func rootMayReadAnotherUsersLedgerWithoutLeavingAFileBehind() throws {
        try withSecondUsersLedger { user, dir in
            let lines = (1...1_100).map { #"{"type":"participant.registered","data":{"participant":"i\#($0)","group":"citizen","name":"Imported \#($0)"}}"# }
            let imported = try user.run(["--dir", dir, "import", "-"], stdin: lines.joined(separator: "\n") + "\n")
            try #require(imported.status == 0, "\(imported.stderr)")
            let before = ledgerFiles(dir)
            let result = try ledger(dir, "report", "impact")
            #expect(result.exited && result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("Impact metrics"))
            #expect(rootOwnedEntries(dir).isEmpty, "\(rootOwnedEntries(dir))")
            #expect(ledgerFiles(dir) == before)
            let owners = try user.ledger(dir, "append", "participant.registered", "participant=p2", "group=citizen", "name=Owner Again")
            #expect(owners.status == 0, "\(owners.stderr)")
        }
    }

    // MARK: - Messages for a user without permission

    /// Not "not a ledger; run 'ledgerctl init'": the ledger is there, the user may not enter it.
    @Test(arguments: [["report", "impact"], ["log"], ["verify"], ["append", "participant.registered", "participant=p9", "group=citizen", "name=N"]])
    func aUserWhoCannotEnterTheLedgerIsToldPermissionDenied(command: [String]) throws {
        let user = try SecondUser.make()
        try withTemporaryDirectory { root in
            try #require(chmod(root, 0o755) == 0)
            let dir = root + "/ledger"
            try demoLedger(dir) // root's, 0700
            let result = try user.run(["--dir", dir] + command)
            #expect(result.exited && result.status != 0, "\(command)")
            #expect(result.stderr.contains("ermission denied"), "\(command): \(result.stderr)")
            #expect(!result.stderr.contains("init") && !result.stderr.contains("not a ledger"), "\(command): \(result.stderr)")
        }
    }

    @Test func anUnreadableSettingsFileIsReportedAsPermissionDenied() throws {
        try withSecondUsersLedger { user, dir in
            try #require(chmod(dir + "/ledger.json", 0o000) == 0)
            let before = snapshot(dir)
            let append = try user.ledger(dir, "append", "participant.registered", "participant=p2", "group=citizen", "name=Owner Again")
            #expect(append.exited && append.status != 0)
            #expect(append.stderr.contains("ermission denied"), "\(append.stderr)")
            #expect(!append.stderr.contains("run 'ledgerctl"), "\(append.stderr)")
            let initialise = try user.ledger(dir, "init")
            #expect(initialise.exited)
            #expect(!initialise.stderr.contains("run 'ledgerctl"), "\(initialise.stderr)")
            #expect(snapshot(dir) == before)
        }
    }

    @Test func aReportThatCannotBeWrittenSaysPermissionDenied() throws {
        try withSecondUsersLedger { user, dir in
            let reports = URL(fileURLWithPath: dir).deletingLastPathComponent().path + "/reports" // root's
            try FileManager.default.createDirectory(atPath: reports, withIntermediateDirectories: false)
            try #require(chmod(reports, 0o755) == 0)
            let result = try user.ledger(dir, "report", "impact", "--output", reports + "/report.html")
            #expect(result.exited && result.status == 74, "\(result.status): \(result.stderr)")
            #expect(result.stderr.contains("ermission denied"), "\(result.stderr)")
            #expect(!result.stderr.contains("No such file"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: reports + "/report.html"))
        }
    }
}

// MARK: - Helpers

/// A second, unprivileged user (`ledger-second`, made when missing) who owns ledgers in these
/// tests and runs `ledgerctl` through `setpriv`.
struct SecondUser {
    static let name = "ledger-second"
    /// The binary the user runs (a copy of the built one, in a directory everyone can enter).
    nonisolated(unsafe) private static var binary = Ledgerctl.path
    let uid: uid_t
    let gid: gid_t

    /// Whether the tests can make and become a second user: as root, with `setpriv`.
    static var isAvailable: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
    }

    /// The user, or why there is none.
    private static let shared: Result<SecondUser, SetupFailed> = {
        if lookUp() == nil {
            let useradd = Process()
            useradd.executableURL = URL(fileURLWithPath: "/usr/sbin/useradd")
            useradd.arguments = ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name]
            do { try useradd.run() } catch {
                return .failure(SetupFailed(arguments: ["useradd", name], stderr: "\(error)"))
            }
            useradd.waitUntilExit()
        }
        guard let user = lookUp() else { return .failure(SetupFailed(arguments: ["useradd", name], stderr: "no such user after useradd")) }
        // A copy of the binary where the user can reach it: a clone may sit in a directory only root can enter.
        let shared = NSTemporaryDirectory() + "ledgerctl-second-user-\(getpid())"
        guard mkdir(shared, 0o755) == 0 || errno == EEXIST, chmod(shared, 0o755) == 0,
              (try? FileManager.default.copyItem(atPath: Ledgerctl.path, toPath: shared + "/ledgerctl")) != nil
                || FileManager.default.isExecutableFile(atPath: shared + "/ledgerctl"),
              chmod(shared + "/ledgerctl", 0o755) == 0 else {
            return .failure(SetupFailed(arguments: ["cp", Ledgerctl.path, shared], stderr: String(cString: strerror(errno))))
        }
        binary = shared + "/ledgerctl"
        // The binary and its libraries must be reachable by the user, or "Permission denied" would mean nothing.
        guard let version = try? user.run(["--version"]), version.status == 0 else {
            return .failure(SetupFailed(arguments: ["--version as \(name)"], stderr: "the user cannot run \(Ledgerctl.path)"))
        }
        return .success(user)
    }()

    private static func lookUp() -> SecondUser? {
        guard let entry = getpwnam(name) else { return nil }
        return SecondUser(uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }

    /// The user, made when missing.
    static func make() throws -> SecondUser {
        try shared.get()
    }

    /// Runs `ledgerctl` with `arguments` as this user.
    func run(_ arguments: [String], stdin: String? = nil) throws -> RunResult {
        try Ledgerctl.run(arguments, stdin: stdin, launcher: ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--"],
                          binary: SecondUser.binary)
    }

    /// `ledgerctl --dir DIR ...` as this user.
    func ledger(_ dir: String, _ arguments: String...) throws -> RunResult {
        try run(["--dir", dir] + arguments)
    }

    /// A setup step as this user that must succeed.
    func given(_ dir: String, _ arguments: String...) throws {
        let result = try run(["--dir", dir] + arguments)
        guard result.status == 0 else { throw SetupFailed(arguments: arguments, stderr: result.stderr) }
    }

    /// A new empty directory `parent/name` that this user owns (mode 0700); `parent` is opened
    /// to everyone so that the user can reach it.
    func ownedDirectory(in parent: String, named name: String) throws -> String {
        let path = parent + "/" + name
        guard chmod(parent, 0o755) == 0, mkdir(path, 0o700) == 0, chown(path, uid, gid) == 0 else {
            throw SetupFailed(arguments: ["mkdir", path], stderr: String(cString: strerror(errno)))
        }
        return path
    }
}

/// Runs `body` with a ledger that the second user made and wrote (a project and participant
/// `p1` with a name), in a directory that user owns.
func withSecondUsersLedger<T>(_ body: (SecondUser, String) throws -> T) throws -> T {
    let user = try SecondUser.make()
    return try withTemporaryDirectory { root in
        let dir = try user.ownedDirectory(in: root, named: "ledger")
        try user.given(dir, "init")
        try user.given(dir, "append", "project.defined", "project=wealmaty", "title=WeAlmaty", "starts_on=2017-04-01", "ends_on=2020-03-31", "budget_eur:=430000")
        try user.given(dir, "append", "participant.registered", "participant=p1", "group=citizen", "name=Owner's Participant")
        return try body(user, dir)
    }
}

/// The paths under `dir` (`dir` included, links not followed) that root owns.
func rootOwnedEntries(_ dir: String) -> [String] {
    var paths = [dir]
    let enumerator = FileManager.default.enumerator(atPath: dir)
    while let relative = enumerator?.nextObject() as? String { paths.append(dir + "/" + relative) }
    return paths.filter { path in
        var status = stat()
        return lstat(path, &status) == 0 && status.st_uid == 0
    }
}

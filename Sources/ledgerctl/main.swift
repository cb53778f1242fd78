#if canImport(Glibc)
import Glibc
#endif

// Arguments are read from the raw bytes: Swift's CommandLine.arguments would turn invalid UTF-8
// into U+FFFD silently, and such text must be refused, not stored.
var arguments: [String] = []
for index in 1..<Int(CommandLine.argc) {
    guard let raw = CommandLine.unsafeArgv[index], let argument = String(validatingCString: raw) else {
        StandardStreams.writeError("error: argument \(index) is not valid UTF-8; nothing was written")
        exit(Tool.ExitCode.badInput.rawValue)
    }
    arguments.append(argument)
}
OutOfMemory.install()
MappedFileCutShort.install()
exit(Tool(arguments: arguments).run())

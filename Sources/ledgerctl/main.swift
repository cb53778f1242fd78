#if canImport(Glibc)
import Glibc
#endif

exit(Tool(arguments: Array(CommandLine.arguments.dropFirst())).run())

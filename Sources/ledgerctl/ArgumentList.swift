/// A command's arguments, consumed option by option; whatever is left is positional.
struct ArgumentList {
    private(set) var remaining: [String]

    init(_ arguments: [String]) {
        remaining = arguments
    }

    /// Removes `--name VALUE` or `--name=VALUE` and returns the value (the last, if repeated).
    mutating func option(_ name: String) throws(UsageError) -> String? {
        var value: String?
        var i = 0
        while i < remaining.count {
            let argument = remaining[i]
            if argument == "--" { break }
            if argument == name || argument.hasPrefix(name + "=") {
                guard value == nil else { throw UsageError("\(name) is given twice") }
            }
            if argument == name {
                guard i + 1 < remaining.count else { throw UsageError("\(name) needs a value") }
                value = remaining[i + 1]
                remaining.removeSubrange(i...(i + 1))
            } else if argument.hasPrefix(name + "=") {
                value = String(argument.dropFirst(name.count + 1))
                remaining.remove(at: i)
            } else {
                i += 1
            }
        }
        return value
    }

    /// Removes `--name` and returns whether it was there.
    mutating func flag(_ name: String) -> Bool {
        guard let i = remaining.firstIndex(of: name), !(remaining.firstIndex(of: "--").map { $0 < i } ?? false) else { return false }
        remaining.removeAll { $0 == name }
        return true
    }

    /// The positional arguments; an unknown `--option` among them is a usage error.
    mutating func positionals() throws(UsageError) -> [String] {
        var out: [String] = []
        var afterSeparator = false
        for argument in remaining {
            if !afterSeparator && argument == "--" { afterSeparator = true; continue }
            if !afterSeparator && argument.hasPrefix("--") { throw UsageError("unknown option '\(argument)'") }
            out.append(argument)
        }
        remaining = []
        return out
    }
}

/// A mistake in how the command was called: exit 64 with the message and a pointer to help.
struct UsageError: Error {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}

import Ledger

/// A command's arguments, consumed option by option; whatever is left is positional.
struct ArgumentList {
    private(set) var remaining: [String]
    /// The command's options, for "did you mean" when an unknown one is given.
    var known: [CommandSpec.Option] = []

    init(_ arguments: [String]) {
        remaining = arguments
    }

    /// Removes `--name VALUE` and returns the value, which must be one of `values`.
    mutating func option(_ name: String, among values: [String]) throws(UsageError) -> String? {
        guard let value = try option(name) else { return nil }
        guard values.contains(value) else {
            throw UsageError("\(name) takes \(values.joined(separator: ", ")), not '\(value)'\(Spelling.suggestion(for: value, among: values))")
        }
        return value
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

    /// Removes every `--name VALUE` and `--name=VALUE` and returns the values in order.
    mutating func repeatedOption(_ name: String) throws(UsageError) -> [String] {
        var values: [String] = []
        var i = 0
        while i < remaining.count, remaining[i] != "--" {
            if remaining[i] == name {
                guard i + 1 < remaining.count else { throw UsageError("\(name) needs a value") }
                values.append(remaining[i + 1])
                remaining.removeSubrange(i...(i + 1))
            } else if remaining[i].hasPrefix(name + "=") {
                values.append(String(remaining[i].dropFirst(name.count + 1)))
                remaining.remove(at: i)
            } else {
                i += 1
            }
        }
        return values
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
        for (i, argument) in remaining.enumerated() {
            if !afterSeparator && argument == "--" { afterSeparator = true; continue }
            if !afterSeparator && argument.hasPrefix("-") && argument.count > 1 {
                let next = i + 1 < remaining.count ? remaining[i + 1] : nil
                throw UsageError("unknown option '\(argument)'\(suggestion(for: argument, before: next))")
            }
            out.append(argument)
        }
        remaining = []
        return out
    }

    /// " (did you mean '--x'?)" for an unknown option: the nearest known name, or for a short
    /// `-x` the known option that starts with that letter (one that takes a value when a value follows).
    private func suggestion(for argument: String, before next: String?) -> String {
        let name = String(argument.prefix { $0 != "=" })
        if !name.hasPrefix("--") {
            var matches = known.filter { $0.name.hasPrefix("-" + name) && name.count == 2 }
            if matches.count > 1, let next, !next.hasPrefix("-") { matches = matches.filter { $0.value != nil } }
            return matches.first.map { " (did you mean '\($0.name)'?)" } ?? ""
        }
        return Spelling.suggestion(for: name, among: known.map(\.name))
    }
}

/// A mistake in how the command was called: exit 64 with the message and a pointer to help.
struct UsageError: Error {
    let message: String
    /// The command whose help the message points to; none for the global help.
    var command: String?

    init(_ message: String) {
        self.message = message
    }
}

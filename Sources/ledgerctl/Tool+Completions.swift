import Foundation
import Ledger

/// `ledgerctl completions SHELL`: a completion script made from the commands' declarations.
extension Tool {
    func runCompletions(_ list: inout ArgumentList) throws -> ExitCode {
        let positionals = try list.positionals()
        guard let shell = positionals.first, positionals.count == 1 else {
            throw UsageError("completions takes one shell: \(CommandSpec.shells.joined(separator: ", "))")
        }
        switch shell {
        case "bash": try printOut(Completions.bash)
        case "zsh": try printOut(Completions.zsh)
        case "fish": try printOut(Completions.fish)
        default:
            throw UsageError("completions takes \(CommandSpec.shells.joined(separator: ", ")), not '\(shell)'\(Spelling.suggestion(for: shell, among: CommandSpec.shells))")
        }
        return .success
    }
}

/// Completion scripts for bash, zsh and fish, generated from `CommandSpec.all`.
enum Completions {
    /// What completes the value of an option: a fixed list, directories, files, or nothing.
    private enum ValueCompletion: Equatable {
        case words([String]), directories, files, none
    }

    private static func valueCompletion(_ option: CommandSpec.Option) -> ValueCompletion {
        if !option.values.isEmpty { return .words(option.values) }
        switch option.value {
        case "DIR": return .directories
        case "FILE", "JSON|@FILE|-", "FILE|-": return .files
        default: return .none
        }
    }

    /// Options that take a value, once each by name (a name means the same in every command).
    private static var valueOptions: [CommandSpec.Option] {
        var seen: Set<String> = []
        return (CommandSpec.globalOptions + CommandSpec.all.flatMap(\.options)).filter { $0.value != nil && seen.insert($0.name).inserted }
    }

    /// The words offered after `command`: its enumerated argument values and its options.
    private static func words(_ command: CommandSpec) -> [String] {
        let arguments = command.name == "help" ? CommandSpec.names : (command.arguments.first?.values ?? [])
        return arguments + command.options.map(\.name) + ["--help"]
    }

    private static let topLevel = CommandSpec.names + CommandSpec.globalOptions.map(\.name) + ["--version"]

    static var bash: String {
        var lines = ["# ledgerctl completions for bash: eval \"$(ledgerctl completions bash)\"",
                     "_ledgerctl() {",
                     "    local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" cmd=\"\" i",
                     "    for ((i = 1; i < COMP_CWORD; i++)); do",
                     "        case \"${COMP_WORDS[i]}\" in",
                     "            --dir|--wait) ((i++)) ;;",
                     "            -*) ;;",
                     "            *) cmd=\"${COMP_WORDS[i]}\"; break ;;",
                     "        esac",
                     "    done",
                     "    case \"$prev\" in"]
        for option in valueOptions {
            switch valueCompletion(option) {
            case let .words(values): lines.append("        \(option.name)) COMPREPLY=($(compgen -W \"\(values.joined(separator: " "))\" -- \"$cur\")); return ;;")
            case .directories: lines.append("        \(option.name)) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;")
            case .files: lines.append("        \(option.name)) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;")
            case .none: lines.append("        \(option.name)) return ;;")
            }
        }
        lines += ["    esac", "    case \"$cmd\" in",
                  "        \"\") COMPREPLY=($(compgen -W \"\(topLevel.joined(separator: " "))\" -- \"$cur\")) ;;"]
        for command in CommandSpec.all {
            lines.append("        \(command.name)) COMPREPLY=($(compgen -W \"\(words(command).joined(separator: " "))\" -- \"$cur\")) ;;")
        }
        lines += ["    esac", "}", "complete -o default -F _ledgerctl ledgerctl"]
        return lines.joined(separator: "\n")
    }

    static var zsh: String {
        var lines = ["#compdef ledgerctl",
                     "# ledgerctl completions for zsh: ledgerctl completions zsh > \"${fpath[1]}/_ledgerctl\"",
                     "_ledgerctl() {",
                     "    local cmd=\"\" i",
                     "    for ((i = 2; i < CURRENT; i++)); do",
                     "        case \"${words[i]}\" in",
                     "            --dir|--wait) ((i++)) ;;",
                     "            -*) ;;",
                     "            *) cmd=\"${words[i]}\"; break ;;",
                     "        esac",
                     "    done",
                     "    case \"${words[CURRENT-1]}\" in"]
        for option in valueOptions {
            switch valueCompletion(option) {
            case let .words(values): lines.append("        \(option.name)) compadd -- \(values.joined(separator: " ")); return ;;")
            case .directories: lines.append("        \(option.name)) _files -/; return ;;")
            case .files: lines.append("        \(option.name)) _files; return ;;")
            case .none: lines.append("        \(option.name)) return ;;")
            }
        }
        lines += ["    esac", "    case \"$cmd\" in", "        \"\") compadd -- \(topLevel.joined(separator: " ")) ;;"]
        for command in CommandSpec.all {
            lines.append("        \(command.name)) compadd -- \(words(command).joined(separator: " ")) ;;")
        }
        // Autoloaded from fpath the file is the function's body: complete now; sourced, register it.
        lines += ["    esac", "}",
                  "if [[ \"${funcstack[1]}\" == _ledgerctl ]]; then _ledgerctl \"$@\"; else compdef _ledgerctl ledgerctl; fi"]
        return lines.joined(separator: "\n")
    }

    static var fish: String {
        var lines = ["# ledgerctl completions for fish: ledgerctl completions fish > ~/.config/fish/completions/ledgerctl.fish",
                     "complete -c ledgerctl -f"]
        for option in CommandSpec.globalOptions {
            lines.append(fishOption(option, condition: nil))
        }
        for command in CommandSpec.all {
            lines.append("complete -c ledgerctl -n __fish_use_subcommand -a \(command.name) -d \(fishQuoted(command.summary))")
            let condition = "__fish_seen_subcommand_from \(command.name)"
            let arguments = command.name == "help" ? CommandSpec.names : (command.arguments.first?.values ?? [])
            if !arguments.isEmpty {
                lines.append("complete -c ledgerctl -n \(fishQuoted(condition)) -a \(fishQuoted(arguments.joined(separator: " ")))")
            }
            for option in command.options { lines.append(fishOption(option, condition: condition)) }
        }
        return lines.joined(separator: "\n")
    }

    private static func fishOption(_ option: CommandSpec.Option, condition: String?) -> String {
        var line = "complete -c ledgerctl"
        if let condition { line += " -n \(fishQuoted(condition))" }
        line += " -l \(option.name.dropFirst(2))"
        switch valueCompletion(option) {
        case let .words(values): line += " -x -a \(fishQuoted(values.joined(separator: " ")))"
        case .directories: line += " -x -a '(__fish_complete_directories)'"
        case .files: line += " -r -F"
        case .none: if option.value != nil { line += " -x" }
        }
        return line + " -d \(fishQuoted(option.summary))"
    }

    private static func fishQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}

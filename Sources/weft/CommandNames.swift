import ArgumentParser
import WeftSync

/// Command-line mistakes the argument parser answers badly: a misspelt command ("2 unexpected
/// arguments", with no word of what was meant) and `weft help` of a command that does not exist
/// (the main help, exit 0). Checked before parsing, with the commands' own names.
struct CommandNames {
    let root: ParsableCommand.Type

    /// What is wrong with `arguments` (without the program's name), in words for the user; nil
    /// when the parser can take them.
    func mistake(in arguments: [String]) -> String? {
        var arguments = arguments[...]
        var command = root
        var path = [name(of: root)]
        var asking = false
        if arguments.first == "help" {
            asking = true
            arguments = arguments.dropFirst()
        }
        while let word = arguments.first, !word.hasPrefix("-") {
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty else { return nil }
            guard let next = subcommands.first(where: { name(of: $0) == word }) else {
                let names = subcommands.map(name(of:))
                let hint = Spelling.suggestion(for: word, among: names + (path.count == 1 && !asking ? ["help"] : [])).map { " Did you mean '\($0)'?" } ?? ""
                let help = asking ? "weft help" : (path + ["--help"]).joined(separator: " ")
                return "'\(word)' is not a command of \(path.joined(separator: " ")).\(hint) Commands: \(names.joined(separator: ", ")) (`\(help)` says more)."
            }
            command = next
            path.append(word)
            arguments = arguments.dropFirst()
        }
        // `-dash` would be read as -d -a -s -h, and -h prints the help and succeeds: a script's
        // `weft put "$name"` would store nothing and say nothing. No command has a short flag
        // that goes with -h, so such a group is a name given where an option is read.
        for word in arguments.prefix(while: { $0 != "--" }) where word.count > 2 && word.hasPrefix("-") && !word.hasPrefix("--")
            && word.dropFirst().allSatisfy(\.isLetter) && word.contains("h") {
            return "'\(word)' is not an option of \(path.joined(separator: " ")) (read as -\(word.dropFirst().map(String.init).joined(separator: " -")), -h asks for help); a name that starts with - goes after --: \(path.joined(separator: " ")) -- \(word)"
        }
        return nil
    }

    private func name(of command: ParsableCommand.Type) -> String {
        command.configuration.commandName ?? command._commandName
    }
}

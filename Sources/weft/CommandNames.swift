import ArgumentParser

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
                let hint = suggestion(for: word, among: names + (path.count == 1 && !asking ? ["help"] : [])).map { " Did you mean '\($0)'?" } ?? ""
                let help = asking ? "weft help" : (path + ["--help"]).joined(separator: " ")
                return "'\(word)' is not a command of \(path.joined(separator: " ")).\(hint) Commands: \(names.joined(separator: ", ")) (`\(help)` says more)."
            }
            command = next
            path.append(word)
            arguments = arguments.dropFirst()
        }
        return nil
    }

    private func name(of command: ParsableCommand.Type) -> String {
        command.configuration.commandName ?? command._commandName
    }

    /// The name `word` was most likely meant as: one or two typing slips away (a letter wrong,
    /// missing, extra, or two swapped), or the only name it begins.
    private func suggestion(for word: String, among names: [String]) -> String? {
        let close = names.map { ($0, Self.distance(word, $0)) }.filter { $0.1 <= (word.count > 4 ? 2 : 1) }.min { $0.1 < $1.1 }
        if let close { return close.0 }
        let starting = names.filter { $0.hasPrefix(word) }
        return starting.count == 1 ? starting[0] : nil
    }

    /// Edits between `a` and `b`: letters changed, added, removed, or two neighbours swapped.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in stride(from: 1, through: a.count, by: 1) {
            for j in stride(from: 1, through: b.count, by: 1) {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1) }
            }
        }
        return table[a.count][b.count]
    }
}

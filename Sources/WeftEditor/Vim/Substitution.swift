/// A parsed `:s` command: `:[range]s/pattern/replacement/[flags]`, with any delimiter after the `s`.
struct Substitution: Equatable, Sendable {
    /// Which lines, as vim writes them: none (the cursor's line), `%` (all), `N`, `N,M`, `.`, `$`.
    enum Bound: Equatable, Sendable {
        case number(Int)
        case current
        case last
    }

    var from: Bound
    var to: Bound
    var pattern: String
    var replacement: String
    /// `g`: every match in a line, not only the first.
    var global = false
    /// `i` / `I`: ignore case, or respect it.
    var ignoreCase: Bool?

    /// Parses `command`, nil when it is not a substitution (so other `:` commands can be tried).
    /// - Throws: `SubstitutionError` when it is one, but written wrong.
    init?(parsing command: String) throws(SubstitutionError) {
        var rest = Substring(command)
        let range = Self.range(&rest)
        let from = range?.from ?? .current, to = range?.to ?? .current
        if rest.hasPrefix("substitute") { rest = rest.dropFirst(10) } else if rest.hasPrefix("s") { rest = rest.dropFirst() } else { return nil }
        guard let delimiter = rest.first, !delimiter.isLetter, !delimiter.isNumber, delimiter != " ", delimiter != "\\" else { return nil }
        rest = rest.dropFirst()
        var parts: [String] = [""]
        while let character = rest.popFirst() {
            if character == "\\", let next = rest.first {
                rest = rest.dropFirst()
                // An escaped delimiter is the delimiter itself; other escapes are the pattern's.
                parts[parts.count - 1] += next == delimiter ? String(next) : "\\\(next)"
            } else if character == delimiter, parts.count < 3 {
                parts.append("")
            } else {
                parts[parts.count - 1].append(character)
            }
        }
        guard parts.count >= 2 else { throw SubstitutionError("the substitution needs a replacement: :s/pattern/replacement/") }
        self.from = from
        self.to = to
        pattern = parts[0]
        replacement = parts[1]
        for flag in parts.count > 2 ? parts[2] : "" {
            switch flag {
            case "g": global = true
            case "i": ignoreCase = true
            case "I": ignoreCase = false
            case "e": break
            case "c": throw SubstitutionError("the c flag (confirm each) is not supported")
            default: throw SubstitutionError("\(flag) is not a flag of :s (g, i, I, e)")
            }
        }
        guard !pattern.isEmpty else { throw SubstitutionError("an empty pattern: :s/pattern/replacement/") }
    }

    /// The range written before a command (`%`, `N`, `N,M`, `.`, `$`), nil when there is none;
    /// `text` moves past it.
    static func range(_ text: inout Substring) -> (from: Bound, to: Bound)? {
        if text.hasPrefix("%") {
            text = text.dropFirst()
            return (.number(1), .last)
        }
        guard let first = bound(&text) else { return nil }
        guard text.hasPrefix(",") else { return (first, first) }
        var after = text.dropFirst()
        guard let second = bound(&after) else { return (first, first) }
        text = after
        return (first, second)
    }

    private static func bound(_ text: inout Substring) -> Bound? {
        if text.hasPrefix(".") { text = text.dropFirst(); return .current }
        if text.hasPrefix("$") { text = text.dropFirst(); return .last }
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard let number = Int(digits) else { return nil }
        text = text.dropFirst(digits.count)
        return .number(number)
    }
}

/// Why a `:s` command could not run, in plain words.
struct SubstitutionError: Error, Equatable, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}

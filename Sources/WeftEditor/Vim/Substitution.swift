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
        var from = Bound.current, to = Bound.current
        if rest.hasPrefix("%") {
            from = .number(1)
            to = .last
            rest = rest.dropFirst()
        } else if let first = Self.bound(&rest) {
            from = first
            to = first
            if rest.hasPrefix(",") {
                rest = rest.dropFirst()
                guard let second = Self.bound(&rest) else { return nil }
                to = second
            }
        }
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

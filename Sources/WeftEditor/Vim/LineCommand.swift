/// A `:` command run line by line: `:[range]g/pattern/COMMAND` (`g!` and `v` for the lines that do
/// not match; the range is every line unless written) and `:[range]normal KEYS` (the cursor's line
/// unless a range is written). COMMAND is `d`, an `s/…/…/` or `normal KEYS`.
struct LineCommand: Equatable, Sendable {
    enum Action: Equatable, Sendable {
        case delete
        case substitute(Substitution)
        case normal(String)
    }

    var from: Substitution.Bound
    var to: Substitution.Bound
    /// The lines a `:g` takes: those matching `pattern` (or, `inverse`, those not); nil for `:normal`.
    var pattern: String?
    var inverse = false
    var action: Action

    /// Parses `command`, nil when it is neither a `:g` nor a `:normal`.
    /// - Throws: `SubstitutionError` when it is one, but written wrong.
    init?(parsing command: String) throws(SubstitutionError) {
        var rest = Substring(command)
        let range = Substitution.range(&rest)
        if let keys = Self.normalKeys(rest) {
            from = range?.from ?? .current
            to = range?.to ?? .current
            action = .normal(keys)
            return
        }
        var name = rest.prefix { $0.isLetter }
        if name == "global" { name = "g" } else if name == "vglobal" { name = "v" }
        guard name == "g" || name == "v" else { return nil }
        rest = rest.dropFirst(name == "g" && rest.hasPrefix("global") ? 6 : name == "v" && rest.hasPrefix("vglobal") ? 7 : 1)
        inverse = name == "v"
        if name == "g", rest.hasPrefix("!") {
            inverse = true
            rest = rest.dropFirst()
        }
        guard let delimiter = rest.first, !delimiter.isLetter, !delimiter.isNumber, delimiter != " ", delimiter != "\\" else { return nil }
        rest = rest.dropFirst()
        var pattern = ""
        while let character = rest.popFirst(), character != delimiter {
            if character == "\\", let next = rest.popFirst() {
                pattern += next == delimiter ? String(next) : "\\\(next)"
            } else {
                pattern.append(character)
            }
        }
        guard !pattern.isEmpty else { throw SubstitutionError("an empty pattern: :g/pattern/d, :g/pattern/s/a/b/, :g/pattern/normal KEYS") }
        from = range?.from ?? .number(1)
        to = range?.to ?? .last
        self.pattern = pattern
        let command = rest.drop { $0 == " " }
        if command == "d" || command == "delete" {
            action = .delete
        } else if let keys = Self.normalKeys(command) {
            action = .normal(keys)
        } else if let substitution = try Substitution(parsing: String(command)), substitution.from == .current, substitution.to == .current {
            action = .substitute(substitution)
        } else {
            throw SubstitutionError(command.isEmpty ? "what to do with the lines: :g/pattern/d, :g/pattern/s/a/b/, :g/pattern/normal KEYS"
                                                     : "only d, s/…/…/ and normal KEYS can follow :g/pattern/, not \(command)")
        }
    }

    /// The keys of `normal KEYS` (or `norm`, `norm!`), nil for another command.
    private static func normalKeys(_ text: Substring) -> String? {
        for name in ["normal!", "normal", "norm!", "norm"] where text.hasPrefix(name) {
            let rest = text.dropFirst(name.count)
            guard rest.first == " " else { return nil }
            return String(rest.dropFirst())
        }
        return nil
    }
}

/// Vim's registers beside the unnamed one (the editor's clipboard): `a`–`z` (`A`–`Z` add to
/// them), `0` the last yank, `1`–`9` the last line deletions, `-` the last small deletion, `+`
/// and `*` the system clipboard's copy.
struct VimRegisters: Sendable {
    private var contents: [Character: Clipboard] = [:]

    func get(_ name: Character) -> Clipboard? {
        contents[Character(name.lowercased())]
    }

    /// Stores `value` in `name`; an upper-case name adds to the lower-case register.
    mutating func set(_ name: Character, _ value: Clipboard) {
        let key = Character(name.lowercased())
        if name.isUppercase, let old = contents[key] {
            let joined = old.linewise && !old.text.endsWithLineFeed ? old.text + "\n" : old.text
            var text = (value.linewise && !old.linewise && !joined.isEmpty ? joined + "\n" : joined) + value.text
            if old.linewise, !value.linewise, !text.endsWithLineFeed { text += "\n" }
            contents[key] = Clipboard(text: text, linewise: old.linewise || value.linewise)
        } else {
            contents[key] = value
        }
    }

    /// Records a deletion as vim numbers them: whole or several lines shift into `1`–`9`,
    /// smaller ones go to `-`.
    mutating func recordDeletion(_ value: Clipboard) {
        if value.linewise || value.text.contains("\n") {
            for index in stride(from: 9, to: 1, by: -1) {
                contents[Character(String(index))] = contents[Character(String(index - 1))]
            }
            contents["1"] = value
        } else {
            contents["-"] = value
        }
    }
}

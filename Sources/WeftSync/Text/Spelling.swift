/// What a misspelt word was meant as, for messages that name the right command, key or setting.
public enum Spelling {
    /// The name `word` was most likely meant as: one or two typing slips away (a letter wrong,
    /// missing, extra, or two swapped; one for words of four letters or fewer), or the only name
    /// it begins. Nil when nothing is that close.
    public static func suggestion(for word: String, among names: [String]) -> String? {
        let close = names.map { ($0, distance(word, $0)) }.filter { $0.1 <= (word.count > 4 ? 2 : 1) }.min { $0.1 < $1.1 }
        if let close { return close.0 }
        let starting = names.filter { $0.hasPrefix(word) }
        return starting.count == 1 ? starting[0] : nil
    }

    /// Edits between `a` and `b`: letters changed, added, removed, or two neighbours swapped.
    public static func distance(_ a: String, _ b: String) -> Int {
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

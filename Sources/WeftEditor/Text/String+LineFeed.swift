extension String {
    /// Whether the text's last byte is a line feed. Not `hasSuffix("\n")`, which compares
    /// characters: a text ending in CR LF ends with the one character "\r\n", which is not "\n".
    var endsWithLineFeed: Bool { utf8.last == 0x0A }

    /// The text cut at each line feed (a CR before one stays in its line). Not
    /// `split(separator: "\n")`, which compares characters and so never cuts at a CR LF.
    func linesByLineFeed() -> [Substring] {
        unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map(Substring.init)
    }
}

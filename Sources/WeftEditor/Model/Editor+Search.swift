/// A search as the user typed it. Lower-case patterns match either case; a capital makes the
/// search case-sensitive (vim's `smartcase`, less's `-i`).
struct SearchQuery: Sendable, Equatable {
    var pattern: String
    var forward: Bool
    /// Only matches that are whole words (vim's `*` and `#`).
    var wholeWord = false
    /// Case always counts (vim's `*` and `#` search for the word as it is written).
    var exactCase = false
    /// A regular expression matched line by line, `!` first for lines without a match (the pager's, as less).
    var regex = false
    var caseRule = SearchCase.smart
    /// The expression is written in vim's syntax (the vim keymap's `/`), not less's.
    var vimSyntax = false

    var caseSensitive: Bool {
        if exactCase { return true }
        switch caseRule {
        case .sensitive: return true
        case .ignore: return false
        case .smart: return pattern.unicodeScalars.contains { $0.properties.isUppercase }
        }
    }

    /// The compiled pattern of a regular-expression query; nil when it is not valid.
    var linePattern: LinePattern? { try? LinePattern(pattern, caseSensitive: caseSensitive, vimSyntax: vimSyntax) }
    var folded: [UInt32] { pattern.unicodeScalars.map { SearchIndex.fold($0, caseSensitive: caseSensitive) } }
}

/// The document's scalars, case-folded once per version of the text.
struct SearchIndex: Sendable {
    var version: Int
    var caseSensitive: Bool
    var scalars: [UInt32]

    static func fold(_ scalar: Unicode.Scalar, caseSensitive: Bool) -> UInt32 {
        if caseSensitive { return scalar.value }
        if scalar.isASCII { return scalar.value >= 65 && scalar.value <= 90 ? scalar.value + 32 : scalar.value }
        guard scalar.properties.changesWhenLowercased else { return scalar.value }
        return scalar.properties.lowercaseMapping.unicodeScalars.first!.value
    }

    /// Starts of matches of `needle` in `haystack` from `from` (forward) or before it (backward).
    static func firstMatch(of needle: [UInt32], in haystack: [UInt32], from: Int, forward: Bool) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        let last = haystack.count - needle.count
        func matches(at index: Int) -> Bool {
            for offset in 0..<needle.count where haystack[index + offset] != needle[offset] { return false }
            return true
        }
        if forward {
            var index = max(0, from)
            while index <= last { if haystack[index] == needle[0], matches(at: index) { return index }; index += 1 }
        } else {
            var index = min(last, from)
            while index >= 0 { if haystack[index] == needle[0], matches(at: index) { return index }; index -= 1 }
        }
        return nil
    }
}

extension Editor {
    /// The next match of `query` from `position` (wrapping around the document), and whether it wrapped.
    mutating func find(_ query: SearchQuery, from position: Int) -> (range: Range<Int>, wrapped: Bool)? {
        if query.regex { return findLines(query, from: position) }
        let haystack = searchScalars(caseSensitive: query.caseSensitive)
        let needle = query.folded
        if let start = firstMatch(query, needle: needle, in: haystack, from: position, limit: nil) {
            return (start..<start + needle.count, false)
        }
        let restart = query.forward ? 0 : haystack.count
        if let start = firstMatch(query, needle: needle, in: haystack, from: restart, limit: position) {
            return (start..<start + needle.count, true)
        }
        return nil
    }

    /// The first match from `from`, skipping those that are not whole words when the query asks
    /// for words; the wrapped-around search stops at `limit`.
    private func firstMatch(_ query: SearchQuery, needle: [UInt32], in haystack: [UInt32], from: Int, limit: Int?) -> Int? {
        var from = from
        while let start = SearchIndex.firstMatch(of: needle, in: haystack, from: from, forward: query.forward) {
            if let limit, query.forward ? start >= limit : start <= limit { return nil }
            if !query.wholeWord || isWholeWord(start..<start + needle.count) { return start }
            from = query.forward ? start + 1 : start - 1
        }
        return nil
    }

    private func isWholeWord(_ range: Range<Int>) -> Bool {
        (range.lowerBound == 0 || replica.wordClass(at: range.lowerBound - 1, big: false) != 2)
            && (range.upperBound >= replica.count || replica.wordClass(at: range.upperBound, big: false) != 2)
    }

    /// The document's scalars folded for a search, built once per version of the text.
    mutating func searchScalars(caseSensitive sensitive: Bool) -> [UInt32] {
        if searchIndex?.version != version || searchIndex?.caseSensitive != sensitive {
            searchIndex = SearchIndex(version: version, caseSensitive: sensitive,
                                      scalars: replica.text.unicodeScalars.map { SearchIndex.fold($0, caseSensitive: sensitive) })
        }
        return searchIndex!.scalars
    }

    /// Moves to the next (or previous, with `reversed`) match of the last search.
    mutating func repeatSearch(reversed: Bool) {
        guard var query = lastSearch else { show("no previous search: start one with the find key", isError: true); return }
        if reversed { query.forward.toggle() }
        let position = cursorPosition
        var from = query.forward ? position + 1 : position - 1
        if isPager {
            // As less: the next line with a match, counted from the line at the top; or from the
            // last match, when it is below the top because the text ends before a screenful
            // after it (the view cannot put it at the top: n must not find it again, and N must
            // find the matches between the top and it).
            let line = max(topLine, replica.line(containing: position))
            from = query.forward ? replica.lineStart(line + 1) : max(0, replica.lineStart(line) - 1)
        }
        let found = find(query, from: from)
        if query.forward, awaitsMoreText(found) { return awaitMatch(query, from: from) }
        guard let (range, wrapped) = found else {
            show("not found: \(query.pattern)", isError: true)
            return
        }
        moveCursor(to: range.lowerBound)
        if isPager { putAtTop(range.lowerBound) }
        if wrapped { show(query.forward ? "search hit the end, continuing at the top" : "search hit the top, continuing at the end") }
    }

    /// Matches of the active or last search inside `range`, for highlighting what is on screen.
    func matches(in range: Range<Int>) -> [Range<Int>] {
        let query = prompt?.searchQuery ?? lastSearch
        guard let query, !query.pattern.isEmpty, !range.isEmpty else { return [] }
        if query.regex { return lineMatches(query, in: range) }
        let needle = query.folded
        let sensitive = query.caseSensitive
        let lower = max(0, range.lowerBound - needle.count + 1)
        let upper = min(replica.count, range.upperBound + needle.count - 1)
        let haystack = replica.text(in: lower..<upper).unicodeScalars.map { SearchIndex.fold($0, caseSensitive: sensitive) }
        var found: [Range<Int>] = []
        var index = 0
        while let start = SearchIndex.firstMatch(of: needle, in: haystack, from: index, forward: true) {
            found.append(lower + start..<lower + start + needle.count)
            index = start + max(1, needle.count)
        }
        return found
    }
}

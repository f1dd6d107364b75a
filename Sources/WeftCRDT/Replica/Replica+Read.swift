extension Replica {
    /// The whole visible text.
    public var text: String { text(in: 0..<count) }

    /// The visible scalars in `range` (clamped to the text), without building the rest.
    public func text(in range: Range<Int>) -> String {
        let lower = max(0, range.lowerBound), upper = min(count, range.upperBound)
        guard lower < upper else { return "" }
        // Encoded into one buffer: appending slice after slice to a String's scalar view copies
        // the string on every append, which made reading a 20 MB document take a minute.
        var utf8: [UInt8] = []
        utf8.reserveCapacity(upper - lower)
        forEachVisibleSlice(from: lower, count: upper - lower) { slice in slice.appendUTF8(to: &utf8) }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// The visible scalar at `position` (`0..<count`).
    public func scalar(at position: Int) -> Unicode.Scalar {
        precondition(position >= 0 && position < count, "scalar(at: \(position)) outside 0..<\(count)")
        let location = findVisible(position).0
        return arena[Int(run(at: location).content) + location.offset]
    }

    /// Calls `body` with consecutive slices of the visible text, `length` scalars from `position`.
    func forEachVisibleSlice(from position: Int, count length: Int, _ body: (ScalarSlice) -> Void) {
        guard length > 0 else { return }
        var location = findVisible(position).0
        var remaining = length
        while remaining > 0 {
            let run = run(at: location)
            if !run.isDeleted {
                let take = min(Int(run.length) - location.offset, remaining)
                let start = Int(run.content) + location.offset
                body(arena.slice(start..<start + take))
                remaining -= take
            }
            location = nextRunStart(after: location)
        }
    }

    // MARK: Lines

    /// The number of lines: line feeds plus one (an empty document has one empty line).
    public var lineCount: Int { newlineCount + 1 }

    /// The visible offset where line `line` (from 0) starts; `lineCount` or more gives `count`.
    public func lineStart(_ line: Int) -> Int {
        if line <= 0 { return 0 }
        if line > newlineCount { return count }
        return position(ofNewline: line - 1) + 1
    }

    /// The scalar range of line `line` without its line feed.
    public func lineRange(_ line: Int) -> Range<Int> {
        let start = lineStart(line)
        let end = line < newlineCount ? position(ofNewline: line) : count
        return start..<max(start, end)
    }

    /// The text of line `line` (from 0) without its line feed.
    public func line(_ line: Int) -> String {
        text(in: lineRange(line))
    }

    /// The line (from 0) holding visible offset `position`.
    public func line(containing position: Int) -> Int {
        let clamped = min(max(0, position), count)
        if clamped == 0 || newlineCount == 0 { return 0 }
        // Newlines strictly before `clamped`: the tree gives whole leaves, the leaf the rest.
        let (location, _) = clamped < count ? findVisible(clamped) : (Location.end, 0)
        if location == .end { return newlineCount }
        var lines = newlineTree.prefix(location.order)
        let runs = leaves[Int(order[location.order])].runs
        forEachStretch(of: runs[..<location.run]) { lines += arena.newlines(in: $0) }
        lines += newlines(in: runs[location.run], from: 0, count: location.offset)
        return lines
    }

    /// The visible offset of the `index`-th line feed (from 0; `index < newlineCount`).
    func position(ofNewline index: Int) -> Int {
        let (leafOrder, before) = newlineTree.find(index)
        var remaining = index - before
        var position = visibleTree.prefix(leafOrder)
        var found: Int?
        forEachStretch(of: leaves[Int(order[leafOrder])].runs[...]) { stretch in
            if let offset = arena.newline(remaining, in: stretch) {
                found = position + offset - stretch.lowerBound
                return false
            }
            remaining -= arena.newlines(in: stretch)
            position += stretch.count
            return true
        }
        guard let found else { preconditionFailure("leaf newline count disagrees with its runs") }
        return found
    }

    /// Calls `body` with the arena ranges of `runs`' visible text, in order, runs that sit side
    /// by side in the arena joined into one range (text typed in one go is cut into runs of
    /// `Run.maxLength`, a leaf of them is one range), until `body` returns false: line lookups
    /// then search the arena's line feeds once a range instead of once a run.
    func forEachStretch(of runs: ArraySlice<Run>, _ body: (Range<Int>) -> Bool) {
        var index = runs.startIndex
        while index < runs.endIndex {
            guard !runs[index].isDeleted else {
                index += 1
                continue
            }
            let start = Int(runs[index].content)
            var end = start + Int(runs[index].length)
            index += 1
            while index < runs.endIndex, !runs[index].isDeleted, Int(runs[index].content) == end {
                end += Int(runs[index].length)
                index += 1
            }
            if !body(start..<end) { return }
        }
    }

    /// `forEachStretch` over every stretch.
    func forEachStretch(of runs: ArraySlice<Run>, _ body: (Range<Int>) -> Void) {
        forEachStretch(of: runs) { (stretch: Range<Int>) -> Bool in
            body(stretch)
            return true
        }
    }

    /// The visible offset of the first line feed at or after `position`, or `count` when none
    /// follows: the end of the line `position` is in, found without reading the line's text (a
    /// line of a megabyte is read once per frame otherwise).
    public func nextLineFeed(from position: Int) -> Int {
        guard position >= 0, position < count else { return count }
        let (location, _) = findVisible(position)
        var at = position
        let runs = leaves[Int(order[location.order])].runs
        for index in location.run..<runs.count where !runs[index].isDeleted {
            let skipped = index == location.run ? location.offset : 0
            let start = Int(runs[index].content) + skipped
            let end = Int(runs[index].content) + Int(runs[index].length)
            if let found = arena.newline(0, in: start..<end) { return at + found - start }
            at += end - start
        }
        // Not in the rest of this leaf: the first line feed of the leaves after it, by count.
        let before = newlineTree.prefix(location.order + 1)
        return before < newlineCount ? self.position(ofNewline: before) : count
    }

    // MARK: Attribution

    /// The id of the visible scalar at `position` (`0..<count`).
    public func id(at position: Int) -> CharID {
        precondition(position >= 0 && position < count, "id(at: \(position)) outside 0..<\(count)")
        return unpack(packedID(at: findVisible(position).0))!
    }

    /// Which replica inserted the visible scalar at `position`.
    public func author(at position: Int) -> ReplicaID {
        id(at: position).replica
    }

    /// The visible text in `range` cut where the inserting replica changes, for attribution.
    public func authors(in range: Range<Int>) -> [(range: Range<Int>, replica: ReplicaID)] {
        var result: [(range: Range<Int>, replica: ReplicaID)] = []
        for (span, start) in idSpans(in: range) {
            if let last = result.last, last.replica == start.replica, last.range.upperBound == span.lowerBound {
                result[result.count - 1].range = last.range.lowerBound..<span.upperBound
            } else {
                result.append((span, start.replica))
            }
        }
        return result
    }
}

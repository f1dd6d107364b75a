/// Vim's motions within a line and over paragraphs and brackets, as pure functions of the text.
extension ScalarText {
    /// `f` `t` `F` `T` (vim's `searchc`): the `count`th `target` in the line, or nil. `skipAdjacent`
    /// is `;` repeating a `t`: a match right next to the cursor is passed over, so it moves on.
    func findInLine(_ target: Unicode.Scalar, from start: Int, count: Int, forward: Bool, till: Bool, skipAdjacent: Bool = false) -> Int? {
        let range = lineRange(line(containing: start))
        var position = start
        var stop = !(skipAdjacent && count == 1)
        for _ in 0..<count {
            while true {
                if forward {
                    position += 1
                    if position >= range.upperBound { return nil }
                } else {
                    if position <= range.lowerBound { return nil }
                    position -= 1
                }
                if scalar(at: position) == target, stop { break }
                stop = true
            }
        }
        return till ? position + (forward ? -1 : 1) : position
    }

    /// `%`: the bracket matching the first of `( ) [ ] { }` at or after `start` in its line.
    func matchingBracket(from start: Int) -> Int? {
        let pairs: [Unicode.Scalar: (Unicode.Scalar, Bool)] = ["(": (")", true), "[": ("]", true), "{": ("}", true),
                                                              ")": ("(", false), "]": ("[", false), "}": ("{", false)]
        let end = lineEnd(at: start)
        guard let at = (start..<end).first(where: { pairs[scalar(at: $0)] != nil }) else { return nil }
        let open = scalar(at: at)
        let (close, forward) = pairs[open]!
        var depth = 0
        var position = at
        while forward ? position < count : position >= 0 {
            let character = scalar(at: position)
            if character == open { depth += 1 } else if character == close {
                depth -= 1
                if depth == 0 { return position }
            }
            position += forward ? 1 : -1
        }
        return nil
    }

    /// `}` and `{` (vim's `findpar`): the `count`th empty line after or before the paragraph,
    /// and whether the motion became inclusive (it ran to the last character of the text).
    func paragraph(from start: Int, count: Int, forward: Bool) -> (position: Int, inclusive: Bool)? {
        var current = line(containing: start)
        let step = forward ? 1 : -1
        for remaining in stride(from: count - 1, through: 0, by: -1) {
            var skipped = false
            var first = true
            while true {
                if !isEmptyLine(current) { skipped = true }
                if !first, skipped, isEmptyLine(current) { break }
                first = false
                current += step
                if current < 0 || current > lastLine {
                    if remaining > 0 { return nil }
                    current -= step
                    break
                }
            }
        }
        if forward, current == lastLine, !isEmptyLine(current) {
            return (lineRange(current).upperBound - 1, true)
        }
        return (lineStart(current), false)
    }

    /// The keyword under or after `position` in its line (for `*` and `#`), as a range.
    func keyword(at position: Int) -> Range<Int>? {
        let end = lineEnd(at: position)
        guard let first = (position..<end).first(where: { wordClass(at: $0, big: false) == 2 }) else { return nil }
        var lower = first
        while lower > lineStart(at: first), wordClass(at: lower - 1, big: false) == 2 { lower -= 1 }
        var upper = first
        while upper < end, wordClass(at: upper, big: false) == 2 { upper += 1 }
        return lower..<upper
    }
}

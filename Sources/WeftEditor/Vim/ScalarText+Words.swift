/// Vim's word motions, step for step as vim's `fwd_word`, `bck_word` and `end_word`, so the
/// edge cases (empty lines are words, `dw` stops at the end of a line, `cw` is `ce`) come out
/// as vim users expect.
extension ScalarText {
    /// `w`/`W`: the start of the `count`th next word. With `stopAtLineEnd` (an operator is
    /// pending), the last word moved over ends at its line's end rather than on the next line.
    func wordForward(from start: Int, count: Int, big: Bool, stopAtLineEnd: Bool) -> Int {
        var position = start
        for index in 0..<count {
            let last = index == count - 1
            let startClass = wordClass(at: position, big: big)
            let onLastLine = line(containing: position) == lastLine
            var result = step(forward: &position)
            if result == -1 || (result >= 1 && onLastLine) { return position }
            if result >= 1, stopAtLineEnd, last { return position }
            if startClass != 0 {
                while wordClass(at: position, big: big) == startClass {
                    result = step(forward: &position)
                    if result == -1 || (result >= 1 && stopAtLineEnd && last) { return position }
                }
            }
            while wordClass(at: position, big: big) == 0 {
                if isOnEmptyLine(position) { break }
                result = step(forward: &position)
                if result == -1 || (result >= 1 && stopAtLineEnd && last) { return position }
            }
        }
        return position
    }

    /// `b`/`B`: the start of the `count`th word before.
    func wordBackward(from start: Int, count: Int, big: Bool) -> Int {
        var position = start
        outer: for _ in 0..<count {
            if step(backward: &position) == -1 { return position }
            while wordClass(at: position, big: big) == 0 {
                if isOnEmptyLine(position) { continue outer }
                if step(backward: &position) == -1 { return position }
            }
            let kind = wordClass(at: position, big: big)
            while wordClass(at: position, big: big) == kind {
                if step(backward: &position) == -1 { return position }
            }
            _ = step(forward: &position)
        }
        return position
    }

    /// `e`/`E`: the end of the `count`th word. With `stop` (vim's `cw` on a word), a cursor
    /// already at its word's end counts that word as the first. At the end of the text it stops
    /// on the last line's end, as vim's cursor does before it steps back onto a character.
    func wordEnd(from start: Int, count: Int, big: Bool, stop: Bool = false) -> Int {
        var position = start
        var stop = stop
        for _ in 0..<count {
            let startClass = wordClass(at: position, big: big)
            if step(forward: &position) == -1 { return position }
            if wordClass(at: position, big: big) == startClass, startClass != 0 {
                if skip(class: startClass, big: big, from: &position) { return position }
            } else if !stop || startClass == 0 {
                while wordClass(at: position, big: big) == 0 {
                    if step(forward: &position) == -1 { return position }
                }
                if skip(class: wordClass(at: position, big: big), big: big, from: &position) { return position }
            }
            _ = step(backward: &position)
            stop = false
        }
        return position
    }

    /// Moves forward over characters of `kind`; true when the text ended first.
    private func skip(class kind: Int, big: Bool, from position: inout Int) -> Bool {
        while wordClass(at: position, big: big) == kind {
            if step(forward: &position) == -1 { return true }
        }
        return false
    }
}

extension TextEdit {
    /// The one edit that turns `current` into `wanted`, changing only the span where they
    /// differ: their common beginning and end are kept (so others' cursors there stay put and
    /// nothing is resent). Nil when they are equal.
    ///
    /// Compares UTF-8 bytes, not scalars (a 100 MB text is 100 MB here, not 400), and cuts only
    /// at scalar boundaries; positions in the edit are in scalars, as everywhere else.
    public static func replacing(_ current: String, with wanted: String) -> TextEdit? {
        var current = current, wanted = wanted
        current.makeContiguousUTF8()
        wanted.makeContiguousUTF8()
        // Read in place: copying a 100 MB text into an array would double what `weft put` holds.
        return current.utf8.withContiguousStorageIfAvailable { old in
            wanted.utf8.withContiguousStorageIfAvailable { new in replacing(old, with: new) }!
        }!
    }

    private static func replacing(_ old: UnsafeBufferPointer<UInt8>, with new: UnsafeBufferPointer<UInt8>) -> TextEdit? {
        func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        // Back to the start of the scalar the bytes first differ in.
        while prefix > 0, prefix < old.count || prefix < new.count,
              (prefix < old.count && isContinuation(old[prefix])) || (prefix < new.count && isContinuation(new[prefix])) {
            prefix -= 1
        }
        if prefix == old.count, prefix == new.count { return nil }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix, old[old.count - 1 - suffix] == new[new.count - 1 - suffix] { suffix += 1 }
        // The kept end must start at a scalar's first byte in both.
        while suffix > 0, isContinuation(old[old.count - suffix]) { suffix -= 1 }
        let scalars = { (bytes: Slice<UnsafeBufferPointer<UInt8>>) in bytes.reduce(0) { $0 + (isContinuation($1) ? 0 : 1) } }
        return TextEdit(position: scalars(old[..<prefix]),
                                    deleting: scalars(old[prefix..<(old.count - suffix)]),
                                    inserting: String(decoding: UnsafeBufferPointer(rebasing: new[prefix..<(new.count - suffix)]), as: UTF8.self))
    }
}

extension TextEdit {
    /// The edits that make `current` into `wanted` changing only the lines that differ (and, in
    /// each run of changed lines, only the span that differs), so text both share keeps its
    /// characters: their authors, and people's cursors in them. In order of decreasing position,
    /// each fitting the text the ones before it leave. When more than `maxChangedLines` lines
    /// differ, one span from the first difference to the last, as `replacing` makes.
    public static func replacingLines(_ current: String, with wanted: String, maxChangedLines: Int = 2_000) -> [TextEdit] {
        let old = ExactLine.lines(of: current), new = ExactLine.lines(of: wanted)
        guard let script = LineDiff.edits(old, new, maxDistance: maxChangedLines) else {
            return replacing(current, with: wanted).map { [$0] } ?? []
        }
        var starts = [0]
        starts.reserveCapacity(old.count + 1)
        for line in old { starts.append(starts[starts.count - 1] + line.text.unicodeScalars.count) }
        var edits: [TextEdit] = []
        var nextOld = 0, index = 0
        while index < script.count {
            if case .same(let line, _) = script[index] {
                nextOld = line + 1
                index += 1
                continue
            }
            let first = nextOld
            var removed = "", added = ""
            while index < script.count {
                switch script[index] {
                case .same: break
                case .removed(let line):
                    removed += old[line].text
                    nextOld = line + 1
                    index += 1
                    continue
                case .added(let line):
                    added += new[line].text
                    index += 1
                    continue
                }
                break
            }
            if let inner = replacing(removed, with: added) {
                edits.append(TextEdit(position: starts[first] + inner.position, deleting: inner.deleting, inserting: inner.inserting))
            }
        }
        return edits.reversed()
    }
}

/// A line diff of two texts (Myers' O((N+M)·D) algorithm, after trimming the common start and
/// end; past a thousand changed lines, anchored on the lines found once in each text, as git's
/// patience diff) and its unified form, as `diff -u` prints it. Pure.
public enum LineDiff {
    enum Edit: Equatable {
        case same(old: Int, new: Int)
        case removed(old: Int)
        case added(new: Int)
    }

    /// `old` → `new` as a unified diff with `context` lines around each change, headed by
    /// `--- oldName` and `+++ newName`; empty when the texts are equal. Lines are compared byte
    /// for byte, line feed included: a last line that gains or loses its feed is a change, and
    /// is marked `\ No newline at end of file` as `diff` marks it, so `patch` applies the diff.
    public static func unified(old: String, new: String, oldName: String, newName: String, context: Int = 3) -> String {
        let a = ExactLine.lines(of: old), b = ExactLine.lines(of: new)
        func line(_ mark: String, _ line: ExactLine) -> String {
            mark + line.withoutFeed + (line.endsWithFeed ? "\n" : "\n\\ No newline at end of file\n")
        }
        let script = edits(a, b)
        guard script.contains(where: { if case .same = $0 { false } else { true } }) else { return "" }
        var output = "--- \(oldName)\n+++ \(newName)\n"
        // Lines of each text before each step of the script, for hunks that start with a change.
        var oldBefore = [0], newBefore = [0]
        for edit in script {
            if case .added = edit { oldBefore.append(oldBefore.last!) } else { oldBefore.append(oldBefore.last! + 1) }
            if case .removed = edit { newBefore.append(newBefore.last!) } else { newBefore.append(newBefore.last! + 1) }
        }
        // Hunks: runs of changes with at most 2 × context unchanged lines between them.
        var index = 0
        while index < script.count {
            guard let firstChange = script[index...].firstIndex(where: { if case .same = $0 { false } else { true } }) else { break }
            var end = firstChange
            var lastChange = firstChange
            while end < script.count {
                if case .same = script[end] {
                    if end - lastChange > 2 * context { break }
                } else {
                    lastChange = end
                }
                end += 1
            }
            let start = max(index, firstChange - context)
            let stop = min(script.count, lastChange + context + 1)
            let hunk = script[start..<stop]
            var oldStart = 0, newStart = 0, oldCount = 0, newCount = 0
            var body = ""
            for edit in hunk {
                switch edit {
                case .same(let o, let n):
                    if oldCount == 0 && newCount == 0 { (oldStart, newStart) = (o, n) }
                    oldCount += 1; newCount += 1
                    body += line(" ", a[o])
                case .removed(let o):
                    if oldCount == 0 && newCount == 0 { (oldStart, newStart) = (o, newBefore[start]) }
                    oldCount += 1
                    body += line("-", a[o])
                case .added(let n):
                    if oldCount == 0 && newCount == 0 { (oldStart, newStart) = (oldBefore[start], n) }
                    newCount += 1
                    body += line("+", b[n])
                }
            }
            output += "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n" + body
            index = stop
        }
        return output
    }

    /// `start,count` with lines from 1, as unified diffs write ranges (an empty range names the line before it).
    private static func range(_ start: Int, _ count: Int) -> String {
        count == 0 ? "\(start),0" : count == 1 ? "\(start + 1)" : "\(start + 1),\(count)"
    }

    /// Changed lines up to which the shortest script is searched for; Myers' search keeps
    /// O(D²) memory, and 200,000 changed lines took all of a machine's 24 GB.
    static let shortestUpTo = 1_000

    /// An edit script from `a` to `b`: the shortest one when at most `shortestUpTo` lines are
    /// removed and added, else one anchored on the lines each text has once (patience diff),
    /// the shortest one between anchors where it is small, the whole stretch removed and added
    /// where it is not. Memory stays linear in the lines.
    static func edits<Line: Hashable>(_ a: [Line], _ b: [Line]) -> [Edit] {
        if let shortest = edits(a, b, maxDistance: shortestUpTo) { return shortest }
        var script: [Edit] = []
        script.reserveCapacity(max(a.count, b.count))
        anchored(a, b, old: 0..<a.count, new: 0..<b.count, into: &script)
        return script
    }

    /// Patience diff of `a[old]` and `b[new]`, appended to `script`.
    private static func anchored<Line: Hashable>(_ a: [Line], _ b: [Line], old: Range<Int>, new: Range<Int>, into script: inout [Edit]) {
        var (oldStart, oldEnd, newStart, newEnd) = (old.lowerBound, old.upperBound, new.lowerBound, new.upperBound)
        while oldStart < oldEnd, newStart < newEnd, a[oldStart] == b[newStart] {
            script.append(.same(old: oldStart, new: newStart))
            oldStart += 1; newStart += 1
        }
        var suffix = 0
        while oldEnd - suffix > oldStart, newEnd - suffix > newStart, a[oldEnd - suffix - 1] == b[newEnd - suffix - 1] { suffix += 1 }
        oldEnd -= suffix; newEnd -= suffix
        defer { for offset in 0..<suffix { script.append(.same(old: oldEnd + offset, new: newEnd + offset)) } }
        if oldStart == oldEnd || newStart == newEnd {
            script += (oldStart..<oldEnd).map { .removed(old: $0) } + (newStart..<newEnd).map { .added(new: $0) }
            return
        }
        // Lines found exactly once on each side, in old order; the longest run of them in the
        // same order on both sides (patience sorting) anchors the rest.
        var seen: [Line: (old: Int, oldIndex: Int, new: Int, newIndex: Int)] = [:]
        for index in oldStart..<oldEnd { seen[a[index], default: (0, 0, 0, 0)].old += 1; seen[a[index]]!.oldIndex = index }
        for index in newStart..<newEnd where seen[b[index]] != nil { seen[b[index]]!.new += 1; seen[b[index]]!.newIndex = index }
        let unique = seen.values.filter { $0.old == 1 && $0.new == 1 }.map { (old: $0.oldIndex, new: $0.newIndex) }.sorted { $0.old < $1.old }
        guard !unique.isEmpty else {
            let oldPart = Array(a[oldStart..<oldEnd]), newPart = Array(b[newStart..<newEnd])
            if let shortest = edits(oldPart, newPart, maxDistance: shortestUpTo) {
                script += shortest.map { edit in
                    switch edit {
                    case .same(let o, let n): .same(old: o + oldStart, new: n + newStart)
                    case .removed(let o): .removed(old: o + oldStart)
                    case .added(let n): .added(new: n + newStart)
                    }
                }
            } else {
                script += (oldStart..<oldEnd).map { .removed(old: $0) } + (newStart..<newEnd).map { .added(new: $0) }
            }
            return
        }
        var tops: [Int] = []  // index into `unique` of the smallest last new line of each length
        var previous = [Int](repeating: -1, count: unique.count)
        for (index, pair) in unique.enumerated() {
            var (low, high) = (0, tops.count)
            while low < high {
                let middle = (low + high) / 2
                if unique[tops[middle]].new < pair.new { low = middle + 1 } else { high = middle }
            }
            if low > 0 { previous[index] = tops[low - 1] }
            if low == tops.count { tops.append(index) } else { tops[low] = index }
        }
        var anchors: [(old: Int, new: Int)] = []
        var index = tops.last ?? -1
        while index >= 0 {
            anchors.append(unique[index])
            index = previous[index]
        }
        var (nextOld, nextNew) = (oldStart, newStart)
        for anchor in anchors.reversed() {
            anchored(a, b, old: nextOld..<anchor.old, new: nextNew..<anchor.new, into: &script)
            script.append(.same(old: anchor.old, new: anchor.new))
            (nextOld, nextNew) = (anchor.old + 1, anchor.new + 1)
        }
        anchored(a, b, old: nextOld..<oldEnd, new: nextNew..<newEnd, into: &script)
    }

    /// The shortest edit script from `a` to `b`, or nil when it has more than `maxDistance`
    /// lines removed and added (the search costs O((N+M)·D) time and O(D²) memory).
    static func edits<Line: Equatable>(_ a: [Line], _ b: [Line], maxDistance: Int) -> [Edit]? {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        var script = (0..<prefix).map { Edit.same(old: $0, new: $0) }
        guard let changed = middle(a, b, from: prefix, oldEnd: a.count - suffix, newEnd: b.count - suffix, maxDistance: maxDistance) else { return nil }
        script += changed
        script += (0..<suffix).map { Edit.same(old: a.count - suffix + $0, new: b.count - suffix + $0) }
        return script
    }

    /// Myers' greedy search over `a[from..<oldEnd]` and `b[from..<newEnd]`, keeping each step's
    /// frontier (O(D²) memory) to walk the path back.
    private static func middle<Line: Equatable>(_ a: [Line], _ b: [Line], from offset: Int, oldEnd: Int, newEnd: Int, maxDistance: Int) -> [Edit]? {
        let n = oldEnd - offset, m = newEnd - offset
        if n == 0 { return m <= maxDistance ? (0..<m).map { .added(new: offset + $0) } : nil }
        if m == 0 { return n <= maxDistance ? (0..<n).map { .removed(old: offset + $0) } : nil }
        let limit = n + m
        var found = false
        var v = [Int](repeating: 0, count: 2 * limit + 2)
        let center = limit + 1
        var frontiers: [[Int]] = []
        search: for d in 0...min(limit, maxDistance) {
            frontiers.append(Array(v[center - d ... center + d]))
            for k in stride(from: -d, through: d, by: 2) {
                var x = (k == -d || (k != d && v[center + k - 1] < v[center + k + 1])) ? v[center + k + 1] : v[center + k - 1] + 1
                var y = x - k
                while x < n, y < m, a[offset + x] == b[offset + y] { x += 1; y += 1 }
                v[center + k] = x
                if x >= n, y >= m {
                    found = true
                    break search
                }
            }
        }
        guard found else { return nil }
        var script: [Edit] = []
        var x = n, y = m
        for d in stride(from: frontiers.count - 1, through: 0, by: -1) {
            let frontier = frontiers[d]
            func at(_ k: Int) -> Int { frontier[k + d] }
            let k = x - y
            let previousK = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1
            let previousX = d == 0 ? 0 : at(previousK)
            let previousY = previousX - previousK
            while x > max(previousX, 0), y > max(previousY, 0), d == 0 || (x > previousX && y > previousY) {
                script.append(.same(old: offset + x - 1, new: offset + y - 1))
                x -= 1; y -= 1
            }
            if d > 0 {
                if x == previousX { script.append(.added(new: offset + y - 1)) } else { script.append(.removed(old: offset + x - 1)) }
                x = previousX; y = previousY
            }
        }
        return script.reversed()
    }
}

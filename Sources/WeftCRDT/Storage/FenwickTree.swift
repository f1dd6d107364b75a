/// Prefix sums over the leaves in document order: O(log n) point updates, prefix queries and
/// "which leaf holds position p". Rebuilt in O(n) when the leaf list changes shape (a leaf split,
/// which happens once per `Leaf.maxRuns / 2` new runs at most).
struct FenwickTree {
    private var tree: [Int] = [0]

    init() {}

    /// Builds the tree over `values` in O(n).
    init(_ values: some Sequence<Int>) {
        rebuild(values)
    }

    var count: Int { tree.count - 1 }

    mutating func rebuild(_ values: some Sequence<Int>) {
        tree.removeAll(keepingCapacity: true)
        tree.append(0)
        tree.append(contentsOf: values)
        let n = tree.count - 1
        var i = 1
        while i <= n {
            let parent = i + (i & -i)
            if parent <= n { tree[parent] += tree[i] }
            i += 1
        }
    }

    /// Adds `delta` to the value at `index`.
    mutating func add(_ delta: Int, at index: Int) {
        var i = index + 1
        let n = tree.count
        while i < n {
            tree[i] += delta
            i += i & -i
        }
    }

    /// The sum of the values at indexes below `index`.
    func prefix(_ index: Int) -> Int {
        var i = index
        var sum = 0
        while i > 0 {
            sum += tree[i]
            i -= i & -i
        }
        return sum
    }

    /// The index whose range holds `position`, and the sum before it: the smallest `i` with
    /// `prefix(i + 1) > position`. `position` must be below the total.
    func find(_ position: Int) -> (index: Int, before: Int) {
        var index = 0
        var remaining = position
        var step = 1
        while step * 2 < tree.count { step *= 2 }
        while step > 0 {
            let next = index + step
            if next < tree.count, tree[next] <= remaining {
                index = next
                remaining -= tree[next]
            }
            step >>= 1
        }
        return (index, position - remaining)
    }
}

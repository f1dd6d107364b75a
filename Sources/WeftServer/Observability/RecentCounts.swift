/// Counts per second over a short window, in a ring of one-second slots.
struct RecentCounts {
    static let window = 10
    private var slots = [(second: Int64, count: Int)](repeating: (-1, 0), count: window)

    mutating func add(_ count: Int, at second: Int64) {
        let index = Int(second % Int64(Self.window))
        if slots[index].second != second { slots[index] = (second, 0) }
        slots[index].count += count
    }

    /// The mean over the `window` whole seconds before `second`.
    func perSecond(at second: Int64) -> Double {
        let total = slots.reduce(0) { sum, slot in
            slot.second < second && slot.second >= second - Int64(Self.window) ? sum + slot.count : sum
        }
        return Double(total) / Double(Self.window)
    }
}

/// A bounded array of runs in document order, with its counts cached for the trees above it.
struct Leaf {
    var runs: [Run]
    var visible: Int
    var newlines: Int

    /// Runs per leaf before it splits. Small enough that scanning a leaf is a few cache lines of
    /// work, large enough that the leaf list stays short.
    static let maxRuns = 64

    init(runs: [Run] = [], visible: Int = 0, newlines: Int = 0) {
        self.runs = runs
        self.visible = visible
        self.newlines = newlines
    }
}

/// An op waiting for a character its replica has not seen yet, numbered in the order ops arrived:
/// a snapshot lists waiting ops in that order (FORMAT.md, "Canonical snapshots"), so it does not
/// depend on how the replica happens to file them.
struct WaitingOp {
    /// Ops received before this one have smaller numbers.
    var arrival: Int
    var op: Op
}

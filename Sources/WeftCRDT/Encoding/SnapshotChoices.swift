/// The freedoms a snapshot writer has (FORMAT.md, "What a writer may choose"). Weft writes the
/// canonical form; the others exist so tests and conformance vectors can show that every form a
/// reader must accept loads to the same document.
package struct SnapshotChoices: Sendable {
    /// Where each replica sits in the snapshot's table.
    package enum TableOrder: Sendable {
        /// Replicas that inserted something, by the number of spans they start, most first, then
        /// by id (FORMAT.md, "Canonical snapshots").
        case canonical
        /// The replica's own table: its own id first, inserted anything or not, then the others
        /// in the order it met them (what Weft wrote before the canonical form).
        case local
    }

    package var tableOrder: TableOrder
    /// Origins as references (mode 2) even where a shorter mode says the same.
    package var referencesEverywhere: Bool
    /// References carry their offset even when it is 0.
    package var explicitZeroOffsets: Bool

    package init(tableOrder: TableOrder = .canonical, referencesEverywhere: Bool = false, explicitZeroOffsets: Bool = false) {
        self.tableOrder = tableOrder
        self.referencesEverywhere = referencesEverywhere
        self.explicitZeroOffsets = explicitZeroOffsets
    }

    /// The form Weft writes.
    package static let canonical = SnapshotChoices()
}

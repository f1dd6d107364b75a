import WeftCRDT
import WeftWire

extension ServerMessage {
    /// About how many bytes the message takes while it waits (its ops' text and ids).
    var heldSize: Int {
        guard case .broadcast(_, _, _, let ops) = self else { return 64 }
        return ops.reduce(64) { total, op in
            switch op {
            case .insert(let insertion): total + 48 + insertion.text.utf8.count
            case .delete(let deletion): total + 8 + 24 * deletion.spans.count
            }
        }
    }
}

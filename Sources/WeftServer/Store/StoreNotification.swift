import WeftWire

/// What a shared store tells every relay on it (PostgreSQL's NOTIFY on `PostgresStore.channel`),
/// as one line of text.
enum StoreNotification: Equatable {
    /// A commit took the document's log to `head`: `HEAD NAME`.
    case advanced(DocumentName, head: UInt64)
    /// The document's incarnation `epoch` was deleted, or renamed to `renamedTo`:
    /// `gone EPOCH NAME [NEWNAME]`. Relays close their connections to it.
    case gone(DocumentName, epoch: UInt64, renamedTo: DocumentName?)

    var payload: String {
        switch self {
        case .advanced(let name, let head): "\(head) \(name)"
        case .gone(let name, let epoch, let newName): "gone \(epoch) \(name)" + (newName.map { " \($0)" } ?? "")
        }
    }

    /// Reads a payload; nil for one that is neither form (from a relay of a later version).
    init?(payload: String) {
        let words = payload.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        if words.count == 2, let head = UInt64(words[0]), let name = try? DocumentName(words[1]) {
            self = .advanced(name, head: head)
        } else if (3...4).contains(words.count), words[0] == "gone", let epoch = UInt64(words[1]), let name = try? DocumentName(words[2]) {
            let newName = words.count == 4 ? try? DocumentName(words[3]) : nil
            if words.count == 4, newName == nil { return nil }
            self = .gone(name, epoch: epoch, renamedTo: newName)
        } else {
            return nil
        }
    }
}

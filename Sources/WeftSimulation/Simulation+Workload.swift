import Foundation
import WeftCRDT
import WeftSync
import WeftWire

/// What users do: type, delete, paste from one character to megabytes.
extension Simulation {
    /// A user moves their cursor: its presence goes out now when connected, and after every
    /// reconnect.
    func movePresence() {
        let live = clients.filter { $0.running && $0.machine.phase == .live && $0.replica.count > 0 }
        guard !live.isEmpty else { return }
        let client = live[int(0...(live.count - 1))]
        let presence = Presence(userName: "user \(client.index)", colour: UInt32(client.index),
                                cursor: client.replica.anchor(at: int(0...(client.replica.count - 1))))
        drive(client) { $0.sendPresence(presence) }
    }

    /// One edit by a random writing client that is running and may edit.
    func edit() {
        let writers = clients.filter { $0.running && !$0.readOnly && $0.canEdit }
        guard !writers.isEmpty else { return }
        let client = writers[int(0...(writers.count - 1))]
        let count = client.replica.count
        var deleting = 0, inserting = ""
        let roll = int(0...99)
        // A long document is cut back more often, so that runs stay fast while pastes stay large.
        let long = count > 150_000
        if (roll < 60 && !long) || count == 0 {
            inserting = text(length: int(1...8))
        } else if roll < 85 || long {
            deleting = min(count, chance(long ? 0.5 : 0.9) ? int(1...20) : int(1...max(1, count / 2)))
        } else {
            inserting = text(length: pasteLength())
            if count > 0, chance(0.3) { deleting = min(count, int(1...200)) }  // pasting over a selection
        }
        let position = int(0...(count - deleting))
        let edit = TextEdit(position: position, deleting: deleting, inserting: inserting)
        drive(client) { copy in
            do {
                // Accepted once queued: the user was told it is typed.
                for batch in try copy.apply([edit]) {
                    ledger.accepted(replica: copy.queue.replica, clientSeq: batch.clientSeq, ops: batch.ops,
                                    decoded: (try? OpCodec.decode(batch.ops)) ?? [])
                }
            } catch {
                fail("client \(client.index): a local edit failed: \(error)")
            }
        }
        report.edits += 1
        report.largestPaste = max(report.largestPaste, inserting.unicodeScalars.count)
        if inserting.unicodeScalars.count > 10_000 || deleting > 10_000 {
            record("client \(client.index) replaces \(deleting) characters with \(inserting.unicodeScalars.count) at \(position)")
        }
    }

    /// Mostly short, sometimes pages, rarely megabytes (over the protocol's batch limit).
    func pasteLength() -> Int {
        let roll = int(0...99)
        if roll < 85 { return int(1...300) }
        if roll < 97 { return int(1_000...32_000) }
        return int(min(256_000, options.maxPaste)...options.maxPaste)
    }

    /// Text with newlines and multi-byte scalars; long texts repeat a random piece (drawing every
    /// character of megabytes would cost more than the rest of the run).
    func text(length: Int) -> String {
        let alphabet: [Unicode.Scalar] = Array("abcdefghij klmnop\nqrstuvwxyz ABC,.;é日🙂".unicodeScalars)
        var piece = String.UnicodeScalarView()
        for _ in 0..<min(length, 97) { piece.append(alphabet[int(0...(alphabet.count - 1))]) }
        guard length > 97 else { return String(piece) }
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(length)
        let pieceScalars = Array(piece)
        for index in 0..<length { scalars.append(pieceScalars[index % pieceScalars.count]) }
        return String(scalars)
    }
}

import Synchronization
import WeftTerminal

/// Keys, pastes and mouse events read from the terminal and not yet handed to the editor.
///
/// The reader thread reads whatever the terminal has (a few bytes at a time while a long paste
/// without bracketed paste arrives as keys), and handing each read to the loop as its own event
/// drew a frame and saved the queue after every few keys: 30,000 pasted lines took minutes. The
/// loop is woken once for everything queued since it last looked (a wake-up is owed exactly
/// while the inbox holds something), and takes it all in one go.
final class InputInbox: Sendable {
    private let queued = Mutex<[InputEvent]>([])

    /// Adds `events` after those queued; true when the inbox was empty, so the loop needs waking.
    func put(_ events: [InputEvent]) -> Bool {
        queued.withLock { queued in
            defer { queued.append(contentsOf: events) }
            return queued.isEmpty && !events.isEmpty
        }
    }

    /// Everything queued, oldest first, leaving the inbox empty.
    func takeAll() -> [InputEvent] {
        queued.withLock { queued in
            defer { queued = [] }
            return queued
        }
    }
}

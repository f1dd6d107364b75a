import Foundation
import Testing
import WeftTerminal
import WeftTestSupport
@testable import WeftClient

/// The inbox between the terminal's reader and the editor's loop: the loop is woken exactly
/// when the inbox goes from empty to holding something, and takes everything in the order read.
@Suite struct InputInboxTests {
    /// Seeded puts of 0 to 5 events and takes, against a model (an array and the wake-ups owed).
    @Test(arguments: [1, 2, 3, 20261206] as [UInt64])
    func wakesOnceForWhatWaitsAndKeepsOrder(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let inbox = InputInbox()
        var model: [InputEvent] = []
        var next = 0
        for step in 0..<2_000 {
            if Bool.random(using: &random) {
                let events = (0..<Int.random(in: 0...5, using: &random)).map { _ in
                    next += 1
                    return InputEvent.paste("\(next)")
                }
                let woke = inbox.put(events)
                #expect(woke == (model.isEmpty && !events.isEmpty), "seed \(seed) step \(step): woke \(woke) with \(model.count) waiting")
                model += events
            } else {
                #expect(inbox.takeAll() == model, "seed \(seed) step \(step)")
                model = []
            }
        }
    }

    /// A reader thread putting while the loop takes: every event arrives once, in order, each
    /// taken on a wake-up (none is left for after the reader stopped).
    @Test func aReaderThreadAndTheLoopLoseNothing() async {
        let inbox = InputInbox()
        let total = 100_000
        let (wakeUps, sink) = AsyncStream<Void>.makeStream()
        let reader = Thread {
            var sent = 0
            while sent < total {
                let events = (sent..<min(total, sent + 7)).map { InputEvent.paste("\($0)") }
                sent += events.count
                if inbox.put(events) { sink.yield() }
            }
            sink.finish()
        }
        reader.start()
        var taken: [InputEvent] = []
        for await _ in wakeUps { taken += inbox.takeAll() }
        #expect(taken == (0..<total).map { InputEvent.paste("\($0)") })
    }
}

import Foundation
import Synchronization
import Testing
import WeftTestSupport
import WeftWire
@testable import WeftServer

/// The outbox against a model (a plain array): seeded runs of sends (counted and deferred),
/// takes of any size, a writer waiting on an empty outbox, finishes, closes and sends-away,
/// checked after every step: frames leave in order, once each, at most as many as asked; the
/// client is sent away exactly when the bound in frames or bytes is passed, and once; nothing is
/// added after the end; `drained()` returns whenever at most `drainedFrames` wait.
@Suite struct OutboxTests {
    /// The frame for message number `id`: an ack carries the number, so the order can be read back.
    static func frame(_ id: UInt64, deferred: Bool) -> OutgoingFrame {
        deferred ? OutgoingFrame(deferringEncoding: .ack(clientSeq: id, serverSeq: id)) : OutgoingFrame(.ack(clientSeq: id, serverSeq: id))
    }

    static func ids(_ frames: [OutgoingFrame]) -> [UInt64] {
        frames.map { $0.acknowledged?.clientSeq ?? 0 }
    }

    /// Runs `body`, or records an issue naming `what` if it has not returned within 10 s.
    static func within(_ what: String, _ body: @escaping @Sendable () async -> Void) async {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await body()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                return false
            }
            if await group.next() == false { Issue.record("\(what) did not return") }
            group.cancelAll()
        }
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func framesLeaveInOrderAndTheBoundsHold(seed: UInt64) async {
        var random = SeededGenerator(seed: seed)
        var overflowRounds = 0
        for round in 0..<30 {
            let capacity = Int.random(in: 4...120, using: &random)
            // Often a whole number of small frames, so the bound is met exactly, not only passed.
            let byteCapacity = 3 * Int.random(in: 2...60, using: &random)
            // Some rounds' writers keep up, some fall far behind.
            let readerPace = Int.random(in: 1...6, using: &random)
            let overflows = Atomic<Int>(0)
            let outbox = Outbox(capacity: capacity, byteCapacity: byteCapacity, overflowed: { overflows.add(1, ordering: .relaxed) })
            // The model: the frames waiting, each with the bytes it counts against the bound.
            var waiting: [(id: UInt64, bytes: Int)] = []
            var queuedBytes: Int { waiting.reduce(0) { $0 + $1.bytes } }
            var finished = false
            var overflowed = false
            var next: UInt64 = 1
            let context = "seed \(seed) round \(round) (capacity \(capacity), \(byteCapacity) bytes)"

            func send(deferred: Bool) {
                let frame = Self.frame(next, deferred: deferred)
                outbox.send(frame)
                defer { next += 1 }
                guard !finished else { return }
                guard waiting.count < capacity else {
                    finished = true
                    overflowed = true
                    return
                }
                waiting.append((next, deferred ? 0 : frame.bytes.readableBytes))
                if queuedBytes > byteCapacity {
                    finished = true
                    overflowed = true
                }
            }

            for step in 0..<Int.random(in: 20...200, using: &random) {
                switch Int.random(in: 0..<100, using: &random) {
                case 0..<55:
                    send(deferred: Int.random(in: 0..<4, using: &random) == 0)
                case 55..<80 where Int.random(in: 0..<readerPace, using: &random) != 0:
                    send(deferred: Int.random(in: 0..<4, using: &random) == 0)
                case 55..<80 where !waiting.isEmpty || finished:
                    let limit = Int.random(in: 1...40, using: &random)
                    let taken = Self.ids(await outbox.take(upTo: limit))
                    let expected = waiting.prefix(limit).map(\.id)
                    #expect(taken == expected, "\(context) step \(step): took \(taken), expected \(expected)")
                    waiting.removeFirst(expected.count)
                case 55..<80:
                    // The writer waits on an empty outbox; a send (or the end) wakes it.
                    let writer = Task { Self.ids(await outbox.take(upTo: 8)) }
                    if Int.random(in: 0..<5, using: &random) == 0 {
                        outbox.finish()
                        finished = true
                        #expect(await writer.value == [], "\(context) step \(step): a finished empty outbox gives nothing")
                    } else {
                        let id = next
                        send(deferred: false)
                        let taken = await writer.value
                        #expect(taken == [id], "\(context) step \(step): the waiting writer took \(taken), not \(id)")
                        waiting.removeAll { $0.id == id }
                    }
                case 80..<88:
                    if waiting.count <= Outbox.drainedFrames || finished { await Self.within("\(context) step \(step): drained()") { await outbox.drained() } }
                case 88..<94:
                    outbox.close(code: .goingAway, reason: "stopping")
                    finished = true
                    #expect(outbox.closing.code == .goingAway && outbox.closing.reason == "stopping")
                case 94..<97:
                    outbox.sendAway()
                    finished = true
                    overflowed = true
                default:
                    outbox.finish()
                    finished = true
                }
                #expect(overflows.load(ordering: .relaxed) == (overflowed ? 1 : 0),
                        "\(context) step \(step): sent away \(overflows.load(ordering: .relaxed)) times, the model says \(overflowed ? 1 : 0)")
            }
            // Whatever waits still leaves, in order, then the end.
            outbox.finish()
            var rest: [UInt64] = []
            while true {
                let taken = Self.ids(await outbox.take(upTo: 16))
                if taken.isEmpty { break }
                rest += taken
            }
            #expect(rest == waiting.map(\.id), "\(context): after the end the writer took \(rest), expected \(waiting.map(\.id))")
            if overflows.load(ordering: .relaxed) > 0 { overflowRounds += 1 }
        }
        #expect(overflowRounds > 0 && overflowRounds < 30, "seed \(seed): \(overflowRounds) of 30 rounds passed a bound; the run explores too little")
    }
}

import Synchronization
import Testing
import WeftWire
@testable import WeftServer

/// The outbox hands its writer everything queued at once, in order, within a write's bounds, and
/// keeps its memory bounds: what the relay's one-flush-per-write fan-out rests on.
@Suite struct OutboxTests {
    static func ack(_ n: UInt64) -> OutgoingFrame { OutgoingFrame(.ack(clientSeq: n, serverSeq: n)) }

    static func serverSeqs(_ frames: [OutgoingFrame]) throws -> [UInt64] {
        try frames.map { frame in
            guard case .ack(_, let serverSeq) = try ServerMessage(decoding: Array(frame.bytes.readableBytesView)) else { return 0 }
            return serverSeq
        }
    }

    @Test func aTakeHoldsEverythingQueuedInOrder() throws {
        var queue = OutboxQueue(capacity: 100, byteCapacity: 1 << 20)
        for n in 1...10 { #expect(queue.push(Self.ack(UInt64(n))) == .queued) }
        #expect(try Self.serverSeqs(queue.take(maxBytes: 1 << 20, maxFrames: 100)) == Array(1...10))
        #expect(queue.isEmpty)
        #expect(queue.queuedBytes == 0)
    }

    @Test func aTakeStopsAtItsBoundsButAlwaysTakesOne() throws {
        var queue = OutboxQueue(capacity: 100, byteCapacity: 1 << 20)
        for n in 1...10 { _ = queue.push(Self.ack(UInt64(n))) }
        let size = Self.ack(1).bytes.readableBytes
        #expect(try Self.serverSeqs(queue.take(maxBytes: 3 * size, maxFrames: 100)) == [1, 2, 3])
        #expect(try Self.serverSeqs(queue.take(maxBytes: 1 << 20, maxFrames: 2)) == [4, 5])
        #expect(try Self.serverSeqs(queue.take(maxBytes: 1, maxFrames: 100)) == [6], "one frame larger than the bound still goes")
        #expect(queue.queuedBytes == 4 * size)
    }

    @Test func aTakeEndsWithAFrameThatClosesTheConnection() throws {
        var queue = OutboxQueue(capacity: 100, byteCapacity: 1 << 20)
        _ = queue.push(Self.ack(1))
        _ = queue.push(OutgoingFrame(.error(WireError(.malformed, "no"), fatal: true)))
        _ = queue.push(Self.ack(2))
        let taken = queue.take(maxBytes: 1 << 20, maxFrames: 100)
        #expect(taken.count == 2)
        #expect(taken.last?.closesConnection == true)
    }

    @Test func passingTheFrameBoundOverflowsOnceAndQueuesNothingMore() {
        var queue = OutboxQueue(capacity: 3, byteCapacity: 1 << 20)
        for n in 1...3 { #expect(queue.push(Self.ack(UInt64(n))) == .queued) }
        #expect(queue.push(Self.ack(4)) == .overflowed)
        #expect(queue.push(Self.ack(5)) == .dropped)
        #expect(queue.count == 3, "the frames queued before stay for the writer")
        #expect(queue.isFinished)
    }

    @Test func passingTheByteBoundOverflowsOnce() {
        let size = Self.ack(1).bytes.readableBytes
        var queue = OutboxQueue(capacity: 100, byteCapacity: 2 * size)
        #expect(queue.push(Self.ack(1)) == .queued)
        #expect(queue.push(Self.ack(2)) == .queued)
        #expect(queue.push(Self.ack(3)) == .overflowed)
        #expect(queue.push(Self.ack(4)) == .dropped)
    }

    @Test func theWriterGetsWhatWasQueuedWhileItWasAwayInOneTake() async throws {
        let outbox = Outbox(byteCapacity: 1 << 20)
        for n in 1...500 { outbox.send(Self.ack(UInt64(n))) }
        let first = try #require(await outbox.next())
        #expect(try Self.serverSeqs(first) == Array(1...500))
        outbox.send(Self.ack(501))
        outbox.finish()
        outbox.send(Self.ack(502))
        let rest = try #require(await outbox.next())
        #expect(try Self.serverSeqs(rest) == [501], "what was queued before finishing still goes, nothing after")
        #expect(await outbox.next() == nil)
    }

    @Test func aWaitingWriterIsWokenBySendAndByFinish() async throws {
        let outbox = Outbox(byteCapacity: 1 << 20)
        async let taken = outbox.next()
        try await Task.sleep(for: .milliseconds(50))
        outbox.send(Self.ack(1))
        let woken = try #require(await taken)
        #expect(try Self.serverSeqs(woken) == [1])
        async let ended = outbox.next()
        try await Task.sleep(for: .milliseconds(50))
        outbox.finish()
        #expect(await ended == nil)
    }

    @Test func overflowingDisconnectsOnce() {
        let calls = Counter()
        let outbox = Outbox(capacity: 2, byteCapacity: 1 << 20, overflowed: { calls.add() })
        for n in 1...5 { outbox.send(Self.ack(UInt64(n))) }
        #expect(calls.value == 1)
    }
}

private final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

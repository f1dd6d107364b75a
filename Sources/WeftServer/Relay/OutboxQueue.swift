import NIOCore

/// The frames waiting for one connection, as a pure value: what `Outbox` guards with a lock and
/// its writer drains. Bounded in frames and in bytes (a client that stops reading must not hold
/// the relay's memory without limit); the first push past either bound overflows it, which ends
/// it: the frames already queued can still be taken, nothing more is queued.
///
/// The writer takes everything queued at once (`take`), up to a write's worth of bytes, and hands
/// it to the socket with one flush: with 50 people typing into one document, each commit puts
/// dozens of acks and broadcasts in every outbox, and a flush (a `writev`) per message was the
/// relay's largest cost.
struct OutboxQueue {
    /// Frames queued at most.
    let capacity: Int
    /// Bytes queued at most.
    let byteCapacity: Int
    private var frames = CircularBuffer<OutgoingFrame>()
    /// Bytes of the frames queued and not yet taken.
    private(set) var queuedBytes = 0
    /// No more frames are queued: finished by either side, or overflowed.
    private(set) var isFinished = false
    private(set) var hasOverflowed = false

    /// What a push did.
    enum Push: Equatable {
        case queued
        /// This push crossed a bound: the queue is finished now (reported once).
        case overflowed
        /// The queue was finished already: the frame is dropped.
        case dropped
    }

    init(capacity: Int, byteCapacity: Int) {
        self.capacity = capacity
        self.byteCapacity = byteCapacity
    }

    var isEmpty: Bool { frames.isEmpty }
    var count: Int { frames.count }

    mutating func push(_ frame: OutgoingFrame) -> Push {
        guard !isFinished else { return .dropped }
        // Past the frame bound the frame is not kept (as a stream that buffers the oldest drops
        // the newest); past the byte bound it is, and the queue ends after it.
        guard frames.count < capacity else { return overflow() }
        frames.append(frame)
        queuedBytes += frame.bytes.readableBytes
        return queuedBytes > byteCapacity ? overflow() : .queued
    }

    /// Takes the frames queued, oldest first: at least one if any is queued, then more while they
    /// fit in `maxBytes` and `maxFrames`, so one write hands the socket a bounded amount.
    mutating func take(maxBytes: Int, maxFrames: Int) -> [OutgoingFrame] {
        var taken: [OutgoingFrame] = []
        var bytes = 0
        while let next = frames.first, taken.isEmpty || (taken.count < maxFrames && bytes + next.bytes.readableBytes <= maxBytes) {
            frames.removeFirst()
            bytes += next.bytes.readableBytes
            taken.append(next)
            // A frame that closes the connection is the last one written.
            if next.closesConnection { break }
        }
        queuedBytes -= bytes
        return taken
    }

    /// Queues nothing more; what is queued can still be taken.
    mutating func finish() { isFinished = true }

    private mutating func overflow() -> Push {
        isFinished = true
        guard !hasOverflowed else { return .dropped }
        hasOverflowed = true
        return .overflowed
    }
}

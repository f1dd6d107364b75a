import Dispatch

/// The executor of one document's room: a serial queue of its own, so the room's work runs on a
/// thread outside Swift's cooperative pool. That pool has one thread per core (two on small
/// machines); a room applying a batch that takes seconds (hundreds of KB of deletions splitting
/// runs) or compacting a large document would otherwise hold one of them for that long, and every
/// other document's commits, `/healthz` and unrelated reads would wait behind it. On its own
/// queue, the operating system's scheduler shares the cores between the busy room and the rest,
/// a few milliseconds at a time.
///
/// A serial queue that is not busy holds no thread, so a relay with thousands of open documents
/// costs threads only for the rooms working at the same moment.
final class RoomExecutor: SerialExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        // Only as the actors' serial executor: also claiming to be the job's task executor (as
        // one type serving as both may) lost wake-ups under load, leaving a room waiting forever.
        queue.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}

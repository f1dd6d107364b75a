import Foundation

/// A task executor with a thread of its own, which it runs jobs on in order until shut down.
/// Work that blocks (waiting for a process, `usleep` polling) then blocks this thread, not one of
/// Swift's cooperative pool, which has only one thread per core.
final class OwnThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var shuttingDown = false

    /// The key in `Thread.current.threadDictionary` that marks an executor's thread (names set
    /// through `Thread` do not read back on Linux).
    static let marker = "weft.ownThreadExecutor"

    init(name: String) {
        let thread = Thread { [self] in
            Thread.current.threadDictionary[Self.marker] = name
            runJobs()
        }
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread end once the jobs already enqueued have run.
    func shutdown() {
        condition.lock()
        shuttingDown = true
        condition.signal()
        condition.unlock()
    }

    private func runJobs() {
        while true {
            condition.lock()
            while jobs.isEmpty, !shuttingDown { condition.wait() }
            guard !jobs.isEmpty else {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

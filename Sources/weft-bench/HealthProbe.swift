import Foundation
import Synchronization
import WeftTestSupport

/// Asks a relay's `/healthz` at a fixed interval on a thread of its own (the requests block) and
/// keeps how long each answer took; a request that got no answer counts with the time it waited.
final class HealthProbe: Sendable {
    private let timings = Mutex<[Duration]>([])
    private let stopped = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    init(relay: RelayProcess, every interval: Duration) {
        let thread = Thread { [self] in
            while !stopped.load(ordering: .relaxed) {
                let start = ContinuousClock.now
                _ = relay.get("/healthz")
                let took = ContinuousClock.now - start
                timings.withLock { $0.append(took) }
                if took < interval { Thread.sleep(forTimeInterval: Measure.milliseconds(interval - took) / 1000) }
            }
            done.signal()
        }
        thread.start()
    }

    /// Stops asking and returns how long each request took.
    func finish() -> [Duration] {
        stopped.store(true, ordering: .relaxed)
        done.wait()
        return timings.withLock { $0 }
    }
}

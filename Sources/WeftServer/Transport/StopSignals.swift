import Dispatch
import Foundation
import Synchronization

/// SIGTERM and SIGINT for the relay: the first starts an orderly stop (`first` gets the
/// signal's name); another one, while that runs, exits at once (an operator who presses Ctrl-C
/// twice, or a supervisor that gave up waiting, means it). Nothing is lost by exiting at once:
/// the store commits before it acknowledges, so an exit is like a crash, which it survives.
final class StopSignals: Sendable {
    private nonisolated(unsafe) let sources: [DispatchSourceSignal]

    init(first: @escaping @Sendable (String) -> Void) {
        let received = SignalCount()
        let signals: [(Int32, String)] = [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")]
        sources = signals.map { number, name in
            // Dispatch delivers the signal on a queue; the default action (exit) must not run first.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if received.value.add(1, ordering: .relaxed).newValue == 1 { return first(name) }
                FileHandle.standardError.write(Data("weft serve: \(name) again: stopping at once\n".utf8))
                _exit(1)
            }
            source.resume()
            return source
        }
    }

    /// Restores the default actions.
    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGTERM, SIG_DFL)
        signal(SIGINT, SIG_DFL)
    }
}

/// Stop signals received so far (a class: an atomic cannot be captured by the handlers).
private final class SignalCount: Sendable {
    let value = Atomic<Int>(0)
}
